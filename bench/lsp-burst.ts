/**
 * A burst of edits to a large file (issue 13): a 20,000-document file (5.0 MB, 80,000 findings) is opened,
 * then 500 didChange notifications are sent back to back. Prints whether the server survived, the version of
 * its last publish against the last version sent, how long until that last version was published, how long a
 * hover then takes, and the server's peak RSS. Asserts nothing; the server is killed if its RSS passes the
 * cap (BENCH_RSS_CAP_MB, 3072 by default) so that a run of a server that piles up cannot take the machine.
 *
 *   npm run bench:lsp -- --burst          (BENCH_BURST_DOCS=20000 BENCH_BURST_EDITS=500 by default)
 */
import { readFileSync } from 'node:fs';
import { LspClient } from '../test/helpers/lsp';
import { backupsFile, FINDINGS_PER_BACKUP, nameEdit } from '../test/helpers/large-file';

const docs = Number(process.env.BENCH_BURST_DOCS ?? 20_000);
const edits = Number(process.env.BENCH_BURST_EDITS ?? 500);
const capMb = Number(process.env.BENCH_RSS_CAP_MB ?? 3072);
/** How long to wait for the last version's diagnostics before calling it lost. */
const patienceMs = Number(process.env.BENCH_BURST_PATIENCE_MS ?? 300_000);

/** A field of /proc/<pid>/status in MiB (VmRSS now, VmHWM the peak), or undefined once the process is gone. */
function procMb(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export async function burst(): Promise<void> {
  const text = backupsFile(docs);
  const uri = 'file:///bench/burst.yaml';
  const client = new LspClient();
  const pid = client.pid!;
  let peakMb = 0;
  let capped = false;
  let died: number | undefined;
  const watch = setInterval(() => {
    const rss = procMb(pid, 'VmRSS');
    if (rss === undefined) return;
    peakMb = Math.max(peakMb, procMb(pid, 'VmHWM') ?? rss);
    if (rss > capMb && !capped) {
      capped = true;
      died = performance.now();
      client.kill();
    }
  }, 100);

  /** Publishes for the file, in arrival order: only the version and the count, not the diagnostics. */
  const publishes: { version: number | undefined; count: number; at: number }[] = [];
  let onPublish: (() => void) | undefined;
  client.listen('textDocument/publishDiagnostics', (p) => {
    if (p.uri !== uri) return;
    publishes.push({ version: p.version, count: p.diagnostics.length, at: performance.now() });
    onPublish?.();
  });
  /** Resolves once a publish satisfies `done`, or the server has died, or patience ran out. */
  const until = (done: () => boolean) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (client.exit && died === undefined) died = performance.now();
        if (done() || client.exit) {
          clearInterval(poll);
          clearTimeout(timer);
          onPublish = undefined;
          resolve();
        }
      };
      const poll = setInterval(check, 100);
      const timer = setTimeout(() => { clearInterval(poll); onPublish = undefined; resolve(); }, patienceMs);
      onPublish = check;
      check();
    });

  try {
    await client.request('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
    client.notify('initialized', {});
    const opened = performance.now();
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    await until(() => publishes.some((p) => p.version === 1));
    const openMs = (publishes.find((p) => p.version === 1)?.at ?? NaN) - opened;
    const firstCount = publishes.find((p) => p.version === 1)?.count;

    const grown = new Map<number, number>();
    const last = edits + 1;
    const sentFrom = publishes.length;
    for (let version = 2; version <= last; version++) client.notify('textDocument/didChange', nameEdit(uri, version, docs, grown));
    const sent = performance.now();
    await until(() => publishes.some((p) => p.version === last));
    const lastPublish = publishes.find((p) => p.version === last);

    let hoverMs: number | undefined;
    if (!client.exit) {
      const asked = performance.now();
      const hover = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 8 } }).catch(() => undefined);
      if (hover) hoverMs = performance.now() - asked;
    }
    peakMb = Math.max(peakMb, procMb(pid, 'VmHWM') ?? 0);
    const alive = !client.exit;
    const diedAfter = died === undefined ? '' : `, ${seconds(died - sent)} after the last didChange was sent`;

    const during = publishes.slice(sentFrom);
    const versions = during.map((p) => p.version ?? 0);
    const outOfOrder = versions.filter((v, i) => i > 0 && v < versions[i - 1]).length;
    const perVersion = new Map<number, number>();
    for (const v of versions) perVersion.set(v, (perVersion.get(v) ?? 0) + 1);
    const repeated = [...perVersion.values()].filter((n) => n > 1).length;

    console.log(`Burst of edits to a large file: ${docs.toLocaleString('en-US')} documents (${(text.length / 1e6).toFixed(1)} MB, ${(docs * FINDINGS_PER_BACKUP).toLocaleString('en-US')} findings), ${edits} didChange sent back to back`);
    console.log('');
    console.log('| measure | value | target |');
    console.log('|---|---|---|');
    console.log(`| server alive after the burst | ${alive ? 'yes' : `no (${capped ? `killed at the ${capMb} MB RSS cap` : `exited: ${client.exit?.signal ?? client.exit?.code}`}${diedAfter})`} | yes |`);
    console.log(`| didOpen → diagnostics (version 1, ${firstCount ?? '?'} diagnostics) | ${seconds(openMs)} | |`);
    console.log(`| version of the last publish / last version sent | ${versions.at(-1) ?? 'none'} / ${last} | equal |`);
    console.log(`| last didChange sent → last version published | ${lastPublish ? seconds(lastPublish.at - sent) : 'never'} | |`);
    console.log(`| publishes during the burst (distinct versions; published twice; out of order) | ${during.length} (${perVersion.size}; ${repeated}; ${outOfOrder}) | few; 0; 0 |`);
    console.log(`| hover answered after the burst | ${hoverMs === undefined ? 'no' : `${hoverMs.toFixed(1)} ms`} | yes |`);
    console.log(`| peak RSS of the server (VmHWM) | ${Math.round(peakMb)} MB | < 1024 MB |`);
  } finally {
    clearInterval(watch);
    await client.close();
  }
}
