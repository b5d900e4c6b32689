// Summarises a V8 .cpuprofile by self time, with bundle positions mapped back to the TypeScript sources.
//
//   BENCH_ONLY=lint BENCH_CLI=0 node --cpu-prof --cpu-prof-dir=/tmp/prof dist-bench/lint.bench.js
//   node bench/cpuprofile-summary.mjs /tmp/prof/*.cpuprofile [top=30]
//
// The bundles carry source maps; without mapping, every hotspot would point into one huge .js file.
import { readFileSync, existsSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/cpuprofile-summary.mjs PROFILE.cpuprofile [top]');
  process.exit(2);
}
const top = Number(topArg ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8'));

const maps = new Map();
function mapFor(url) {
  if (!maps.has(url)) {
    let map;
    try {
      const js = url.startsWith('file:') ? fileURLToPath(url) : url;
      if (existsSync(`${js}.map`)) map = { map: new SourceMap(JSON.parse(readFileSync(`${js}.map`, 'utf8'))), dir: path.dirname(js) };
    } catch {
      map = undefined;
    }
    maps.set(url, map);
  }
  return maps.get(url);
}

function where(frame) {
  if (!frame.url) return '(native)';
  const m = mapFor(frame.url);
  if (m) {
    const entry = m.map.findEntry(frame.lineNumber, frame.columnNumber);
    if (entry && entry.originalSource) {
      const source = path.relative(process.cwd(), path.resolve(m.dir, entry.originalSource.replace(/^file:\/\//, '')));
      return `${source}:${entry.originalLine + 1}`;
    }
  }
  return `${path.basename(frame.url)}:${frame.lineNumber + 1}`;
}

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  total += dt;
  self.set(id, (self.get(id) ?? 0) + dt);
});

const rows = new Map();
for (const [id, us] of self) {
  const { callFrame } = byId.get(id);
  const key = `${callFrame.functionName || '(anonymous)'}  ${where(callFrame)}`;
  rows.set(key, (rows.get(key) ?? 0) + us);
}

// Self time per source file: shows whether the cost is in the `yaml` package or in our code.
const byFile = new Map();
for (const [key, us] of rows) {
  const loc = key.split('  ')[1];
  const f = loc.replace(/:\d+$/, '').replace(/^node_modules\/yaml\/dist\/.*/, 'node_modules/yaml/**');
  byFile.set(f, (byFile.get(f) ?? 0) + us);
}

// Inclusive time of our own functions (each sample counted once per function on its stack): shows which
// part of the pipeline pays for the library and GC time spent under it.
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const inclusive = new Map();
for (const [id, us] of self) {
  const seen = new Set();
  for (let at = id; at !== undefined; at = parent.get(at)) {
    const { callFrame } = byId.get(at);
    const loc = where(callFrame);
    if (!loc.startsWith('src/')) continue;
    const key = `${callFrame.functionName || '(anonymous)'}  ${loc}`;
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + us);
  }
}

const pct = (us) => `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms`;
console.log(`total sampled ${(total / 1000).toFixed(0)} ms\n\nself time by function:`);
for (const [key, us] of [...rows].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${key}`);
console.log('\nself time by file:');
for (const [f, us] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`${pct(us)}  ${f}`);
console.log('\ninclusive time of src/ functions:');
for (const [key, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${key}`);
