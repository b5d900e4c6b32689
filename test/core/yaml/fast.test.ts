/**
 * The fast YAML path (src/core/yaml/fast.ts) against the `yaml` library: for any text, it either gives up or
 * builds exactly what the library builds — the same documents, node kinds, values, sources, scalar types,
 * flow flags, key order and offsets. Texts come from the repository's own YAML, from a generator of
 * Kubernetes-style manifests written in many styles, and from random edits of both.
 *
 *   IBGU_FUZZ_RUNS=20000   runs per property (default 300)
 *   IBGU_FUZZ_SEED=123     replay a failure with the seed fast-check printed
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { Composer, Parser, isMap, isPair, isScalar, isSeq } from 'yaml';
import { fastParse, lastGiveUp, type ParsedYaml } from '../../../src/core/yaml/fast';
import { parseFile } from '../../../src/core/index';

const RUNS = Math.max(1, Number(process.env.IBGU_FUZZ_RUNS ?? 300));
const SEED = process.env.IBGU_FUZZ_SEED === undefined ? undefined : Number(process.env.IBGU_FUZZ_SEED);
const params = <T>(): fc.Parameters<T> => ({ numRuns: RUNS, includeErrorInReport: true, ...(SEED !== undefined ? { seed: SEED } : {}) });

function library(text: string) {
  const composer = new Composer({ uniqueKeys: true, prettyErrors: false, strict: true, keepSourceTokens: false });
  const docs = [];
  for (const token of new Parser().parse(text)) docs.push(...composer.next(token));
  docs.push(...composer.end(false, text.length));
  return docs;
}

/** What our code may read of a node, as plain data. */
function shape(node: unknown): unknown {
  if (isMap(node) || isSeq(node)) {
    return {
      kind: isMap(node) ? 'map' : 'seq',
      range: node.range?.slice(0, 2),
      flow: !!node.flow,
      tag: node.tag,
      anchor: node.anchor,
      items: node.items.map((item) => (isPair(item) ? { key: shape(item.key), value: shape(item.value) } : shape(item))),
    };
  }
  if (isScalar(node)) {
    return { kind: 'scalar', range: node.range?.slice(0, 2), value: node.value, source: node.source, type: node.type, tag: node.tag, anchor: node.anchor, format: node.format };
  }
  return { kind: String(node) };
}

function docShape(doc: ParsedYaml) {
  return { range: [doc.range[0], doc.range[2]], contents: shape(doc.contents) };
}

/** Asserts the property; returns whether the fast path took the text. */
function agrees(text: string): boolean {
  const fast = fastParse(text);
  if (!fast) return false;
  const lib = library(text);
  const problems = lib.flatMap((d) => [...d.errors, ...d.warnings].map((e) => `${e.code}: ${e.message}`));
  assert.deepEqual(problems, [], `the fast path took a text the library reports problems in:\n${text}`);
  const ours = fast.map(docShape);
  const theirs = lib.map((d) => docShape(d as unknown as ParsedYaml));
  const where = firstDifference(ours, theirs);
  if (where) assert.fail(`the fast path differs at ${where} for:\n${JSON.stringify(text)}`);
  return true;
}

/** The path and both values of the first difference between two plain values, or undefined. */
function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (a === b || (Number.isNaN(a) && Number.isNaN(b))) return undefined;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return `${path || '.'}: ${JSON.stringify(a)} (fast) vs ${JSON.stringify(b)} (library)`;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    const found = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`);
    if (found) return found;
  }
  return undefined;
}

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yamlFiles(path, out);
    else if (/\.ya?ml$/.test(name)) out.push(path);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// A generator of Kubernetes-style YAML in the styles people write it in.

type Tree = string | number | boolean | null | Tree[] | { [key: string]: Tree };

const keyArb = fc.oneof(
  fc.constantFrom('apiVersion', 'kind', 'metadata', 'name', 'namespace', 'labels', 'spec', 'plan', 'actions', 'data', 'items', 'app.kubernetes.io/name', 'lca.openshift.io/apply-wave', 'x-y', 'a b', 'http://k', '-k', 'k#1'),
  fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9._/-]{0,12}$/),
);
const scalarArb: fc.Arbitrary<Tree> = fc.oneof(
  fc.constantFrom('v1', 'velero.io/v1', 'Backup', 'openshift-adp', '4.16.1', 'quay.io/x/y:4.16', 'true', 'yes', 'null', '~', '', ' ', '#', 'a #b', 'a: b', 'a:b', '- x', '"q"', "it's", 'x\ny', 'a\\b', 'ü ✓', '0x1F', '1e3', '1.5', '007', '-1', '+2', ':x', '?x', '--flag', '[x]', '{}', '*a', '&a', '!t', '%', '@', '`', '|', '>'),
  fc.string({ maxLength: 12 }),
  fc.integer({ min: -1000, max: 100000 }),
  fc.boolean(),
  fc.constant(null),
);
const treeArb: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalarArb,
    fc.array(tie('tree'), { maxLength: 4 }),
    fc.dictionary(keyArb, tie('tree'), { maxKeys: 5 }),
  ),
})).tree;

interface Style {
  indent: number;
  seqIndented: boolean;
  quote: 'plain' | 'double' | 'single' | 'mixed';
  flowLists: boolean;
  literal: '|' | '|-' | '|+';
  comments: boolean;
  blankLines: boolean;
}
const styleArb: fc.Arbitrary<Style> = fc.record({
  indent: fc.constantFrom(1, 2, 3, 4),
  seqIndented: fc.boolean(),
  quote: fc.constantFrom('plain', 'double', 'single', 'mixed'),
  flowLists: fc.boolean(),
  literal: fc.constantFrom('|', '|-', '|+'),
  comments: fc.boolean(),
  blankLines: fc.boolean(),
});

/** Writes a tree as block YAML; quoting follows the style, not safety, so that some texts are invalid. */
function render(tree: Tree, style: Style, seed: number): string {
  let n = seed;
  const next = () => (n = (n * 1103515245 + 12345) % 2147483648) / 2147483648;
  const sc = (v: Tree): string => {
    if (typeof v !== 'string') return String(v);
    const q = style.quote === 'mixed' ? (['plain', 'double', 'single'] as const)[Math.floor(next() * 3)] : style.quote;
    if (q === 'double') return JSON.stringify(v);
    if (q === 'single' && !v.includes('\n')) return `'${v.replace(/'/g, "''")}'`;
    return v;
  };
  const comment = () => (style.comments && next() < 0.2 ? `  # note ${Math.floor(next() * 9)}` : '');
  const blank = () => (style.blankLines && next() < 0.15 ? '\n' : '');
  const lines: string[] = [];
  const value = (v: Tree, ind: number, prefix: string) => {
    const pad = ' '.repeat(ind);
    if (Array.isArray(v)) {
      if (v.length === 0 || (style.flowLists && v.every((x) => typeof x !== 'object' || x === null))) {
        lines.push(`${prefix} [${v.map(sc).join(', ')}]${comment()}`);
        return;
      }
      lines.push(prefix + comment());
      const at = style.seqIndented ? ind + style.indent : ind;
      for (const item of v) entry(item, at);
      return;
    }
    if (v !== null && typeof v === 'object') {
      if (Object.keys(v).length === 0) {
        lines.push(`${prefix} {}${comment()}`);
        return;
      }
      lines.push(prefix + comment());
      mapping(v, ind + style.indent);
      return;
    }
    if (typeof v === 'string' && v.includes('\n')) {
      lines.push(`${prefix} ${style.literal}${comment()}`);
      for (const line of v.split('\n')) lines.push(line ? `${pad}${' '.repeat(style.indent)}${line}` : '');
      return;
    }
    lines.push(`${prefix} ${sc(v)}${comment()}`.replace(/ +$/, (m) => (next() < 0.5 ? m : '')));
  };
  const mapping = (m: { [key: string]: Tree }, ind: number) => {
    const pad = ' '.repeat(ind);
    for (const [k, v] of Object.entries(m)) {
      const b = blank();
      if (b) lines.push('');
      if (style.comments && next() < 0.1) lines.push(`${pad}# about ${k}`);
      value(v, ind, `${pad}${k}:`);
    }
  };
  const entry = (item: Tree, ind: number) => {
    const pad = ' '.repeat(ind);
    if (item !== null && typeof item === 'object' && !Array.isArray(item) && Object.keys(item).length > 0) {
      const [first, ...rest] = Object.entries(item);
      const before = lines.length;
      value(first[1], ind + 2, `${pad}- ${first[0]}:`);
      void before;
      mapping(Object.fromEntries(rest), ind + 2);
      return;
    }
    value(item, ind, `${pad}-`);
  };
  if (tree !== null && typeof tree === 'object' && !Array.isArray(tree)) mapping(tree, 0);
  else if (Array.isArray(tree)) for (const item of tree) entry(item, 0);
  else lines.push(sc(tree));
  return lines.join('\n') + '\n';
}

const manifestArb = fc.tuple(fc.array(fc.dictionary(keyArb, treeArb, { minKeys: 1, maxKeys: 6 }), { minLength: 1, maxLength: 3 }), styleArb, fc.nat(), fc.boolean()).map(([trees, style, seed, leadingMarker]) =>
  (leadingMarker ? '---\n' : '') + trees.map((t, i) => render(t, style, seed + i)).join('---\n'),
);

/** Random small edits: the characters that change YAML's structure, at random places. */
const editArb = fc.array(
  fc.tuple(fc.nat(), fc.constantFrom(' ', '  ', '\n', ':', ': ', '-', '- ', '#', ' #', '"', "'", '|', '|-', '|+', '>', '[', ']', '{', '}', ',', '&a ', '*a', '!t ', '---\n', '...\n', '\t', '\r\n', 'x', '', '?', '%', '\\'), fc.nat({ max: 3 })),
  { minLength: 1, maxLength: 4 },
);
function applyEdits(text: string, edits: [number, string, number][]): string {
  for (const [at, insert, remove] of edits) {
    const p = text.length ? at % text.length : 0;
    text = text.slice(0, p) + insert + text.slice(p + remove);
  }
  return text;
}

describe('fast YAML path', () => {
  test('agrees with the library on every YAML file of the repository and the manifests embedded in them, and takes most of them', () => {
    const files = [...yamlFiles('examples'), ...yamlFiles('test/fixtures')];
    assert.ok(files.length > 50, `found only ${files.length} files`);
    let taken = 0;
    let texts = 0;
    for (const path of files) {
      const text = readFileSync(path, 'utf8');
      const values = parseFile(path, text).resources.flatMap((r) => r.embedded.map((d) => d.text));
      for (const t of [text, ...new Set(values)]) {
        texts++;
        if (agrees(t)) taken++;
      }
    }
    // The fixtures are full of deliberately broken YAML; the examples are how people write manifests.
    const examples = yamlFiles('examples').filter((p) => !p.includes('mistakes'));
    const takenExamples = examples.filter((p) => fastParse(readFileSync(p, 'utf8'))).length;
    assert.ok(takenExamples >= examples.length * 0.9, `the fast path took only ${takenExamples} of ${examples.length} example files`);
    assert.ok(taken > texts / 2, `the fast path took only ${taken} of ${texts} texts`);
  });

  test('agrees with the library on generated manifests in many styles', () => {
    let taken = 0;
    let runs = 0;
    fc.assert(
      fc.property(manifestArb, (text) => {
        runs++;
        if (agrees(text)) taken++;
        else if (process.env.IBGU_FAST_WHY) console.log(lastGiveUp().padEnd(50), JSON.stringify(text).slice(0, 200));
      }),
      params(),
    );
    // Without this the property would hold for a fast path that always gives up.
    assert.ok(taken >= runs * 0.3, `the fast path took only ${taken} of ${runs} generated texts`);
  });

  test('agrees with the library on randomly edited manifests', () => {
    fc.assert(fc.property(manifestArb, editArb, (text, edits) => void agrees(applyEdits(text, edits))), params());
  });

  test('agrees with the library on randomly edited repository files', () => {
    const texts = [...yamlFiles('examples'), ...yamlFiles('test/fixtures/rules')].map((p) => readFileSync(p, 'utf8'));
    fc.assert(fc.property(fc.constantFrom(...texts), editArb, (text, edits) => void agrees(applyEdits(text, edits))), params());
  });

  test('takes, and agrees on, the cases where the library\'s ranges are irregular', () => {
    const cases = [
      '#c\n a: 1\n', // a document starts at its first content line, indentation included
      'a: 1\n---\n# c\n---\nb: 1\n', // an empty document reaches over its comments
      'a: 1\n---\n---\nb: 1\n', // … and not over nothing
      'a: |+\n  k\n\n\nf: 1\n', // keep: the empty lines are part of the value and its range
      'a: |-\n  x\n\n  y\n\n\nz: 1\n', // strip: they are not
      'a:\n- 1\n#c\nz: 2\n', // a comment at the next line's indentation changes no range
      'x:\n  a: |\n    x\n  # c\n  b: 1\n',
      'a: [x, "y" , 1]  # c\nb: {}\nc: {k: v, "q": 2}\nd: []\n',
      '- a: 1\n  b: 2\n- c\n',
      'a: "\\u00e9\\t\\"q\\""\nb: \'it\'\'s\'\n',
    ];
    for (const text of cases) assert.ok(agrees(text), `the fast path gave up (${lastGiveUp()}) on ${JSON.stringify(text)}`);
  });

  test('gives up on what it does not handle', () => {
    for (const text of ['a: &x 1\nb: *x\n', 'a: !!str 1\n', 'a: >\n  folded\n', 'a: "multi\n  line"\n', 'a: b\n  c\n', 'a: 1\na: 2\n', 'a: 1.5\n', 'a:\tb\n', '%YAML 1.2\n---\na: 1\n', 'a: [1,\n 2]\n', '- - x\n', 'just a scalar\n', '---  # c\n', 'a:\n  b: 1\n  # c\n', '- a: 1\n  #c\n- b\n', 'a:\n  b: 1\n #c\nz: 2\n']) {
      assert.equal(fastParse(text), undefined, JSON.stringify(text));
    }
  });
});
