/**
 * The nesting depth limit (src/core/yaml/depth.ts): where it is crossed, that both parsers agree on it, that
 * a deep document costs only itself, that everything that reads a document works at the limit with room to
 * spare on the stack, and that a stack overflow anywhere is the same clear finding, never a crash or a raw
 * JavaScript message.
 *
 *   IBGU_FUZZ_RUNS=20000   runs of the differential property (default 300)
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { Composer, Parser, isMap, isPair, isSeq, type Node } from 'yaml';
import {
  complete,
  documentSymbols,
  fixFile,
  foldingRanges,
  hover,
  LineIndex,
  lintFile,
  MAX_DEPTH,
  parseDocuments,
  parseFile,
  parseIncremental,
  RULE_FAILURE,
  TOO_DEEP,
  Workspace,
  type Finding,
  type DocumentRule,
  type Rule,
} from '../../../src/core/index';
import { fastParse, lastGiveUp, type ParsedYaml } from '../../../src/core/yaml/fast';
import { parseWithLibrary } from '../../../src/core/yaml/depth';
import { deepDocument, SHAPES, type Shape } from '../../helpers/deep';

const RUNS = Math.max(1, Number(process.env.IBGU_FUZZ_RUNS ?? 300));

const lint = (text: string, path = 'x.yaml') => {
  const file = parseFile(path, text);
  return lintFile(file, new Workspace([file]), {});
};
const tooDeep = (findings: Finding[]) => findings.filter((f) => f.rule === TOO_DEEP);

/** No finding may quote a JavaScript error as its message. */
function assertNoRawError(findings: Finding[]): void {
  for (const f of findings) assert.doesNotMatch(f.message, /call stack|RangeError|is not a function|Cannot read propert/i, `${f.rule}: ${f.message}`);
}

const ALL_SHAPES: readonly Shape[] = SHAPES;

describe('the depth limit', () => {
  for (const shape of ALL_SHAPES) {
    test(`a ${shape} at the limit is read; one level more is one finding where it crosses`, () => {
      // deepDocument nests from level 3: depth MAX_DEPTH - 2 reaches the limit exactly.
      const at = deepDocument(shape, MAX_DEPTH - 2);
      const atFindings = lint(at.text);
      assert.deepEqual(tooDeep(atFindings), []);
      assert.ok(parseFile('x.yaml', at.text).resources.length === 1, 'the document at the limit is a resource the rules read');

      const over = deepDocument(shape, MAX_DEPTH - 1);
      const findings = lint(over.text);
      assert.equal(findings.length, 1, findings.map((f) => `${f.rule}: ${f.message}`).join('\n'));
      assert.equal(findings[0].rule, TOO_DEEP);
      assert.equal(findings[0].severity, 'error');
      assert.deepEqual(findings[0].range.start, over.crossing);
      const { start, end } = findings[0].range;
      assert.equal(end.line, start.line);
      const covered = over.text.split('\n')[start.line].slice(start.character, end.character);
      assert.match(covered, { 'block mapping': /^k\d+$/, 'block sequence': /^-$/, 'flow sequence': /^\[$/, 'flow mapping': /^\{$/ }[shape], 'the range covers what opens the collection');
      assert.equal(findings[0].message, `Mappings and sequences in this document nest deeper than ${MAX_DEPTH} levels, the limit (real Kubernetes objects nest fewer than 30); it was not validated further.`);
    });
  }

  test('the fast parser reads a block mapping at the limit and leaves one level more to the library', () => {
    const at = deepDocument('block mapping', MAX_DEPTH - 2).text;
    assert.ok(fastParse(at), `gave up: ${lastGiveUp()}`);
    assert.equal(fastParse(deepDocument('block mapping', MAX_DEPTH - 1).text), undefined);
    assert.match(lastGiveUp(), /deeper than the limit/);
    // A one-line flow collection of scalars at the limit, then one level past it.
    const lines = Array.from({ length: MAX_DEPTH - 1 }, (_, i) => `${' '.repeat(i)}k${i}:`);
    assert.ok(fastParse(`${lines.join('\n')} [x]\n`), `gave up: ${lastGiveUp()}`);
    assert.equal(fastParse(`${lines.join('\n')}\n${' '.repeat(MAX_DEPTH - 1)}k: [x]\n`), undefined);
    assert.match(lastGiveUp(), /deeper than the limit/);
  });

  test('the other documents of the file are parsed and validated, after `---` and after `...`', () => {
    const bad = 'apiVersion: lcm.openshift.io/v1alpha1\nkind: ImageBasedGroupUpgrade\nmetadata: {name: u, namespace: ztp}\nspec:\n  clusterLabelSelectors: [{matchLabels: {a: "1"}}]\n  ibuSpec: {seedImageRef: {image: "quay.io/x/s:4.17.0", version: "4.17.0"}}\n  plan:\n    - actions: [prep]\n      rolloutStrategy: {maxConcurrency: 1, timeout: 5}\n';
    for (const shape of ALL_SHAPES) {
      const deep = deepDocument(shape, 2_000);
      const deepLines = deep.text.split('\n').length - 1;
      for (const [separator, gap] of [['---\n', 1], ['...\n# after the end marker\n---\n', 3], ['...\n', 1]] as const) {
        const text = `${bad}---\n${deep.text}${separator}${bad}`;
        const file = parseFile('multi.yaml', text);
        assert.equal(file.documents.length, 3, `${shape} ${JSON.stringify(separator)}`);
        assert.equal(file.resources.length, 2);
        const findings = lintFile(file, new Workspace([file]), {});
        assertNoRawError(findings);
        const actions = findings.filter((f) => f.rule === 'ibgu/action-name').map((f) => f.range.start.line);
        const badLine = 7;
        assert.deepEqual(actions, [badLine, 10 + deepLines + gap + badLine], `${shape} ${JSON.stringify(separator)}: ${findings.map((f) => f.rule).join(', ')}`);
        assert.deepEqual(tooDeep(findings).map((f) => f.range.start), [{ line: deep.crossing.line + 10, character: deep.crossing.character }]);
        // The placeholder covers the deep document's text, from its marker up to the next (`...` included).
        const doc = file.documents[1];
        assert.equal(text.slice(doc.start, doc.end), `---\n${deep.text}${separator.startsWith('...') ? '...' : ''}`);
      }
    }
  });

  test('in a ConfigMap value: the finding is where the value crosses the limit, and the other values are read', () => {
    const flow = `[${'['.repeat(MAX_DEPTH)}${']'.repeat(MAX_DEPTH)}]`;
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: oadp-cm\n  namespace: openshift-adp\ndata:\n  deep.yaml: |\n    apiVersion: velero.io/v1\n    kind: Backup\n    metadata: {name: deep, namespace: openshift-adp}\n    spec:\n      x: ${flow}\n  restore.yaml: |\n    apiVersion: velero.io/v1\n    kind: Restore\n    metadata: {name: r, namespace: openshift-adp}\n    spec:\n      backupName: elsewhere\n`;
    const file = parseFile('cm.yaml', text);
    assert.deepEqual(file.resources.map((r) => r.kind), ['ConfigMap', 'Restore']);
    const findings = lintFile(file, new Workspace([file]), {});
    assertNoRawError(findings);
    const [finding, ...more] = tooDeep(findings);
    assert.deepEqual(more, []);
    // The Backup is level 1, its spec level 2, the outer bracket of `x` level 3: level MAX_DEPTH + 1 is
    // MAX_DEPTH - 2 brackets further.
    assert.deepEqual(finding.range.start, { line: 11, character: '      x: '.length + MAX_DEPTH - 2 });
    assert.equal(finding.embedded, true);
    assert.match(finding.message, /^ConfigMap data key "deep\.yaml": Mappings and sequences in this document nest deeper than/);
  });

  test('incremental parses (the language server) refuse the same document at the same place', () => {
    const deep = deepDocument('flow mapping', 5_000);
    const text = `a: 1\n---\n${deep.text}`;
    const incremental = parseIncremental('file:///x.yaml', text);
    const findings = lintFile(incremental, new Workspace([incremental]), {});
    assert.deepEqual(tooDeep(findings).map((f) => f.range.start), [{ line: deep.crossing.line + 2, character: deep.crossing.character }]);
  });
});

// ---------------------------------------------------------------------------------------------------
// The stack

/** Runs `fn` with about `fraction` of the stack already used (measured with the same recursion). */
function withStackUsed<T>(fraction: number, fn: () => T): T {
  const depth = Math.floor(stackFrames() * fraction);
  const down = (n: number): T => (n <= 0 ? fn() : down(n - 1));
  return down(depth);
}

let frames = 0;
/** How many frames of `down` fit on the stack (the smallest of a few probes). */
function stackFrames(): number {
  if (frames) return frames;
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    let max = 0;
    const probe = (n: number): number => {
      max = n;
      return probe(n + 1) + 1;
    };
    try {
      probe(0);
    } catch {
      best = Math.min(best, max);
    }
  }
  return (frames = best);
}

/** Everything that reads a document, the way the CLI and the language server call it. */
function readEverything(text: string): void {
  const file = parseFile('x.yaml', text);
  const workspace = new Workspace([file]);
  const findings = lintFile(file, workspace, {});
  assert.deepEqual(findings.filter((f) => f.rule === TOO_DEEP || f.rule === RULE_FAILURE), []);
  fixFile('x.yaml', workspace, {});
  parseIncremental('file:///x.yaml', text);
  const lines = text.split('\n');
  const deepest = lines.reduce((best, line, i) => (line.length > lines[best].length ? i : best), 0);
  for (const character of [0, Math.floor(lines[deepest].length / 2), lines[deepest].length - 2]) {
    hover(file, { line: deepest, character });
    complete(file, { line: deepest, character });
  }
  documentSymbols(file);
  foldingRanges(file);
  for (const r of file.resources) (r.root as { toJSON(): unknown }).toJSON();
}

describe('at the limit, reading a document needs well under half the stack', () => {
  const embedded = (shape: Shape) => {
    // The same document in a ConfigMap value: parsed further down the stack, while the ConfigMap is read.
    const inner = deepDocument(shape, MAX_DEPTH - 2).text.replace(/^/gm, '    ').replace(/\n {4}$/, '\n');
    return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: oadp-cm\n  namespace: openshift-adp\ndata:\n  b.yaml: |\n${inner}`;
  };
  for (const shape of ALL_SHAPES) {
    test(`a ${shape}`, () => {
      withStackUsed(0.5, () => readEverything(deepDocument(shape, MAX_DEPTH - 2).text));
    });
    test(`a ${shape} in a ConfigMap value`, () => {
      withStackUsed(0.5, () => readEverything(embedded(shape)));
    });
  }
});

describe('defence in depth: a stack overflow anywhere is the too-deep finding', () => {
  test('wherever the stack runs out while parsing and linting, the result is a finding, never a throw or a raw message', () => {
    const text = deepDocument('flow sequence', MAX_DEPTH - 2).text;
    let refused = 0;
    let read = 0;
    // From a nearly full stack to a comfortable one: some runs overflow in the library, some in our code.
    for (let fraction = 0.999; fraction > 0.5; fraction -= 0.004) {
      let findings: Finding[];
      try {
        findings = withStackUsed(fraction, () => lint(text));
      } catch (error) {
        // With the stack all but full, even entering lintFile or its error handler overflows, as any call would.
        assert.match(String(error), /call stack/);
        continue;
      }
      assertNoRawError(findings);
      for (const f of findings) assert.ok(f.rule === TOO_DEEP || f.rule.startsWith('ibgu/') && f.rule !== RULE_FAILURE && f.rule !== 'ibgu/yaml-syntax', `${f.rule}: ${f.message}`);
      if (tooDeep(findings).length) refused++;
      else read++;
    }
    assert.ok(refused > 0, 'no run overflowed: the test proves nothing');
    assert.ok(read > 0, 'no run had room enough to read the document');
  });

  const rule = (check: DocumentRule['check']): Rule => ({ id: 'ibgu/test-rule', severity: 'error', title: 't', docs: 't', evidence: 't', appliesTo: ['IBGU'], scope: 'document', check });
  const ibgu = 'apiVersion: lcm.openshift.io/v1alpha1\nkind: ImageBasedGroupUpgrade\nmetadata: {name: u, namespace: ztp}\nspec: {}\n';

  test('a rule that overflows the stack gives the too-deep finding, and the document is not checked further', () => {
    const forever = (n: number): number => forever(n + 1) + 1;
    let after = 0;
    const file = parseFile('x.yaml', ibgu);
    const findings = lintFile(file, new Workspace([file]), {}, [rule(() => [{ start: 0, end: 1, message: String(forever(0)) }]), { ...rule(() => (after++, [])), id: 'ibgu/after' }]);
    assert.deepEqual(findings.map((f) => [f.rule, f.severity, f.message]), [[TOO_DEEP, 'error', `Mappings and sequences in this document nest deeper than ${MAX_DEPTH} levels, the limit (real Kubernetes objects nest fewer than 30); it was not validated further.`]]);
    assert.equal(after, 0);
  });

  test('any other error of a rule is a clear internal-error warning; the other rules still run', () => {
    const file = parseFile('x.yaml', ibgu);
    const findings = lintFile(file, new Workspace([file]), {}, [
      rule(() => {
        throw new TypeError("Cannot read properties of undefined (reading 'items')");
      }),
      { ...rule(() => [{ start: 0, end: 10, message: 'found it' }]), id: 'ibgu/other' },
    ]);
    assert.deepEqual(findings.map((f) => f.rule), [RULE_FAILURE, 'ibgu/other']);
    assert.equal(findings[0].severity, 'warning');
    assert.equal(findings[0].message, "An internal error stopped rule ibgu/test-rule from checking this document; the other rules ran. Please report it with this detail: TypeError: Cannot read properties of undefined (reading 'items').");
  });

  test('an error outside the rules is one finding for the file: too deep for an overflow, internal error otherwise', () => {
    const file = parseFile('x.yaml', ibgu);
    const broken = (error: Error) => Object.defineProperty({ ...file }, 'resources', { get: () => { throw error; } });
    const overflow = lintFile(broken(new RangeError('Maximum call stack size exceeded')), new Workspace([file]), {});
    assert.deepEqual(overflow.map((f) => [f.rule, f.severity, f.message, f.range.start]), [[TOO_DEEP, 'error', `Mappings and sequences in this file nest deeper than ${MAX_DEPTH} levels, the limit (real Kubernetes objects nest fewer than 30); it was not validated further.`, { line: 0, character: 0 }]]);
    const other = lintFile(broken(new Error('boom')), new Workspace([file]), {});
    assert.deepEqual(other.map((f) => [f.rule, f.severity, f.message]), [[RULE_FAILURE, 'error', 'An internal error stopped IBGU Tools from validating this file; please report it with this detail: Error: boom.']]);
    assert.deepEqual(lintFile(broken(new RangeError('Maximum call stack size exceeded')), new Workspace([file]), { severities: { [TOO_DEEP]: 'off' } }), []);
  });
});

// ---------------------------------------------------------------------------------------------------
// The library driver changes nothing below the limit

function library(text: string): ParsedYaml[] {
  const composer = new Composer({ uniqueKeys: true, prettyErrors: false, strict: true, keepSourceTokens: false });
  const docs: ParsedYaml[] = [];
  for (const token of new Parser().parse(text)) docs.push(...(composer.next(token) as Iterable<ParsedYaml>));
  docs.push(...(composer.end(false, text.length) as Iterable<ParsedYaml>));
  return docs;
}

function plain(node: unknown): unknown {
  if (isMap(node) || isSeq(node)) return { range: node.range, flow: !!node.flow, items: node.items.map((i) => (isPair(i) ? [plain(i.key), plain(i.value)] : plain(i))) };
  const n = node as (Node & { value?: unknown; source?: string }) | null;
  return n ? { range: n.range, value: n.value, source: n.source, comment: n.comment, commentBefore: n.commentBefore } : n;
}

const summary = (docs: ParsedYaml[]) => docs.map((d) => ({ range: d.range, contents: plain(d.contents), errors: d.errors.map((e) => [e.code, e.pos, e.message]), warnings: d.warnings.map((e) => [e.code, e.pos]) }));

const PIECES = ['a: ', 'b:', '- ', '? ', ': ', '[', ']', '{', '}', ', ', 'x', '"q"', "'s'", '|\n', '>\n', '&a ', '*a', '!!str ', '# c', '\n', '\n  ', '\n    ', '---\n', '...\n', '%YAML 1.2\n', '\t', '\r\n'];

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(n) ? [p] : [];
  });
}

describe('the depth-watching library parse', () => {
  test('gives the library\'s documents for the repository\'s YAML', () => {
    for (const path of [...yamlFiles('examples'), ...yamlFiles('test/fixtures/rules')]) {
      const text = readFileSync(path, 'utf8');
      const ours = parseWithLibrary(text, { uniqueKeys: true, prettyErrors: false, strict: true, keepSourceTokens: false });
      if (ours.some((d) => d.tooDeep)) {
        assert.match(path, /yaml-too-deep[/\\]invalid-/, 'only the too-deep fixtures are too deep');
        continue;
      }
      assert.deepEqual(summary(ours.map((d) => d.doc)), summary(library(text)), path);
    }
  });

  test(`gives the library's documents for YAML-ish text under the limit (${RUNS} runs)`, () => {
    const text = fc.array(fc.constantFrom(...PIECES), { maxLength: 80 }).map((p) => p.join(''));
    fc.assert(fc.property(text, (t) => {
      const ours = parseWithLibrary(t, { uniqueKeys: true, prettyErrors: false, strict: true, keepSourceTokens: false });
      assert.ok(ours.every((d) => !d.tooDeep));
      assert.deepEqual(summary(ours.map((d) => d.doc)), summary(library(t)));
    }), { numRuns: RUNS, includeErrorInReport: true });
  });

  test('an unexpected parse error is one unread document, reported as an internal error, not a throw', () => {
    // A text whose reading throws stands for any bug in the parsers.
    const text = { length: 3, toString: () => { throw new TypeError('boom'); } } as unknown as string;
    const docs = parseDocuments(text);
    assert.deepEqual(docs.map((d) => [d.failure, d.doc.contents, d.problems, d.start, d.end]), [['TypeError: boom', null, [], 0, 3]]);
    const file = { path: 'x.yaml', text: 'a: b', lines: new LineIndex('a: b'), documents: docs, resources: [] };
    assert.deepEqual(lintFile(file, new Workspace([file]), {}).map((f) => [f.rule, f.severity, f.message]), [[RULE_FAILURE, 'error', 'An internal error stopped IBGU Tools from reading this document; it was not validated. Please report it with this detail: TypeError: boom.']]);
  });

  test('parseDocuments never throws and never reports the stack as a syntax error', () => {
    for (const shape of ALL_SHAPES) {
      const docs = parseDocuments(deepDocument(shape, 50_000).text);
      assert.equal(docs.length, 1);
      assert.ok(docs[0].tooDeep);
      assert.deepEqual(docs[0].problems, []);
    }
  });
});
