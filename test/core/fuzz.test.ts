/**
 * Property-based robustness tests: whatever text an editor or a repository hands the linter, parsing,
 * linting and fixing must not throw, must not report positions outside the text, and must not hang.
 *
 *   IBGU_FUZZ_RUNS=20000   runs per property (default 300, so that `npm test` stays fast)
 *   IBGU_FUZZ_SEED=123     replay a failure with the seed fast-check printed (add IBGU_FUZZ_PATH=… too)
 *   IBGU_FUZZ_WATCHDOG_MS  how long without progress before the watchdog kills the run (default 60000)
 *
 * A run that takes more than a few seconds is reported as a failure. A real infinite loop would block
 * the thread and every timer with it, so a watchdog thread prints the input being linted and kills the
 * process when no run has finished for a while; otherwise `npm run fuzz` would just hang in silence.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { ALIAS_BOMB, applyFixes, lintFile, MAX_DEPTH, parseFile, RULE_FAILURE, TOO_DEEP, Workspace, type Finding, type LintOptions, type ParsedFile, type Range } from '../../src/core/index';
import { deepDocument, SHAPES } from '../helpers/deep';

const RUNS = Math.max(1, Number(process.env.IBGU_FUZZ_RUNS ?? 300));
const SEED = process.env.IBGU_FUZZ_SEED === undefined ? undefined : Number(process.env.IBGU_FUZZ_SEED);
const PATH = process.env.IBGU_FUZZ_PATH;
/** Per document: a hang guard, far above the milliseconds a document takes. */
const HANG_MS = 2000;
/** With no progress for this long the watchdog gives up on the process (the 5 MB case beats between phases). */
const WATCHDOG_MS = Number(process.env.IBGU_FUZZ_WATCHDOG_MS ?? 60_000);

function params<T>(runs = RUNS): fc.Parameters<T> {
  // The error goes into the report: node:test shows the report but not the error's cause.
  return { numRuns: runs, includeErrorInReport: true, ...(SEED !== undefined ? { seed: SEED } : {}), ...(PATH ? { path: PATH } : {}) };
}

// ---------------------------------------------------------------------------------------------------
// Realistic documents the mutations start from. They reference each other (oadpContent, extraManifests,
// backupName) and contain problems with automatic fixes, so that mutations reach the cross-document
// rules and the offset mapping of fixes inside block scalars, not only the YAML parser.

const IBGU = `apiVersion: lcm.openshift.io/v1alpha1
kind: ImageBasedGroupUpgrade
metadata:
  name: upgrade-4-17
  namespace: ztp-upgrades
  annotations:
    argocd.argoproj.io/sync-wave: "10"
spec:
  clusterLabelSelectors:
    - matchLabels:
        upgrade-wave: "1"
        common: "true"
    - matchExpressions:
        - key: du-profile
          operator: In
          values: ["v4.16", 'v4.17']
  ibuSpec:
    seedImageRef:
      image: quay.io/ztp/lca-seed:4.17.0
      version: 4.17.1
      pullSecretRef:
        name: seed-pull-secret
    oadpContent:
      - name: oadp-cm
        namespace: ztp-upgrades
      - name: oadp-cm-missing
        namespace: ztp-upgrades
    extraManifests:
      - name: extra-manifests
        namespace: ztp-upgrades
    autoRollbackOnFailure:
      initMonitorTimeoutSeconds: 1800
  plan:
    - actions: [Prep]
      rolloutStrategy:
        maxConcurrency: 10 # comment kept by fixes
        timeout: 14400
    - actions: ["AbortOnFailure"]
      rolloutStrategy: {maxConcurrency: 10}
    - actions:
        - Upgrade
      rolloutStrategy:
        maxConcurrency: 10
    - actions: [FinalizeUpgrade]
      rolloutStrategy:
        maxConcurrency: 10
`;

const OADP = `apiVersion: v1
kind: ConfigMap
metadata:
  name: oadp-cm
  namespace: ztp-upgrades
data:
  backup_app.yaml: |
    apiVersion: velero.io/v1
    kind: Backup
    metadata:
      name: app-backup
      namespace: openshift-adp
      annotations:
        lca.openshift.io/apply-wave: " 2 "
        lca.openshift.io/apply-label: "apps/v1/deployments/app/app, v1/secrets/app/creds"
      labels:
        velero.io/storage-location: default
    spec:
      includedNamespaces:
      - app
      includedNamespaceScopedResources:
      - persistentvolumeclaims
      - secrets
      includedClusterScopedResources:
      - persistentVolumes
  restore_app.yaml: |-
    apiVersion: velero.io/v1
    kind: Restore
    metadata:
      name: app-restore
      namespace: default
      annotations:
        lca.openshift.io/apply-wave: "3"
    spec:
      backupName: app-bakup
  two.yaml: |
    ---
    apiVersion: velero.io/v1
    kind: Backup
    metadata: {name: other, namespace: openshift-adp}
    spec:
      includedResources: [pvc, pv]
    ---
    apiVersion: velero.io/v1
    kind: Restore
    metadata:
      name: other
      namespace: openshift-adp
    spec:
      backupName: other
      restorePVs: false
      restoreStatus:
        includedResources: []
  route.json: '{"apiVersion": "route.openshift.io/v1", "kind": "Route", "metadata": {"name": "ui"}}'
  note.txt: "kind: not a manifest"
`;

const MULTI = `# ibgu-disable-next-line ibgu/schema
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: extra-manifests
  namespace: ztp-upgrades
data:
  sriov.yaml: |
    apiVersion: sriovnetwork.openshift.io/v1
    kind: SriovNetwork
    metadata:
      name: du-fh
      namespace: openshift-sriov-network-operator
      annotations:
        lca.openshift.io/apply-wave: "1.5"
    spec:
      resourceName: du_fh
      vlan: 140
    ---
    apiVersion: operators.coreos.com/v1alpha1
    kind: Subscription
    metadata:
      namespace: openshift-sriov-network-operator
    spec:
      name: sriov-network-operator
---
apiVersion: lca.openshift.io/v1
kind: ImageBasedUpgrade
metadata:
  name: upgrade
spec:
  stage: Prep
  seedImageRef:
    image: quay.io/ztp/lca-seed:4.16.3
    version: "4.16.3"
  oadpContent:
    - {name: oadp-cm, namespace: ztp-upgrades}
    - {name: oadp-cm, namespace: ztp-upgrades}
...
---
apiVersion: velero.io/v1
kind: Backup
metadata:
  name: standalone
spec:
  includedNamespaces: [db]
  excludedResources: [secrets]
  includedNamespaceScopedResources: [configmaps]
---
apiVersion: velero.io/v1
kind: Restore
metadata:
  name: standalone
  namespace: openshift-adp
spec:
  backupName: standalone
---
apiVersion: lcm.openshift.io/v1alpha1
kind: ImageBasedGroupUpgrade
metadata:
  name: rollback
  namespace: ztp-upgrades
spec:
  clusterLabelSelectors:
    - matchLabels: {upgrade-wave: "1"}
  ibuSpec:
    seedImageRef: {image: "quay.io/ztp/lca-seed:4.16.3", version: 4.16.3}
  plan:
    - actions: [rollback, Finalize]
      rolloutStrategy: {maxConcurrency: 0, timeout: -5}
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: lvms-vg1
provisioner: topolvm.io
---
apiVersion: cluster.open-cluster-management.io/v1
kind: ManagedCluster
metadata:
  name: sno-1
  labels:
    upgrade-wave: "1"
    common: "true"
spec:
  hubAcceptsClient: true
---
apiVersion: apps/v1
kind: Deployment
metadata: &meta
  name: app
  namespace: app
spec:
  template:
    metadata: *meta
    spec:
      containers: [{name: main, image: "registry.example.com/app:1"}]
`;

const BASES = [
  { path: 'upgrades/ibgu.yaml', text: IBGU },
  { path: 'upgrades/oadp-cm.yaml', text: OADP },
  { path: 'upgrades/multi.yaml', text: MULTI },
] as const;

// ---------------------------------------------------------------------------------------------------
// Watchdog

const WATCH_BYTES = 1 << 20;
const watchShared = new SharedArrayBuffer(8 + WATCH_BYTES);
const watchState = new Int32Array(watchShared, 0, 2);
const watchInput = new Uint8Array(watchShared, 8);
const encoder = new TextEncoder();
let watchdog: Worker | undefined;

/** Tells the watchdog what is being linted now; it prints that if the thread never comes back. */
function watching(label: string, text: string): void {
  const { written } = encoder.encodeInto(`${label}\n${text}`, watchInput);
  Atomics.store(watchState, 1, written);
  Atomics.add(watchState, 0, 1);
}

const WATCHDOG_SOURCE = `
const { workerData } = require('node:worker_threads');
const state = new Int32Array(workerData.shared, 0, 2);
const input = new Uint8Array(workerData.shared, 8);
let seen = -1;
let since = Date.now();
setInterval(() => {
  const beat = Atomics.load(state, 0);
  if (beat !== seen) { seen = beat; since = Date.now(); return; }
  if (Date.now() - since < workerData.limit) return;
  const text = new TextDecoder().decode(input.slice(0, Atomics.load(state, 1)));
  // A worker's process.stderr goes through the main thread, which is the one stuck: write to the fd.
  require('node:fs').writeSync(2, '\\nfuzz watchdog: no progress for ' + workerData.limit + ' ms; the input being linted (label, then text as JSON):\\n' + JSON.stringify(text) + '\\n');
  process.kill(process.pid, 'SIGKILL');
}, 500);
`;

before(() => {
  watchdog = new Worker(WATCHDOG_SOURCE, { eval: true, workerData: { shared: watchShared, limit: WATCHDOG_MS } });
  watchdog.unref();
});
after(async () => {
  await watchdog?.terminate();
});

// ---------------------------------------------------------------------------------------------------
// The checks every run makes

/** Line lengths as LSP counts them: UTF-16 units, without the `\n` (a `\r` before it counts). */
function lineLengths(text: string): number[] {
  return text.split('\n').map((line) => line.length);
}

function assertRangeInside(range: Range, lengths: number[], what: string): void {
  for (const [name, p] of [['start', range.start], ['end', range.end]] as const) {
    assert.ok(Number.isInteger(p.line) && Number.isInteger(p.character), `${what}: ${name} is not integral: ${JSON.stringify(p)}`);
    assert.ok(p.line >= 0 && p.line < lengths.length, `${what}: ${name} line ${p.line} outside 0..${lengths.length - 1}`);
    assert.ok(p.character >= 0 && p.character <= lengths[p.line], `${what}: ${name} character ${p.character} outside line ${p.line} of length ${lengths[p.line]}`);
  }
  const ordered = range.start.line < range.end.line || (range.start.line === range.end.line && range.start.character <= range.end.character);
  assert.ok(ordered, `${what}: start after end: ${JSON.stringify(range)}`);
}

function assertFindings(text: string, findings: Finding[], where: string): void {
  const lengths = lineLengths(text);
  for (const f of findings) {
    const what = `${where}: ${f.rule} "${f.message.slice(0, 120)}"`;
    assert.notEqual(f.rule, RULE_FAILURE, `a rule crashed: ${f.message}`);
    assert.equal(typeof f.message, 'string', what);
    assert.doesNotMatch(f.message, /call stack/i, `${what}: a stack overflow as a message`);
    assertRangeInside(f.range, lengths, what);
    for (const fix of f.fixes) for (const edit of fix.edits) assertRangeInside(edit.range, lengths, `${what}, fix "${fix.title}"`);
  }
}

/**
 * Parses and lints `text` as `path` together with the other files, applies the fixes, and lints the
 * fixed text again: a fix that produces something the linter chokes on is as bad as a crash.
 */
function check(path: string, text: string, others: readonly ParsedFile[] = [], options: LintOptions = {}): Finding[] {
  watching(path, text);
  const started = performance.now();
  const file = parseFile(path, text);
  const workspace = new Workspace([...others.filter((o) => o.path !== path), file]);
  const findings = lintFile(file, workspace, options);
  assertFindings(text, findings, path);
  // The other files' findings can change with this one (references, sets, LVM evidence).
  for (const other of others) if (other.path !== path) assertFindings(other.text, lintFile(other, workspace, options), other.path);
  const fixed = applyFixes(text, findings);
  assert.equal(typeof fixed.text, 'string');
  assert.ok(Number.isInteger(fixed.applied) && fixed.applied >= 0);
  if (fixed.applied > 0 && fixed.text !== text) {
    const again = parseFile(path, fixed.text);
    workspace.set(again);
    assertFindings(fixed.text, lintFile(again, workspace, options), `${path} after fixes`);
  }
  const ms = performance.now() - started;
  assert.ok(ms < HANG_MS * (1 + others.length), `took ${ms.toFixed(0)} ms (hang guard ${HANG_MS} ms per document)`);
  return findings;
}

const baseFiles = BASES.map((b) => parseFile(b.path, b.text));
const previous = new Workspace(BASES.map((b) => parseFile(b.path, b.text)));
/**
 * Option sets that switch rules on and off: LVM rules forced on, change rules against the originals.
 * Drawn by name, so that a counterexample prints a word rather than a whole workspace.
 */
const OPTIONS: Record<string, LintOptions> = {
  defaults: {},
  'lvms-on+previous': { lvms: 'on', previous },
  'lvms-off+overrides': { lvms: 'off', severities: { 'ibgu/schema': 'off', 'ibgu/yaml-syntax': 'hint' } },
};
const optionName = fc.constantFrom(...Object.keys(OPTIONS));

// ---------------------------------------------------------------------------------------------------
// (a) Random text

/** Pieces that steer random text into the YAML grammar's corners instead of plain scalars. */
const YAML_PIECES = [
  'apiVersion: ', 'kind: ', 'metadata:', 'name: ', 'namespace: ', 'spec:', 'data:', 'plan:', 'actions: ', 'ibuSpec:',
  'lcm.openshift.io/v1alpha1', 'ImageBasedGroupUpgrade', 'velero.io/v1', 'Backup', 'Restore', 'ConfigMap', 'v1',
  'backupName: ', 'oadpContent:', 'seedImageRef:', 'Prep', 'Upgrade', 'lca.openshift.io/apply-wave: ',
  ': ', ':', '- ', '-', ' ', '  ', '    ', '\n', '\r\n', '\r', '\t', '"', "'", '[', ']', '{', '}', ',', '?', '? ',
  '&a ', '*a', '&b ', '*b', '<<: ', '!!str ', '!!map', '!tag ', '!<tag:yaml.org,2002:str> ', '#', ' # c',
  '|', '|-', '|+', '>', '>-', '|2', '---', '---\n', '...', '...\n', '%YAML 1.2\n', '%TAG ! tag:x,2000:\n',
  '\uFEFF', '\u00A0', '\u2028', '\u0085', '\0', '\\', '\\u12', '\\x', '~', 'null', '0x1F', '1e400', '.inf', '😀', '\uD800',
  '# ibgu-disable-next-line\n', '# ibgu-disable-file ibgu/schema\n',
];

const yamlish = fc.array(fc.constantFrom(...YAML_PIECES), { maxLength: 120, size: 'large' }).map((parts) => parts.join(''));
/** Bytes as a file reader might hand them over: lossy UTF-8, or each byte a code unit. */
const byteish = fc.oneof(
  fc.uint8Array({ maxLength: 400, size: 'large' }).map((b) => new TextDecoder().decode(b)),
  fc.uint8Array({ maxLength: 400, size: 'large' }).map((b) => Buffer.from(b).toString('latin1')),
  fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 400, size: 'large' }).map((units) => String.fromCharCode(...units)),
);

describe('fuzz: random text', () => {
  test(`random strings (${RUNS} runs)`, () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400, size: 'large' }), (text) => void check('random.yaml', text)), params());
  });
  test(`byte-ish strings (${RUNS} runs)`, () => {
    fc.assert(fc.property(byteish, (text) => void check('bytes.yaml', text)), params());
  });
  test(`YAML-ish token soup, linted with the realistic files (${RUNS} runs)`, () => {
    fc.assert(fc.property(yamlish, optionName, (text, options) => void check('soup.yaml', text, baseFiles, OPTIONS[options])), params());
  });
});

// ---------------------------------------------------------------------------------------------------
// (b) Mutations of realistic documents

type Mutation =
  | { op: 'delete' | 'duplicate' | 'bom' | 'crlf-line' | 'merge-key' | 'comment'; at: number }
  | { op: 'swap'; at: number; other: number }
  | { op: 'insert'; at: number; col: number; text: string }
  | { op: 'indent'; at: number; delta: number }
  | { op: 'tab'; at: number; how: 'lead' | 'indent' | 'mid' }
  | { op: 'anchor' | 'alias'; at: number; name: string }
  | { op: 'marker'; at: number; marker: string }
  | { op: 'unclosed'; at: number; col: number; open: string }
  | { op: 'value'; at: number; value: string }
  | { op: 'splice'; at: number; from: number; start: number; count: number }
  | { op: 'crlf' | 'truncate' | 'bom-start'; at: number };

const nat = fc.nat({ max: 1 << 16 });
const anchorName = fc.constantFrom('a', 'b', 'meta', 'x1', 'a', 'long-anchor-name');
const insertText = fc.string({ unit: fc.constantFrom(...'\t "\':-#&*!|>[]{},?%@`\\\r\n\u00a0\uFEFF\u2028😀é0aZ'.split('')), minLength: 1, maxLength: 6 });
const VALUES = ['', '~', 'null', '-1', '0', '0x1F', '1e309', '"4.17"', '[]', '{}', '[Prep, Upgrade]', 'true', 'yes', '|', '>-', '!!binary aGVsbG8=', "'a''b'", '"\\u12"', '"\\x41"', '*a', '&a', '? x', '- -', '{a: [b, {c: d}]}', '"unterminated', "'unterminated", '[unterminated', '{unterminated', 'a: b: c', '@reserved', '`reserved', '%', '!', '!!int abc', '9223372036854775808', '-0.0', '.nan'];

const mutationOp: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constantFrom('delete', 'duplicate', 'bom', 'crlf-line', 'merge-key', 'comment'), at: nat }),
  fc.record({ op: fc.constant('swap'), at: nat, other: nat }),
  fc.record({ op: fc.constant('insert'), at: nat, col: nat, text: insertText }),
  fc.record({ op: fc.constant('indent'), at: nat, delta: fc.integer({ min: -4, max: 4 }) }),
  fc.record({ op: fc.constant('tab'), at: nat, how: fc.constantFrom('lead', 'indent', 'mid') }),
  fc.record({ op: fc.constantFrom('anchor', 'alias'), at: nat, name: anchorName }),
  fc.record({ op: fc.constant('marker'), at: nat, marker: fc.constantFrom('---', '...', '--- |', '--- # c', '... # c', '---\t', ' ---', '--- !!map', '%YAML 1.2') }),
  fc.record({ op: fc.constant('unclosed'), at: nat, col: nat, open: fc.constantFrom('"', "'", '[', '{', '[{', '{"a": [', ']', '}') }),
  fc.record({ op: fc.constant('value'), at: nat, value: fc.constantFrom(...VALUES) }),
  fc.record({ op: fc.constant('splice'), at: nat, from: fc.nat({ max: BASES.length - 1 }), start: nat, count: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ op: fc.constantFrom('crlf', 'truncate', 'bom-start'), at: nat }),
);
/** Mostly one or two edits, which leave enough structure for the rules and their fixes to run; sometimes many. */
const mutations = fc.oneof(
  { arbitrary: fc.array(mutationOp, { minLength: 1, maxLength: 2 }), weight: 3 },
  { arbitrary: fc.array(mutationOp, { minLength: 3, maxLength: 12 }), weight: 1 },
);

const leading = (line: string) => /^[ \t]*/.exec(line)![0];

/** Applies one mutation; positions are taken modulo the current size, so any number fits any text. */
function mutate(text: string, m: Mutation): string {
  const lines = text.split('\n');
  const i = m.at % lines.length;
  const line = lines[i];
  switch (m.op) {
    case 'delete':
      lines.splice(i, 1);
      break;
    case 'duplicate':
      lines.splice(i, 0, line);
      break;
    case 'swap': {
      const j = m.other % lines.length;
      [lines[i], lines[j]] = [lines[j], lines[i]];
      break;
    }
    case 'insert': {
      const col = m.col % (line.length + 1);
      lines[i] = line.slice(0, col) + m.text + line.slice(col);
      break;
    }
    case 'indent':
      lines[i] = m.delta >= 0 ? ' '.repeat(m.delta) + line : line.replace(new RegExp(`^ {0,${-m.delta}}`), '');
      break;
    case 'tab':
      if (m.how === 'lead') lines[i] = '\t' + line;
      else if (m.how === 'indent') lines[i] = line.replace(/^ +/, (s) => '\t'.repeat(Math.max(1, s.length >> 1)));
      else lines[i] = line.replace(/: /, ':\t');
      break;
    case 'anchor':
      lines[i] = / *(- )?[^:#]+:( |$)/.test(line) ? line.replace(/:( |$)/, `: &${m.name} `) : `${line} &${m.name}`;
      break;
    case 'alias':
      lines[i] = /:( |$)/.test(line) ? line.replace(/:( .*)?$/, `: *${m.name}`) : `${leading(line)}- *${m.name}`;
      break;
    case 'merge-key':
      lines.splice(i + 1, 0, `${leading(lines[Math.min(i + 1, lines.length - 1)])}<<: *a`);
      break;
    case 'comment':
      lines.splice(i, 0, `${leading(line)}# ibgu-disable-next-line ${i % 2 ? 'ibgu/apply-wave' : ''}`);
      break;
    case 'bom':
      lines[i] = '\uFEFF' + line;
      break;
    case 'crlf-line':
      lines[i] = line + '\r';
      break;
    case 'marker':
      lines.splice(i, 0, m.marker);
      break;
    case 'unclosed': {
      const col = m.col % (line.length + 1);
      lines[i] = line.slice(0, col) + m.open + line.slice(col);
      break;
    }
    case 'value':
      lines[i] = /:( |$)/.test(line) ? line.replace(/:( .*)?$/, `: ${m.value}`) : `${leading(line)}- ${m.value}`;
      break;
    case 'splice': {
      const source = BASES[m.from].text.split('\n');
      const start = m.start % source.length;
      lines.splice(i, 0, ...source.slice(start, start + m.count));
      break;
    }
    case 'crlf':
      return text.replace(/\r?\n/g, '\r\n');
    case 'truncate':
      return text.slice(0, m.at % (text.length + 1));
    case 'bom-start':
      return '\uFEFF' + text;
  }
  return lines.join('\n');
}

describe('fuzz: mutated realistic documents', () => {
  test('the unmutated documents lint cleanly (no crash, ranges inside)', () => {
    for (const options of Object.values(OPTIONS)) for (const base of BASES) check(base.path, base.text, baseFiles, options);
  });

  for (const base of BASES) {
    test(`mutations of ${base.path} (${RUNS} runs)`, () => {
      fc.assert(
        fc.property(mutations, optionName, (edits, options) => {
          const text = edits.reduce(mutate, base.text);
          check(base.path, text, baseFiles, OPTIONS[options]);
        }),
        params(),
      );
    });
  }

  test(`one mutated file among mutated companions (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.tuple(...BASES.map(() => fc.array(mutationOp, { maxLength: 3 }))), optionName, (perFile, options) => {
        const texts = BASES.map((b, i) => perFile[i].reduce(mutate, b.text));
        const files = BASES.map((b, i) => parseFile(b.path, texts[i]));
        for (let i = 0; i < BASES.length; i++) check(BASES[i].path, texts[i], files, OPTIONS[options]);
      }),
      params(Math.max(1, Math.floor(RUNS / 3))),
    );
  });
});

// ---------------------------------------------------------------------------------------------------
// Deterministic worst cases

/** `levels` anchors, each a list of `width` aliases to the previous one: width^levels nodes expanded. */
function aliasBomb(levels: number, width: number, indent = ''): string {
  const out = [`${indent}l0: &l0 [${Array(width).fill('"lol"').join(', ')}]`];
  for (let i = 1; i < levels; i++) out.push(`${indent}l${i}: &l${i} [${Array(width).fill(`*l${i - 1}`).join(', ')}]`);
  return out.join('\n') + '\n';
}

describe('fuzz: deterministic worst cases', () => {
  const cases: [string, string][] = [
    ['a bare document', aliasBomb(10, 10)],
    ['an IBGU', `apiVersion: lcm.openshift.io/v1alpha1\nkind: ImageBasedGroupUpgrade\nmetadata:\n  name: bomb\n  namespace: x\nspec:\n${aliasBomb(10, 10, '  ')}  plan: *l9\n`],
    ['a Backup in an OADP ConfigMap', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: oadp-cm\n  namespace: ztp-upgrades\ndata:\n  backup.yaml: |\n    apiVersion: velero.io/v1\n    kind: Backup\n    metadata:\n      name: bomb\n    spec:\n${aliasBomb(10, 10, '      ')}      includedNamespaces: *l9\n`],
  ];
  for (const [name, text] of cases) {
    test(`a billion-laughs alias bomb (10 levels x 10 aliases) in ${name} is reported, not expanded`, () => {
      const started = performance.now();
      const findings = check('bomb.yaml', text, baseFiles, { lvms: 'on' });
      const ms = performance.now() - started;
      assert.ok(findings.some((f) => f.rule === ALIAS_BOMB), `no ${ALIAS_BOMB} finding: ${findings.map((f) => f.rule).join(', ')}`);
      assert.ok(ms < HANG_MS, `took ${ms.toFixed(0)} ms (hang guard)`);
    });
  }

  test('a small alias fan-out is not called a bomb', () => {
    const findings = check('fanout.yaml', aliasBomb(3, 5));
    assert.ok(!findings.some((f) => f.rule === ALIAS_BOMB));
  });

  test('deeply nested collections do not overflow the stack', () => {
    // The parsers overflowed from about 800 levels (flow), 1,000 (block sequences) and 2,800 (block mappings).
    for (const depth of [2_000, 3_000, 10_000, 50_000]) {
      const deep = (path: string, text: string) => {
        const findings = check(path, text);
        assert.ok(findings.some((f) => f.rule === TOO_DEEP), `${path} at ${depth}: no ${TOO_DEEP} finding: ${findings.map((f) => f.rule).join(', ')}`);
      };
      deep('deep-flow.yaml', `a: ${'['.repeat(depth)}x${']'.repeat(depth)}\n`);
      deep('deep-unclosed.yaml', `spec: ${'{a: ['.repeat(depth)}\n`);
      if (depth <= 3_000) {
        deep('deep-block.yaml', Array.from({ length: depth }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' v\n');
        deep('deep-seq.yaml', Array.from({ length: depth }, (_, i) => `${'  '.repeat(i)}-`).join('\n') + ' v\n');
      }
      for (const shape of SHAPES) deep(`deep-${shape.replace(' ', '-')}.yaml`, deepDocument(shape, depth).text);
    }
  });

  test(`random nestings of block and flow collections: refused past the limit, read up to it (${RUNS} runs)`, () => {
    // Block collections first (compact, on one line), flow ones inside them: any mix is valid YAML.
    const block = fc.array(fc.constantFrom('- ', '? ', 'k: '), { maxLength: 2 * MAX_DEPTH, size: 'max' });
    const flow = fc.array(fc.constantFrom('[', '{a: ', '[x, '), { maxLength: 2 * MAX_DEPTH, size: 'max' });
    const where = fc.constantFrom('bare', 'ibgu', 'configmap');
    fc.assert(fc.property(block, flow, where, (blocks, flows, at) => {
      // `k: ` opens a mapping whose value, a compact block collection, cannot follow on its line: it ends the run.
      const cut = blocks.indexOf('k: ');
      const compact = cut === -1 ? blocks : blocks.slice(0, cut + 1);
      const value = `${compact.join('')}${flows.join('')}x${flows.map((f) => (f === '{a: ' ? '}' : ']')).reverse().join('')}`;
      const nested = compact.length + flows.length;
      let text: string;
      let levels: number;
      if (at === 'bare') {
        text = `${value}\n`;
        levels = nested;
      } else if (at === 'ibgu') {
        text = `apiVersion: lcm.openshift.io/v1alpha1\nkind: ImageBasedGroupUpgrade\nmetadata: {name: n, namespace: ztp}\nspec:\n  x:\n    ${value}\n`;
        levels = 2 + nested;
      } else {
        text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: openshift-adp}\ndata:\n  b.yaml: |\n    apiVersion: velero.io/v1\n    kind: Backup\n    metadata: {name: b}\n    spec:\n      x:\n        ${value}\n`;
        levels = 2 + nested;
      }
      const findings = check(`nested-${at}.yaml`, text);
      assert.ok(!findings.some((f) => f.rule === 'ibgu/yaml-syntax' || f.rule === 'ibgu/embedded-yaml'), 'the generator wrote invalid YAML');
      const refused = findings.filter((f) => f.rule === TOO_DEEP);
      if (levels > MAX_DEPTH) assert.equal(refused.length, 1, `${levels} levels: ${findings.map((f) => f.rule).join(', ')}`);
      else assert.deepEqual(refused, [], `${levels} levels`);
    }), params());
  });

  test('a 5 MB file of repeated documents completes', (t) => {
    const unit = (i: number) => [IBGU, OADP, MULTI].join('---\n').replace(/\b(upgrade-4-17|oadp-cm|extra-manifests|app-backup|app-restore|sno-1)\b/g, `$1-${i}`);
    const parts: string[] = [];
    let size = 0;
    for (let i = 0; size < 5 * 1024 * 1024; i++) {
      const doc = unit(i);
      parts.push(doc);
      size += doc.length + 4;
    }
    const text = parts.join('---\n');
    const started = performance.now();
    const head = text.slice(0, 4096);
    watching('five-mb.yaml (parse; first 4 KB)', head);
    const file = parseFile('five-mb.yaml', text);
    const workspace = new Workspace([file]);
    watching('five-mb.yaml (lint; first 4 KB)', head);
    const findings = lintFile(file, workspace, {});
    const linted = performance.now() - started;
    assertFindings(text, findings, 'five-mb.yaml');
    watching('five-mb.yaml (fixes; first 4 KB)', head);
    const fixed = applyFixes(text, findings);
    assert.equal(typeof fixed.text, 'string');
    t.diagnostic(`${(text.length / 1024 / 1024).toFixed(1)} MB, ${file.documents.length} documents, ${findings.length} findings: lint ${linted.toFixed(0)} ms, fixes ${(performance.now() - started - linted).toFixed(0)} ms`);
  });
});
