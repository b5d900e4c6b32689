/**
 * Time from didOpen to diagnostics: the IBGU language server vs yaml-language-server configured with our
 * JSON schemas, on the same files in the same run; then keystroke-to-diagnostics in one document of a
 * 500-document file; bundle sizes and server start-up. Prints one table; asserts nothing.
 *
 *   npm run bench:lsp        (BENCH_REPS=5 by default)
 *   npm run bench:lsp -- --burst    only the burst of edits to a 20,000-document file (see lsp-burst.ts)
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { kindsJsonSchema } from '../src/core/schema/json-schema';
import { LspClient } from '../test/helpers/lsp';
import { repoRoot } from '../test/helpers/fixtures';
import { generateTree, rng } from './gitops-tree';
import { burst } from './lsp-burst';

const reps = Math.max(1, Number(process.env.BENCH_REPS ?? 5));
const root = repoRoot();
const ours = [path.join(root, 'dist', 'server.js'), '--stdio'];
const theirsBin = process.env.IBGU_YAMLLS_BIN ?? path.join(root, 'node_modules', 'yaml-language-server', 'bin', 'yaml-language-server');

/** Multi-document text of about `lines` lines, from the generated GitOps tree. */
function gitopsFile(lines: number, seed: number): string {
  const { files } = generateTree({ seed, waves: 200, clusters: 400, apps: 300, policies: 100 });
  const docs: string[] = [];
  let count = 0;
  for (const file of files) {
    for (const doc of file.text.split(/^---\s*$/m)) {
      if (!doc.trim()) continue;
      docs.push(doc.replace(/^\n+/, ''));
      count += doc.split('\n').length;
      if (count >= lines) return docs.join('---\n');
    }
  }
  return docs.join('---\n');
}

/**
 * CPU time of a process (every thread: GC helpers too) and the time its main thread, ready to run, waited for a
 * core, in ms, from Linux's /proc/<pid>/task/<tid>/schedstat; undefined elsewhere. On a loaded machine the wall
 * time of a round is mostly the main thread's CPU time and that wait (and for yaml-language-server its debounce).
 */
function schedstat(pid: number | undefined): { cpu: number; wait: number } | undefined {
  try {
    let cpu = 0;
    let wait = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const [run, queued] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ').map(Number);
      cpu += run / 1e6;
      if (Number(tid) === pid) wait = queued / 1e6;
    }
    return { cpu, wait };
  } catch {
    return undefined;
  }
}

interface Opened {
  ms: number;
  count: number;
  /** The server's CPU time and wait for a core from didOpen to the diagnostics (Linux only). */
  cpu?: number;
  wait?: number;
}

/** Runs `open`, with the server's CPU time and wait for a core over it. */
async function measured(client: LspClient, open: () => Promise<{ ms: number; count: number }>): Promise<Opened> {
  const before = schedstat(client.pid);
  const result = await open();
  const after = schedstat(client.pid);
  return before && after ? { ...result, cpu: after.cpu - before.cpu, wait: after.wait - before.wait } : result;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];
const ms = (x: number) => `${x.toFixed(1)} ms`;

async function start(args: string[], schemaFile: string, folder?: string): Promise<{ client: LspClient; startupMs: number }> {
  const t0 = performance.now();
  const client = new LspClient(args);
  const yamlSettings = { validate: true, hover: true, completion: true, format: { enable: false }, schemas: { [pathToFileURL(schemaFile).href]: ['*.yaml'] }, schemaStore: { enable: false } };
  client.responders['workspace/configuration'] = (params: { items: { section?: string }[] }) =>
    params.items.map((i) => (i.section === 'yaml' ? yamlSettings : i.section === 'ibgu' ? { workspaceContext: !!folder } : null));
  const rootUri = folder ? pathToFileURL(folder).href : null;
  const workspaceFolders = folder ? [{ uri: rootUri, name: 'bench' }] : null;
  await client.request('initialize', { processId: process.pid, rootUri, workspaceFolders, capabilities: { workspace: { configuration: true } }, initializationOptions: {} });
  client.notify('initialized', {});
  client.notify('workspace/didChangeConfiguration', { settings: { yaml: yamlSettings } });
  return { client, startupMs: performance.now() - t0 };
}

/** Opening a file of the workspace folder, once: our server has read it at start-up, as it does in an editor. */
async function openFromWorkspace(client: LspClient, file: string, text: string): Promise<Opened> {
  return measured(client, async () => ({ ms: await openFromWorkspaceOnce(client, file, text), count: 0 }));
}

async function openFromWorkspaceOnce(client: LspClient, file: string, text: string): Promise<number> {
  const uri = pathToFileURL(file).href;
  const t0 = performance.now();
  const published = client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === uri && p.diagnostics.length > 0, 120_000);
  client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
  await published;
  const elapsed = performance.now() - t0;
  client.notify('textDocument/didClose', { textDocument: { uri } });
  return elapsed;
}

/** Runs `round(server)` for both servers `reps` times, ours first in even rounds and theirs first in odd ones. */
async function alternate<T>(reps: number, round: (which: 'ibgu' | 'yaml-language-server') => Promise<T>): Promise<{ ibgu: T[]; theirs: T[] }> {
  const out = { ibgu: [] as T[], theirs: [] as T[] };
  for (let i = 0; i < reps; i++) {
    const order = i % 2 === 0 ? (['ibgu', 'yaml-language-server'] as const) : (['yaml-language-server', 'ibgu'] as const);
    for (const which of order) (which === 'ibgu' ? out.ibgu : out.theirs).push(await round(which));
  }
  return out;
}

let opened = 0;
/** didOpen → the first publishDiagnostics for that document. */
async function openToDiagnostics(client: LspClient, name: string, text: string): Promise<Opened> {
  return measured(client, () => openToDiagnosticsOnce(client, name, text));
}

async function openToDiagnosticsOnce(client: LspClient, name: string, text: string): Promise<{ ms: number; count: number }> {
  const uri = `file:///bench/${name}-${opened++}.yaml`;
  const t0 = performance.now();
  const published = client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === uri, 120_000);
  client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
  const result = await published;
  const elapsed = performance.now() - t0;
  client.notify('textDocument/didClose', { textDocument: { uri } });
  return { ms: elapsed, count: result.diagnostics.length };
}

async function main(): Promise<void> {
  if (!existsSync(ours[0])) throw new Error('dist/server.js is missing: run npm run build first');
  if (!existsSync(theirsBin)) throw new Error('yaml-language-server is not installed (npm ci)');
  const work = mkdtempSync(path.join(tmpdir(), 'ibgu-bench-lsp-'));
  try {
    const schemaFile = path.join(work, 'ibgu-kinds.json');
    writeFileSync(schemaFile, JSON.stringify(kindsJsonSchema()));
    const files: [string, string][] = [
      ['one IBGU', readFileSync(path.join(root, 'examples', 'mistakes', 'ibgu-plan-missing-abortonfailure.yaml'), 'utf8')],
      ['3,000 lines', gitopsFile(3_000, 7)],
      ['30,000 lines', gitopsFile(30_000, 11)],
    ];
    const rows: string[][] = [];
    const started: Record<string, number> = {};
    const cpuRows: string[][] = [];
    const row = (label: string, lines: number, ours: Opened[], theirs: Opened[], counts: [string, string], target: boolean) => {
      const a = ours.map((r) => r.ms);
      const b = theirs.map((r) => r.ms);
      if (ours.every((r) => r.cpu !== undefined) && theirs.every((r) => r.cpu !== undefined)) {
        const cpuA = median(ours.map((r) => r.cpu!));
        const cpuB = median(theirs.map((r) => r.cpu!));
        cpuRows.push([label, `${ms(cpuA)} (waited ${ms(median(ours.map((r) => r.wait!)))})`, `${ms(cpuB)} (waited ${ms(median(theirs.map((r) => r.wait!)))})`, `${(cpuA / cpuB).toFixed(2)}x`]);
      }
      const ratios = a.map((x, i) => x / b[i]);
      const ratio = median(a) / median(b);
      const spread = `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}x`;
      rows.push([label, `${lines}`, `${ms(median(a))} (${ms(Math.min(...a))}–${ms(Math.max(...a))})`, `${ms(median(b))} (${ms(Math.min(...b))}–${ms(Math.max(...b))})`, `${ratio.toFixed(2)}x`, spread, target ? (ratio <= 0.5 ? 'met' : 'NOT met') : 'extra row', ...counts]);
    };
    // Both servers stay up; each round opens the file in one, then the other, the order alternating per round.
    const a = await start(ours, schemaFile);
    const b = await start([theirsBin, '--stdio'], schemaFile);
    started.ibgu = a.startupMs;
    started['yaml-language-server'] = b.startupMs;
    const clients = { ibgu: a.client, 'yaml-language-server': b.client };
    try {
      for (const [label, text] of files) {
        for (const client of Object.values(clients)) await openToDiagnostics(client, 'warmup', text);
        const runs = await alternate(reps, (which) => openToDiagnostics(clients[which], label.replace(/\W+/g, '-'), text));
        row(label, text.split('\n').length, runs.ibgu, runs.theirs, [`${runs.ibgu[0].count}`, `${runs.theirs[0].count}`], true);
      }
    } finally {
      await a.client.close();
      await b.client.close();
    }

    // The largest file again, as a file of the workspace folder that the editor opens.
    const folder = path.join(work, 'repo');
    const bigFile = path.join(folder, 'gitops.yaml');
    mkdirSync(folder);
    writeFileSync(bigFile, files[2][1]);
    const wa = await start(ours, schemaFile, folder);
    const wb = await start([theirsBin, '--stdio'], schemaFile, folder);
    const inFolder = { ibgu: wa.client, 'yaml-language-server': wb.client };
    try {
      await wa.client.waitFor('ibgu/status', (p) => p.state === 'ready' && p.workspaceFiles > 0, 120_000);
      for (const client of Object.values(inFolder)) await openFromWorkspace(client, bigFile, files[2][1]);
      const runs = await alternate(reps, (which) => openFromWorkspace(inFolder[which], bigFile, files[2][1]));
      row('30,000 lines, in the workspace folder', files[2][1].split('\n').length, runs.ibgu, runs.theirs, ['', ''], true);
    } finally {
      await wa.client.close();
      await wb.client.close();
    }

    // Keystrokes in one document of a 500-document file.
    const { files: tree } = generateTree({ seed: 3, waves: 60 });
    const docs = tree.flatMap((f) => f.text.split(/^---\s*$/m)).filter((d) => d.trim()).slice(0, 500).map((d) => d.replace(/^\n+/, ''));
    const big = docs.join('---\n');
    const { client } = await start(ours, schemaFile);
    const latencies: number[] = [];
    try {
      const uri = 'file:///bench/keystrokes.yaml';
      const first = client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === uri);
      client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: big } });
      await first;
      const random = rng(42);
      const lines = big.split('\n');
      for (let version = 2; version < 62; version++) {
        const line = Math.floor(random() * lines.length);
        const character = lines[line].length;
        const published = client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === uri && p.version === version);
        const t0 = performance.now();
        client.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range: { start: { line, character }, end: { line, character } }, text: ' ' }] });
        await published;
        latencies.push(performance.now() - t0);
        lines[line] += ' ';
        // Typing pace: a keystroke every 120 ms.
        await new Promise((resolve) => setTimeout(resolve, 120));
      }
    } finally {
      await client.close();
    }

    const size = (f: string) => `${Math.round(statSync(path.join(root, 'dist', f)).size / 1024)} KB`;
    console.log('IBGU language server benchmark (medians of %d rounds, min–max in brackets; both servers up, ours and theirs alternating per round)', reps);
    console.log('');
    console.log('| file | lines | ibgu didOpen→diagnostics | yaml-language-server | ratio of medians | per-round ratios | target ≤ 0.5x | ibgu findings | yaml-ls findings |');
    console.log('|---|---|---|---|---|---|---|---|---|');
    for (const r of rows) console.log(`| ${r.join(' | ')} |`);
    console.log('');
    if (cpuRows.length) {
      console.log('CPU time of each server process (all its threads) from didOpen to the diagnostics, medians; in brackets the time its main thread waited for a core (load average %s)', loadavg().map((x) => x.toFixed(1)).join(' '));
      console.log('');
      console.log('| file | ibgu CPU | yaml-language-server CPU | ratio |');
      console.log('|---|---|---|---|');
      for (const r of cpuRows) console.log(`| ${r.join(' | ')} |`);
      console.log('');
    }
    console.log(`| keystroke→diagnostics, 500-document file (${big.split('\n').length} lines), 60 edits | p50 ${ms(percentile(latencies, 50))} | p95 ${ms(percentile(latencies, 95))} | target p95 ≤ 30 ms: ${percentile(latencies, 95) <= 30 ? 'met' : 'NOT met'} |`);
    console.log(`| server start-up to initialize result | ibgu ${ms(started.ibgu)} | yaml-language-server ${ms(started['yaml-language-server'])} |`);
    console.log(`| bundles | server.js ${size('server.js')} (target ≤ 500 KB: ${statSync(path.join(root, 'dist', 'server.js')).size <= 500 * 1024 ? 'met' : 'NOT met'}) | extension.js ${size('extension.js')} | cli.js ${size('cli.js')} |`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

(process.argv.includes('--burst') ? burst() : main()).catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
