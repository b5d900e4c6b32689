/**
 * How much `ibgu lint` costs on top of parsing the YAML at all.
 *
 * The baseline is the `yaml` package's own `parseAllDocuments` over the same texts: whatever the linter
 * does beyond that (embedded documents, workspace indexes, rules, positions, fixes) is the overhead the
 * target is about. Timings are reported, never asserted: machines differ and a timing assertion only
 * makes CI flaky.
 *
 *   npm run bench:lint
 *   BENCH_REPS=9 BENCH_WARMUP=2 BENCH_SEED=7 BENCH_CLI=0 BENCH_ONLY=lint|parse node dist-bench/lint.bench.js
 *
 * Profiling: BENCH_ONLY=lint BENCH_CLI=0 node --cpu-prof --cpu-prof-dir=/tmp/prof dist-bench/lint.bench.js
 * then node bench/cpuprofile-summary.mjs /tmp/prof/*.cpuprofile.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseAllDocuments } from 'yaml';
import { lintFile, parseFile, Workspace, type Finding, type ParsedFile } from '../src/core/index';
import { generateTree, type TreeFile } from './gitops-tree';

const TARGET_RATIO = 1.5;
const reps = Math.max(1, Number(process.env.BENCH_REPS ?? 9));
const warmups = Math.max(0, Number(process.env.BENCH_WARMUP ?? 2));
const seed = Number(process.env.BENCH_SEED ?? 20240611);
/** BENCH_ONLY=lint (or parse) runs one side only, so that a CPU profile shows nothing else. */
const only = process.env.BENCH_ONLY === 'lint' || process.env.BENCH_ONLY === 'parse' ? process.env.BENCH_ONLY : undefined;

// Collecting before each timed run keeps one run's garbage from being billed to the next; the flag can
// be set at run time, so the script still runs as a plain `node dist-bench/lint.bench.js`.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const { files: tree, planted } = generateTree({ seed });

interface LintRun {
  files: ParsedFile[];
  workspace: Workspace;
  findings: Finding[][];
  parseMs: number;
  /** heapUsed when the run ends: all it built is live, plus whatever garbage was not collected yet. */
  heapAtEnd: number;
}

/** What `ibgu lint` does once the files are read. */
function lintAll(texts: readonly TreeFile[]): LintRun {
  const start = performance.now();
  const files = texts.map((f) => parseFile(f.path, f.text));
  const workspace = new Workspace(files);
  const parseMs = performance.now() - start;
  const findings = files.map((file) => lintFile(file, workspace, {}));
  return { files, workspace, findings, parseMs, heapAtEnd: process.memoryUsage().heapUsed };
}

interface Counts {
  documents: number;
  embedded: number;
  findings: Finding[];
}

function countsOf(run: LintRun): Counts {
  return {
    documents: run.files.reduce((n, f) => n + f.documents.length, 0),
    embedded: run.files.reduce((n, f) => n + f.resources.reduce((m, r) => m + r.embedded.length, 0), 0),
    findings: run.findings.flat(),
  };
}

function parseAll(texts: readonly TreeFile[]): number {
  let documents = 0;
  for (const f of texts) documents += parseAllDocuments(f.text).length;
  return documents;
}

function time<T>(fn: () => T): { ms: number; result: T } {
  gc();
  const start = performance.now();
  const result = fn();
  return { ms: performance.now() - start, result };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

const load = loadavg()[0];
gc();
const baseline = process.memoryUsage().heapUsed;
for (let i = 0; i < warmups; i++) {
  if (only !== 'lint') parseAll(tree);
  if (only !== 'parse') lintAll(tree);
}

const lintTimes: number[] = [];
const lintParseTimes: number[] = [];
const parseTimes: number[] = [];
const pairRatios: number[] = [];
let heapAtEnd = 0;
let retained = 0;
let counted: Counts | undefined;
for (let i = 0; i < reps; i++) {
  // Alternating which one goes first spreads drift (JIT, GC pressure) over both; each pair ran under
  // nearly the same machine load, so the per-pair ratio is steadier than the ratio of medians on a
  // shared machine.
  const order = i % 2 === 0 ? ['parse', 'lint'] : ['lint', 'parse'];
  const pair: Record<string, number> = {};
  for (const which of order.filter((w) => !only || w === only)) {
    if (which === 'parse') pair.parse = time(() => parseAll(tree)).ms;
    else {
      const { ms, result } = time(() => lintAll(tree));
      pair.lint = ms;
      lintParseTimes.push(result.parseMs);
      heapAtEnd = Math.max(heapAtEnd, result.heapAtEnd);
      gc();
      retained = Math.max(retained, process.memoryUsage().heapUsed - baseline);
      // Only plain numbers and findings survive the run: a live workspace would slow every later
      // collection, the parse runs' included.
      counted = countsOf(result);
    }
  }
  if (pair.parse !== undefined) parseTimes.push(pair.parse);
  if (pair.lint !== undefined) lintTimes.push(pair.lint);
  if (pair.parse !== undefined && pair.lint !== undefined) pairRatios.push(pair.lint / pair.parse);
}

// Counts come from a lint run even when only the parse side was timed.
counted ??= countsOf(lintAll(tree));
const { documents, embedded, findings: all } = counted;
const bytes = tree.reduce((n, f) => n + Buffer.byteLength(f.text), 0);
const bySeverity = new Map<string, number>();
const byRule = new Map<string, number>();
for (const f of all) {
  bySeverity.set(f.severity, (bySeverity.get(f.severity) ?? 0) + 1);
  byRule.set(f.rule, (byRule.get(f.rule) ?? 0) + 1);
}
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
const spread = (xs: number[]) => `min ${fmt(Math.min(...xs))}, max ${fmt(Math.max(...xs))}`;

console.log(`tree       seed ${seed}: ${tree.length} files, ${documents} documents (+${embedded} embedded in ConfigMaps), ${mb(bytes)}, ${planted} planted mistakes`);
console.log(`findings   ${all.length} (${[...bySeverity].map(([s, n]) => `${n} ${s}`).join(', ')})`);
console.log(`           ${[...byRule].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([r, n]) => `${r} ${n}`).join(', ')}`);
console.log(`runs       ${warmups} warm-up + ${reps} measured of ${only ?? 'each, alternating'}; load average ${load.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after`);
if (parseTimes.length) console.log(`parse      ${fmt(median(parseTimes))} median (${spread(parseTimes)})  yaml parseAllDocuments of each file`);
if (lintTimes.length) {
  console.log(`lint       ${fmt(median(lintTimes))} median (${spread(lintTimes)})  parseFile + Workspace + lintFile of each file`);
  console.log(`           of which parseFile + Workspace ${fmt(median(lintParseTimes))}, lintFile ${fmt(median(lintTimes) - median(lintParseTimes))}`);
}
if (pairRatios.length) {
  const ratio = median(lintTimes) / median(parseTimes);
  const paired = median(pairRatios);
  console.log(`ratio      ${ratio.toFixed(2)}x lint/parse (median of pairs ${paired.toFixed(2)}x, range ${Math.min(...pairRatios).toFixed(2)}-${Math.max(...pairRatios).toFixed(2)}x)`);
  console.log(`target     lint <= ${TARGET_RATIO}x parse: ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'}`);
}
if (lintTimes.length) console.log(`heap       ${mb(retained)} retained by a lint run (after GC, workspace live); heapUsed at end of run up to ${mb(heapAtEnd)}; max RSS ${mb(process.resourceUsage().maxRSS * 1024)}`);
cliLine();

/**
 * The same texts through the built CLI, end to end (process start, directory walk, reads, output). Only
 * when dist/cli.js exists, as after `npm run build`; BENCH_CLI=0 skips it.
 */
function cliLine(): void {
  const cli = path.resolve('dist/cli.js');
  if (process.env.BENCH_CLI === '0') return;
  if (!existsSync(cli)) {
    console.log('cli        skipped: dist/cli.js not built (npm run build)');
    return;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'ibgu-bench-'));
  try {
    for (const f of tree) {
      const target = path.join(dir, f.path);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, f.text);
    }
    const times: number[] = [];
    let status: number | null = null;
    for (let i = 0; i < 3; i++) {
      const start = performance.now();
      const run = spawnSync(process.execPath, [cli, 'lint', '--format', 'json', '--no-color', dir], { encoding: 'utf8', maxBuffer: 1 << 30 });
      times.push(performance.now() - start);
      if (run.error) throw run.error;
      status = run.status;
    }
    console.log(`cli        ${fmt(median(times))} median of 3 (${spread(times)})  node dist/cli.js lint --format json <tree>, exit ${status}; includes start-up and disk I/O`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
