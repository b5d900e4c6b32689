/**
 * Truthful on real YAML: the third-party files in test/fixtures/upstream/ (kept verbatim, see its README) are
 * linted the way a user would lint them — through `ibgu lint … --format json` (runLint, the CLI's own path) —
 * each file alone, and each layout directory (a kustomization.yaml with the files it generates a ConfigMap
 * from) as one run over all its *.yaml files. verdicts.json says what upstream behaviour requires:
 *   - every expected finding appears (same rule, same 1-based line, same severity);
 *   - no finding of severity error or warning appears that is not expected;
 *   - info and hint findings that are not expected are allowed, but listed in the failure message for review.
 * The corpus itself is held to its promise: at least 60 documents, every category present, every file with its
 * Source / License / Upstream verdict header, every file and layout with a verdict entry.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { runLint } from '../../../src/cli/lint';
import { repoRoot } from '../../helpers/fixtures';

const SEVERITIES = ['error', 'warning', 'info', 'hint'] as const;
type Severity = (typeof SEVERITIES)[number];

interface Expected {
  rule: string;
  line: number;
  severity: Severity;
  why: string;
}
interface Verdict {
  expect: Expected[];
  note?: string;
}
interface Actual {
  /** Path relative to the corpus root. */
  file: string;
  rule: string;
  /** 1-based. */
  line: number;
  severity: Severity;
  message: string;
}

const corpus = path.join(repoRoot(), 'test', 'fixtures', 'upstream');
const rel = (p: string) => path.relative(corpus, p).split(path.sep).join('/');

/** Every *.yaml / *.yml under dir, sorted. */
function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out;
}

/** The units linted on their own: a directory holding a kustomization.yaml is one unit, any other file is one. */
function units(): { key: string; files: string[] }[] {
  const out: { key: string; files: string[] }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      if (!statSync(p).isDirectory()) {
        if (/\.ya?ml$/.test(name)) out.push({ key: rel(p), files: [p] });
      } else if (existsSync(path.join(p, 'kustomization.yaml'))) out.push({ key: rel(p), files: yamlFiles(p) });
      else walk(p);
    }
  };
  walk(corpus);
  return out;
}

async function lint(files: string[]): Promise<Actual[]> {
  let stdout = '';
  let stderr = '';
  const io = {
    out: (t: string) => void (stdout += t),
    err: (t: string) => void (stderr += t),
    readStdin: async () => new Uint8Array(),
    isTty: false,
    cwd: corpus,
    version: 'test',
  };
  await runLint([...files, '--format', 'json'], io);
  let json: { files: { path: string; diagnostics: { rule: string; severity: Severity; message: string; range: { start: { line: number } } }[] }[] };
  try {
    json = JSON.parse(stdout);
  } catch {
    throw new Error(`ibgu lint ${files.map(rel).join(' ')} printed no JSON.\nstdout: ${stdout.slice(0, 500)}\nstderr: ${stderr.slice(0, 500)}`);
  }
  const seen = new Set(json.files.map((f) => path.resolve(corpus, f.path)));
  const notLinted = files.filter((f) => !seen.has(f));
  if (notLinted.length) throw new Error(`ibgu lint did not report on ${notLinted.map(rel).join(', ')}.\nstderr: ${stderr.slice(0, 500)}`);
  return json.files.flatMap((f) =>
    f.diagnostics.map((d) => ({ file: rel(path.resolve(corpus, f.path)), rule: d.rule, line: d.range.start.line + 1, severity: d.severity, message: d.message })),
  );
}

const verdicts: Record<string, Verdict> = JSON.parse(readFileSync(path.join(corpus, 'verdicts.json'), 'utf8'));

/** Where an expectation points: `file` for a single-file unit; `dir/file.yaml:line` lets a layout verdict name its file. */
function expectedFile(unitKey: string, e: Expected & { file?: string }): string {
  return e.file ? `${unitKey}/${e.file}` : unitKey;
}

// ---- the corpus keeps its promises -------------------------------------------------------------------------

type Category = 'IBGU' | 'IBU' | 'Backup' | 'Restore' | 'OADP ConfigMap' | 'extra-manifests ConfigMap' | 'kustomize layout';
const CATEGORIES: Category[] = ['IBGU', 'IBU', 'Backup', 'Restore', 'OADP ConfigMap', 'extra-manifests ConfigMap', 'kustomize layout'];

/** The categories of one YAML document, read loosely (the corpus has documents that are not valid YAML). */
function categoriesOf(text: string): Category[] {
  const kind = /^\s*kind:\s*["']?([A-Za-z]+)/m.exec(text)?.[1];
  switch (kind) {
    case 'ImageBasedGroupUpgrade':
      return ['IBGU'];
    case 'ImageBasedUpgrade':
      return ['IBU'];
    case 'Backup':
      return /velero\.io/.test(text) ? ['Backup'] : [];
    case 'Restore':
      return /velero\.io/.test(text) ? ['Restore'] : [];
    case 'ConfigMap': {
      const out: Category[] = [];
      if (/kind:\s*(Backup|Restore)\b/.test(text) && /velero\.io\/v1/.test(text)) out.push('OADP ConfigMap');
      else if (/\bdata:/.test(text)) out.push('extra-manifests ConfigMap');
      return out;
    }
    default:
      return [];
  }
}

/** Splits a file into its YAML documents' texts (on `---` lines), without needing it to parse. */
function documentTexts(text: string): string[] {
  const parts = text.split(/^---[ \t]*$/m).filter((p) => /^\s*(apiVersion|kind):/m.test(p));
  // A document that parses into several (rare) is still counted once per `---` part.
  return parts;
}

test('upstream corpus: at least 60 documents, every category present, every file attributed', () => {
  const counts = new Map<Category, number>(CATEGORIES.map((c) => [c, 0]));
  let documents = 0;
  const problems: string[] = [];
  for (const unit of units()) {
    if (existsSync(path.join(corpus, unit.key, 'kustomization.yaml'))) counts.set('kustomize layout', (counts.get('kustomize layout') ?? 0) + 1);
    for (const file of unit.files) {
      const text = readFileSync(file, 'utf8');
      const header = text.split('\n').slice(0, 3);
      if (!/^# Source: \S+\/\S+\/\S+.* @ [0-9a-f]{40}$/.test(header[0] ?? '')) problems.push(`${rel(file)}: first line is not "# Source: <owner>/<repo>/<path>[#block N] @ <sha>"`);
      if (header[1] !== '# License: Apache-2.0') problems.push(`${rel(file)}: second line is not "# License: Apache-2.0"`);
      if (!/^# Upstream verdict: \S/.test(header[2] ?? '')) problems.push(`${rel(file)}: third line is not "# Upstream verdict: …"`);
      for (const doc of documentTexts(text)) {
        const cats = categoriesOf(doc);
        if (/^\s*kind:\s*Kustomization\b/m.test(doc) || /^configMapGenerator:/m.test(doc)) continue;
        documents += 1;
        for (const c of cats) counts.set(c, (counts.get(c) ?? 0) + 1);
      }
    }
    // A layout directory generates its ConfigMap from the files it lists: that is an OADP ConfigMap when they hold
    // Backups or Restores.
    // Otherwise, one that generates its ConfigMap in LCA's namespace from manifests is an extra-manifests ConfigMap.
    const layoutFiles = unit.files.map((f) => readFileSync(f, 'utf8'));
    if (unit.files.length > 1 && layoutFiles.some((t) => /kind:\s*(Backup|Restore)\b/.test(t))) counts.set('OADP ConfigMap', (counts.get('OADP ConfigMap') ?? 0) + 1);
    else if (unit.files.length > 1 && layoutFiles.some((t) => /^configMapGenerator:/m.test(t) && /namespace:\s*openshift-lifecycle-agent\b/.test(t))) counts.set('extra-manifests ConfigMap', (counts.get('extra-manifests ConfigMap') ?? 0) + 1);
    if (!(unit.key in verdicts)) problems.push(`${unit.key}: no entry in verdicts.json`);
  }
  for (const key of Object.keys(verdicts)) if (!units().some((u) => u.key === key)) problems.push(`verdicts.json: ${key} is not a file or layout of the corpus`);
  const summary = `${documents} documents; ${CATEGORIES.map((c) => `${c}: ${counts.get(c)}`).join(', ')}`;
  console.log(`upstream corpus: ${summary}`);
  const missing = CATEGORIES.filter((c) => !counts.get(c));
  assert.deepEqual(problems, [], problems.join('\n'));
  assert.ok(documents >= 60, `only ${documents} documents (${summary})`);
  assert.deepEqual(missing, [], `categories with no document: ${missing.join(', ')} (${summary})`);
});

test('upstream corpus: verdicts.json is well formed', () => {
  for (const [key, v] of Object.entries(verdicts)) {
    assert.ok(Array.isArray(v.expect), `${key}: expect is not a list`);
    for (const e of v.expect) {
      assert.match(e.rule, /^ibgu\/[a-z0-9-]+$/, `${key}: rule ${e.rule}`);
      assert.ok(Number.isInteger(e.line) && e.line >= 1, `${key}: line ${e.line}`);
      assert.ok(SEVERITIES.includes(e.severity), `${key}: severity ${e.severity}`);
      assert.ok(typeof e.why === 'string' && e.why.length > 10, `${key}: ${e.rule} has no why`);
    }
  }
  // Every file parses as YAML text at all (documents that are not valid YAML are expected as ibgu/yaml-syntax).
  for (const unit of units()) for (const f of unit.files) assert.ok(parseAllDocuments(readFileSync(f, 'utf8')).length >= 0);
});

test('upstream corpus lints the way upstream behaves', async () => {
  const report: string[] = [];
  let missingCount = 0;
  let unexpectedCount = 0;
  for (const unit of units()) {
    const verdict = verdicts[unit.key] ?? { expect: [] };
    const actual = await lint(unit.files);
    const used = new Set<Actual>();
    const missing: string[] = [];
    for (const e of verdict.expect as (Expected & { file?: string })[]) {
      const file = expectedFile(unit.key, e);
      const hit = actual.find((a) => !used.has(a) && a.file === file && a.rule === e.rule && a.line === e.line && a.severity === e.severity);
      if (hit) {
        used.add(hit);
        continue;
      }
      const near = actual.filter((a) => a.file === file && a.rule === e.rule).map((a) => `${a.severity}@${a.line}`);
      missing.push(`  MISSING  ${e.rule} ${e.severity} line ${e.line}${e.file ? ` (${e.file})` : ''}${near.length ? ` — linter gives ${near.join(', ')}` : ' — linter gives nothing'}`);
    }
    const rest = actual.filter((a) => !used.has(a));
    const unexpected = rest.filter((a) => a.severity === 'error' || a.severity === 'warning');
    const review = rest.filter((a) => a.severity === 'info' || a.severity === 'hint');
    const where = (a: Actual) => (a.file === unit.key ? '' : ` (${path.posix.relative(unit.key, a.file)})`);
    const lines = [
      ...missing,
      ...unexpected.map((a) => `  UNEXPECTED ${a.rule} ${a.severity} line ${a.line}${where(a)}: ${a.message.split('\n')[0].slice(0, 140)}`),
      ...review.map((a) => `  review   ${a.rule} ${a.severity} line ${a.line}${where(a)}: ${a.message.split('\n')[0].slice(0, 140)}`),
    ];
    missingCount += missing.length;
    unexpectedCount += unexpected.length;
    if (lines.length) report.push(`${unit.key}\n${lines.join('\n')}`);
  }
  const text = report.join('\n');
  if (text) console.log(`upstream corpus mismatches (MISSING = expected, not given; UNEXPECTED = error/warning not expected; review = info/hint, allowed):\n${text}`);
  assert.ok(missingCount === 0 && unexpectedCount === 0, `${missingCount} expected finding(s) missing, ${unexpectedCount} unexpected error/warning finding(s):\n${text}`);
});
