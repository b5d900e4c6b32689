/**
 * The layout's arrows, read from the imports of every source file (TypeScript's own pre-processor finds
 * static, dynamic and type-only imports and `require` calls):
 *
 *   core      → nothing (npm packages only)
 *   shared    → core                        (protocols between processes and with webview pages)
 *   media     → core, shared                (webview pages, run in a browser)
 *   hub       → core, shared                (the hub layer: kubeconfig, client-node, informers; no vscode)
 *   sandbox   → core
 *   server    → core, shared
 *   cli       → core, sandbox, hub
 *   extension → core, shared, hub
 *
 * Inside core, the folders are layered too: no import cycle between them, and nothing in core imports its
 * barrel (core/index.ts), which is for the layers above. No two files import each other, directly or around
 * a ring, anywhere. `vscode` is imported by the extension only, `@kubernetes/client-node` by the hub layer only,
 * and core, shared and media, which webview pages bundle, import no Node built-in module.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { builtinModules } from 'node:module';
import ts from 'typescript';
import { repoRoot } from '../helpers/fixtures';

const ALLOWED: Record<string, readonly string[]> = {
  core: [],
  shared: ['core'],
  media: ['core', 'shared'],
  hub: ['core', 'shared'],
  sandbox: ['core'],
  server: ['core', 'shared'],
  cli: ['core', 'sandbox', 'hub'],
  extension: ['core', 'shared', 'hub'],
};

/** Packages only one area may import. */
const OWNED_PACKAGES: Record<string, string> = { vscode: 'extension', 'vscode-languageclient': 'extension', 'vscode-languageserver': 'server', '@kubernetes/client-node': 'hub' };

interface Import { from: string; to: string; spec: string }

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (/\.ts$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function resolveLocal(from: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts'), base]) if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  return undefined;
}

/** Every import of every file under src/ and media/, relative to the repository root. */
function readGraph(root: string): { files: string[]; imports: Import[]; packages: { from: string; name: string }[] } {
  const files = [...walk(path.join(root, 'src')), ...walk(path.join(root, 'media'))];
  const imports: Import[] = [];
  const packages: { from: string; name: string }[] = [];
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const from = path.relative(root, file);
    for (const { fileName: spec } of info.importedFiles) {
      if (spec.startsWith('.')) {
        const target = resolveLocal(file, spec);
        assert.ok(target, `${from} imports ${spec}, which does not resolve to a file`);
        imports.push({ from, to: path.relative(root, target), spec });
      } else {
        packages.push({ from, name: spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0] });
      }
    }
  }
  return { files: files.map((f) => path.relative(root, f)), imports, packages };
}

/** `src/core/yaml/parse.ts` → `core`; `media/dashboard/main.ts` → `media`. */
function areaOf(file: string): string {
  const parts = file.split(path.sep);
  return parts[0] === 'media' ? 'media' : parts[1];
}

/** The folder of a core file (`yaml`), or `index` for the barrel. */
function coreFolderOf(file: string): string {
  const parts = file.split(path.sep);
  return parts.length > 3 ? parts[2] : path.basename(parts[2], '.ts');
}

/** Strongly connected components with more than one member (Tarjan). */
function cycles(nodes: readonly string[], edges: Map<string, Set<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of nodes) if (!index.has(v)) visit(v);
  return found;
}

const graph = readGraph(repoRoot());

test('the layout is read from the sources (the graph is not empty)', () => {
  assert.ok(graph.files.length > 100, `${graph.files.length} files`);
  assert.ok(graph.imports.length > 300, `${graph.imports.length} imports`);
  for (const area of Object.keys(ALLOWED)) assert.ok(graph.files.some((f) => areaOf(f) === area), `no files in ${area}`);
});

test('every source file is in a known area', () => {
  const unknown = graph.files.filter((f) => !(areaOf(f) in ALLOWED));
  assert.deepEqual(unknown, []);
});

test('every arrow between areas points down', () => {
  const wrong = graph.imports
    .filter(({ from, to }) => areaOf(from) !== areaOf(to) && !ALLOWED[areaOf(from)].includes(areaOf(to)))
    .map(({ from, to }) => `${from} → ${to}`);
  assert.deepEqual(wrong, [], `imports against the layering:\n${wrong.join('\n')}`);
});

test('packages that belong to one area are imported there only', () => {
  const wrong = graph.packages.filter(({ from, name }) => name in OWNED_PACKAGES && areaOf(from) !== OWNED_PACKAGES[name]).map(({ from, name }) => `${from} imports ${name}`);
  assert.deepEqual(wrong, []);
});

/** Areas whose code also runs in webview pages (a browser): no Node built-in module. */
const BROWSER_SAFE = ['core', 'shared', 'media'];
const isNodeBuiltin = (name: string) => name.startsWith('node:') || builtinModules.includes(name);

test('core, shared and media import no Node built-in module (they run in the webview pages too)', () => {
  const wrong = graph.packages.filter(({ from, name }) => BROWSER_SAFE.includes(areaOf(from)) && isNodeBuiltin(name)).map(({ from, name }) => `${from} imports ${name}`);
  assert.deepEqual(wrong, []);
  assert.ok(isNodeBuiltin('node:fs') && isNodeBuiltin('path') && !isNodeBuiltin('yaml'));
});

test('no import cycle between files', () => {
  const edges = new Map<string, Set<string>>();
  for (const { from, to } of graph.imports) edges.set(from, (edges.get(from) ?? new Set()).add(to));
  assert.deepEqual(cycles(graph.files, edges), []);
});

test("core's folders are layered: no cycle between them, and core does not import its own barrel", () => {
  const edges = new Map<string, Set<string>>();
  const inner = graph.imports.filter(({ from, to }) => areaOf(from) === 'core' && areaOf(to) === 'core');
  const barrel = inner.filter(({ to }) => coreFolderOf(to) === 'index').map(({ from }) => from);
  assert.deepEqual(barrel, [], 'core files importing core/index.ts');
  for (const { from, to } of inner) {
    const a = coreFolderOf(from);
    const b = coreFolderOf(to);
    if (a !== b) edges.set(a, (edges.get(a) ?? new Set()).add(b));
  }
  const rings = cycles([...new Set(graph.files.filter((f) => areaOf(f) === 'core').map(coreFolderOf))], edges);
  const explain = rings.map((ring) => inner.filter(({ from, to }) => ring.includes(coreFolderOf(from)) && ring.includes(coreFolderOf(to)) && coreFolderOf(from) !== coreFolderOf(to)).map(({ from, to }) => `  ${from} → ${to}`).join('\n'));
  assert.deepEqual(rings, [], `cycles between core folders:\n${explain.join('\n---\n')}`);
});

/** Folders of test/ that are not an area of src/: harnesses, shared helpers and data, and checks of the repository itself. */
const TEST_HARNESSES = ['helpers', 'fixtures', 'e2e', 'vscode', 'repo'];

test('tests are laid out like src/: test/<area>/ and test/core/<folder>/ name an area and a folder that exist', () => {
  const root = repoRoot();
  const dirs = (dir: string) => readdirSync(dir).filter((n) => statSync(path.join(dir, n)).isDirectory());
  const stray = dirs(path.join(root, 'test')).filter((d) => !(d in ALLOWED) && !TEST_HARNESSES.includes(d));
  assert.deepEqual(stray, [], 'test folders that are neither an area of src/ nor a harness');
  const coreFolders = new Set(dirs(path.join(root, 'src', 'core')));
  assert.deepEqual(dirs(path.join(root, 'test', 'core')).filter((d) => !coreFolders.has(d)), [], 'test/core folders without a src/core folder');
  const loose = readdirSync(path.join(root, 'test')).filter((n) => n.endsWith('.test.ts'));
  assert.deepEqual(loose, [], 'tests directly in test/');
});

test('the checks catch what they are for (a planted upward import and a planted ring)', () => {
  const planted: Import[] = [{ from: path.join('src', 'core', 'yaml', 'x.ts'), to: path.join('src', 'hub', 'y.ts'), spec: '' }];
  assert.ok(planted.some(({ from, to }) => !ALLOWED[areaOf(from)].includes(areaOf(to))));
  const ring = new Map([['a', new Set(['b'])], ['b', new Set(['c'])], ['c', new Set(['a'])], ['d', new Set(['a'])]]);
  assert.deepEqual(cycles(['a', 'b', 'c', 'd'], ring), [['a', 'b', 'c']]);
  assert.equal(coreFolderOf(path.join('src', 'core', 'index.ts')), 'index');
  assert.equal(coreFolderOf(path.join('src', 'core', 'talm', 'wire.ts')), 'talm');
});
