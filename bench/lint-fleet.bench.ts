/**
 * `ibgu lint` of a fleet-scale GitOps tree (50,000+ documents) as a process: peak RSS and wall time of the
 * built CLI against a process that only reads the same files and parses each with the `yaml` package's
 * `parseAllDocuments` (keeping nothing past a file). The two alternate per round, so a change in the
 * machine's load falls on both; each round's ratio is printed with the spread. Asserts nothing.
 *
 *   npm run bench:lint:fleet
 *   BENCH_ROUNDS=5 BENCH_SCALE=7.2 node dist-bench/lint-fleet.bench.js
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseAllDocuments } from 'yaml';
import { generateTree } from './gitops-tree';

const TARGET_MB = 200;

/** The peer, run in its own process by this same file: read and parse every YAML file, print the document count. */
function peer(dir: string): void {
  let documents = 0;
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(name)) documents += parseAllDocuments(readFileSync(p, 'utf8')).length;
    }
  };
  walk(dir);
  console.log(documents);
}

interface Run {
  ms: number;
  maxRssMb: number;
  status: number | null;
}

/** A child process with its wall time and, from a preloaded exit hook, its peak RSS. */
function measure(args: string[], hook: string): Run {
  const start = performance.now();
  const run = spawnSync(process.execPath, ['--require', hook, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = performance.now() - start;
  if (run.error) throw run.error;
  const rss = /maxRSS (\d+)/.exec(run.stderr);
  if (!rss) throw new Error(`no maxRSS from ${args.join(' ')}: ${run.stderr.slice(0, 500)}`);
  return { ms, maxRssMb: Number(rss[1]) / 1024, status: run.status };
}

function main(): void {
  const cli = path.resolve('dist/cli.js');
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run npm run build first');
  const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));
  const scale = Number(process.env.BENCH_SCALE ?? 7.2);
  const n = (x: number) => Math.round(x * scale);
  const { files } = generateTree({ seed: 20240611, waves: n(80), clusters: n(1400), apps: n(320), policies: n(260) });
  const dir = mkdtempSync(path.join(tmpdir(), 'ibgu-bench-fleet-'));
  try {
    const hook = path.join(dir, 'max-rss.js');
    writeFileSync(hook, "process.on('exit', () => process.stderr.write(`\\nmaxRSS ${process.resourceUsage().maxRSS}\\n`));\n");
    const tree = path.join(dir, 'tree');
    for (const f of files) {
      const target = path.join(tree, f.path);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, f.text);
    }
    const bytes = files.reduce((s, f) => s + Buffer.byteLength(f.text), 0);
    const documents = Number(spawnSync(process.execPath, [__filename, '--peer', tree], { encoding: 'utf8' }).stdout.trim());
    const load = loadavg()[0];
    const ours: Run[] = [];
    const theirs: Run[] = [];
    for (let i = 0; i < rounds; i++) {
      const lint = () => ours.push(measure([cli, 'lint', '--format', 'json', '--no-color', tree], hook));
      const parse = () => theirs.push(measure([__filename, '--peer', tree], hook));
      if (i % 2 === 0) { lint(); parse(); } else { parse(); lint(); }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    const range = (xs: number[], f: (x: number) => string) => `${f(Math.min(...xs))}–${f(Math.max(...xs))}`;
    const mb = (x: number) => `${x.toFixed(0)} MB`;
    const sec = (x: number) => `${(x / 1000).toFixed(2)} s`;
    const ratio = (x: number) => `${x.toFixed(2)}x`;
    const rssRatios = ours.map((r, i) => r.maxRssMb / theirs[i].maxRssMb);
    const timeRatios = ours.map((r, i) => r.ms / theirs[i].ms);
    console.log(`tree       ${files.length} files, ${documents} documents, ${(bytes / 1024 / 1024).toFixed(1)} MB; ${rounds} rounds alternating (lint first in even rounds); load average ${load.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after`);
    console.log(`peak RSS   ibgu lint ${mb(median(ours.map((r) => r.maxRssMb)))} median (${range(ours.map((r) => r.maxRssMb), mb)}), yaml parse ${mb(median(theirs.map((r) => r.maxRssMb)))} (${range(theirs.map((r) => r.maxRssMb), mb)}); ratio per round ${range(rssRatios, ratio)}; target ≤ ${TARGET_MB} MB: ${median(ours.map((r) => r.maxRssMb)) <= TARGET_MB ? 'met' : 'NOT met'}`);
    console.log(`time       ibgu lint ${sec(median(ours.map((r) => r.ms)))} median (${range(ours.map((r) => r.ms), sec)}), yaml parse ${sec(median(theirs.map((r) => r.ms)))} (${range(theirs.map((r) => r.ms), sec)}); ratio per round ${range(timeRatios, ratio)}, median ${ratio(median(timeRatios))}; target ≤ 1x: ${median(timeRatios) <= 1 ? 'met' : 'NOT met'}`);
    console.log(`           both are whole processes (start-up, directory walk, reads; ibgu lint also writes its JSON report), exit ${ours[0].status}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--peer') peer(process.argv[3]);
else main();
