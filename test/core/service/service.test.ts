import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  complete, documentSymbols, foldingRanges, hover, lintFile, parseFile, parseIncremental, Workspace,
  type CompletionItem, type DocSymbol, type ParsedFile, type Position, type Range,
} from '../../../src/core/index';
import { ALLOWED_PLANS, formatPlan } from '../../../src/core/talm/plan';

/** Text with a cursor marker `@@`: the text without it and the marker's position. */
function at(marked: string, eol = '\n'): { file: ParsedFile; pos: Position; text: string } {
  const withEol = marked.replace(/\n/g, eol);
  const i = withEol.indexOf('@@');
  assert.ok(i >= 0, 'no cursor marker');
  const text = withEol.slice(0, i) + withEol.slice(i + 2);
  const file = parseFile('t.yaml', text);
  return { file, pos: file.lines.positionAt(i), text };
}

/** The position of the n-th occurrence of `needle` (plus `delta` characters). */
function posOf(file: ParsedFile, needle: string, delta = 0, nth = 0): Position {
  let i = -1;
  for (let k = 0; k <= nth; k++) i = file.text.indexOf(needle, i + 1);
  assert.ok(i >= 0, `${needle} not found`);
  return file.lines.positionAt(i + delta);
}

const r = (range: Range) => `${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}`;

/** Inserts a completion the way an editor does, with every tab stop left at its default. */
function apply(text: string, item: CompletionItem): string {
  const file = parseFile('t.yaml', text);
  const body = item.snippet
    ? item.insertText.replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\{\d+\|([^,|]*)[^}]*\|\}/g, '$1').replace(/\$\d+/g, '')
    : item.insertText;
  return text.slice(0, file.lines.offsetAt(item.range.start)) + body + text.slice(file.lines.offsetAt(item.range.end));
}

const rulesOf = (text: string) => {
  const file = parseFile('t.yaml', text);
  return lintFile(file, new Workspace([file]));
};

const IBGU = `apiVersion: lcm.openshift.io/v1alpha1
kind: ImageBasedGroupUpgrade
metadata:
  name: upgrade-4-17
  namespace: ztp-group
  annotations:
    auto-rollback-on-failure.lca.openshift.io/init-monitor: Disabled
spec:
  clusterLabelSelectors:
  - matchLabels:
      lcm.openshift.io/ibgu-prep-completed: ""
  ibuSpec:
    seedImageRef:
      image: quay.io/seed/image:4.17.0
      version: 4.17.0
  plan:
  - actions: [Prep]
    rolloutStrategy:
      maxConcurrency: 10
      timeout: 240
  - actions:
    - Upgrade
    rolloutStrategy: {maxConcurrency: 5}
`;

const OADP = `apiVersion: v1
kind: ConfigMap
metadata:
  name: oadp-cm
  namespace: openshift-adp
data:
  backup.yaml: |
    apiVersion: velero.io/v1
    kind: Backup
    metadata:
      name: lvms-backup
      namespace: openshift-adp
      annotations:
        lca.openshift.io/apply-wave: "1"
    spec:
      includedNamespaces: [openshift-storage]
      includedClusterScopedResources:
      - persistentVolumes
      - logicalvolumes.topolvm.io
  restore.yaml: |
    apiVersion: velero.io/v1
    kind: Restore
    metadata:
      name: lvms-restore
      namespace: openshift-adp
    spec:
      backupName: lvms-backup
      restorePVs: true
      restoreStatus:
        includedResources: [logicalvolumes]
`;

describe('OffsetMap.toInner', () => {
  test('inverts toOuter on every character of a block scalar, and is undefined outside it', () => {
    for (const eol of ['\n', '\r\n']) {
      const file = parseFile('t.yaml', OADP.replace(/\n/g, eol));
      const backup = file.resources.find((x) => x.kind === 'Backup')!;
      const { map, text } = backup.yaml;
      for (let i = 0; i < text.length; i++) {
        assert.equal(map.toInner(map.toOuter(i)), i, `inner ${i} (${eol === '\n' ? 'LF' : 'CRLF'})`);
      }
      assert.equal(map.toInner(file.text.indexOf('backup.yaml')), undefined, 'the key is outside');
      assert.equal(map.toInner(file.text.indexOf('kind: Backup') - 2), undefined, 'the indentation of the scalar is outside');
      assert.equal(map.toInner(file.text.indexOf('restore.yaml')), undefined, 'the next key is outside');
    }
  });

  test('maps quoted scalars through escapes, and composes with the shift of an incrementally parsed document', () => {
    const text = 'a: 1\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  b.json: "{\\"apiVersion\\": \\"velero.io/v1\\",\\n \\"kind\\": \\"Backup\\"}"\n';
    for (const file of [parseFile('t.yaml', text), parseIncremental('t.yaml', text)]) {
      const backup = file.resources.find((x) => x.kind === 'Backup')!;
      const { map, text: inner } = backup.yaml;
      const kind = inner.indexOf('kind');
      assert.equal(map.toInner(file.text.indexOf('\\"kind') + 2), kind);
      assert.equal(map.toInner(file.text.indexOf('\\n')), inner.indexOf('\n'), 'an escape maps to the character it stands for');
      for (let i = 0; i <= inner.length; i++) assert.equal(map.toInner(map.toOuter(i)), i);
      assert.equal(map.toInner(file.text.indexOf('b.json')), undefined);
    }
  });
});

describe('hover', () => {
  const file = parseFile('ibgu.yaml', IBGU);

  test('plan: the current plan, what can still be appended, and all 26 plans', () => {
    const h = hover(file, posOf(file, 'plan:', 1))!;
    assert.equal(r(h.range), '15:2-15:6');
    assert.match(h.markdown, /^\*\*`spec\.plan`\*\* · list of objects · required · at most 6/);
    assert.ok(h.markdown.includes('Current plan: `[[Prep], [Upgrade]]` — allowed.'));
    assert.ok(h.markdown.includes('- `[FinalizeUpgrade]` → `[[Prep], [Upgrade], [FinalizeUpgrade]]`'));
    assert.ok(h.markdown.includes('- `[AbortOnFailure]` → `[[Prep], [Upgrade], [AbortOnFailure]]`'));
    assert.ok(!h.markdown.includes('`[Abort]` →'), '[[Prep], [Upgrade], [Abort]] is not allowed');
    for (const [i, plan] of ALLOWED_PLANS.entries()) assert.ok(h.markdown.includes(`${String(i + 1).padStart(2)} ${formatPlan(plan)}\n`), formatPlan(plan));
  });

  test('an action: what it does, which clusters its step selects, which labels it leaves', () => {
    const h = hover(file, posOf(file, '- Upgrade', 2))!;
    assert.equal(r(h.range), '21:6-21:13');
    assert.ok(h.markdown.startsWith('**Upgrade** — IBGU action 1 of step 2 · sends IBU stage `Upgrade`'));
    assert.ok(h.markdown.includes('**Clusters:** Only clusters labelled `lcm.openshift.io/ibgu-prep-completed`.'));
    assert.ok(h.markdown.includes('`lcm.openshift.io/ibgu-upgrade-completed` on success, `lcm.openshift.io/ibgu-upgrade-failed` on failure'));
    const prep = hover(file, posOf(file, 'Prep]'))!;
    assert.equal(r(prep.range), '16:14-16:18');
    assert.ok(prep.markdown.includes('every cluster that `clusterLabelSelectors` matches'));
  });

  test('an action after the first one of its step is not what selects the clusters', () => {
    const f = parseFile('t.yaml', IBGU.replace('- actions: [Prep]', '- actions: [Prep, Upgrade]').replace('    - Upgrade\n', '    - FinalizeUpgrade\n'));
    const h = hover(f, posOf(f, 'Upgrade]'))!;
    assert.ok(h.markdown.includes('**Clusters:** not chosen by this action. The step acts on the clusters its first action, Prep, selects'));
    const fin = hover(f, posOf(f, 'FinalizeUpgrade'))!;
    assert.ok(fin.markdown.includes('removes every `lcm.openshift.io/ibgu-*-completed` and `-failed` label'));
    const wrong = parseFile('t.yaml', IBGU.replace('[Prep]', '[Finalize]'));
    assert.match(hover(wrong, posOf(wrong, 'Finalize'))!.markdown, /^`Finalize` is not an IBGU action/);
  });

  test('fields: path, type, required, description, default', () => {
    const h = hover(file, posOf(file, 'maxConcurrency: 10'))!;
    assert.equal(r(h.range), '18:6-18:20');
    assert.ok(h.markdown.startsWith('**`spec.plan[0].rolloutStrategy.maxConcurrency`** · integer · required\n\nHow many clusters run the step at once'));
    const t = hover(file, posOf(file, 'timeout'))!;
    assert.ok(t.markdown.includes('Minutes (not seconds)'));
    assert.ok(t.markdown.endsWith('Default: `240`.'));
    const value = hover(file, posOf(file, '4.17.0', 0, 1))!;
    assert.equal(r(value.range), '14:15-14:21');
    assert.ok(value.markdown.startsWith('**`spec.ibuSpec.seedImageRef.version`** · string'));
    assert.equal(hover(file, { line: 7, character: 5 }), undefined, 'nothing to say past the end of `spec:`');
  });

  test('annotation and stage label keys', () => {
    const a = hover(file, posOf(file, 'init-monitor'))!;
    assert.equal(r(a.range), '6:4-6:58');
    assert.ok(a.markdown.startsWith('**Annotation** `auto-rollback-on-failure.lca.openshift.io/init-monitor`'));
    assert.ok(a.markdown.includes('TALM copies every annotation whose key contains `lca.openshift.io` onto the ImageBasedUpgrade'));
    const l = hover(file, posOf(file, 'lcm.openshift.io/ibgu-prep-completed'))!;
    assert.equal(r(l.range), '10:6-10:42');
    assert.ok(l.markdown.includes('A step whose first action is Upgrade selects only clusters with this label.'));
    const ibu = parseFile('t.yaml', 'apiVersion: lca.openshift.io/v1\nkind: ImageBasedUpgrade\nmetadata:\n  name: upgrade\n  annotations:\n    lca.openshift.io/manual-cleanup-done: ""\nspec:\n  stage: Idle\n');
    assert.ok(hover(ibu, posOf(ibu, 'manual-cleanup'))!.markdown.includes('`AbortFailed` or `FinalizeFailed`'));
    assert.ok(!hover(ibu, posOf(ibu, 'manual-cleanup'))!.markdown.includes('On an IBGU'));
    assert.ok(hover(ibu, posOf(ibu, 'Idle'))!.markdown.includes('Allowed values: `Idle`, `Prep`, `Upgrade`, `Rollback`.'));
  });

  test('inside a Backup and a Restore embedded in a ConfigMap block scalar, with CRLF line ends', () => {
    const f = parseFile('oadp.yaml', OADP.replace(/\n/g, '\r\n'));
    const lv = hover(f, posOf(f, 'logicalvolumes.topolvm.io', 3))!;
    assert.equal(r(lv.range), '18:8-18:33');
    assert.ok(lv.markdown.startsWith('**logicalvolumes.topolvm.io** — needed with LVM Storage.'));
    assert.ok(lv.markdown.includes('`restoreStatus.includedResources: [logicalvolumes]`'));
    const restore = hover(f, posOf(f, 'logicalvolumes]'))!;
    assert.equal(r(restore.range), '29:28-29:42');
    assert.ok(restore.markdown.includes('Velero normally drops `status` on restore'));
    const wave = hover(f, posOf(f, 'apply-wave'))!;
    assert.equal(r(wave.range), '13:8-13:35');
    assert.ok(wave.markdown.includes('Lower waves go first'));
    const field = hover(f, posOf(f, 'includedClusterScopedResources', 2))!;
    assert.equal(r(field.range), '16:6-16:36');
    assert.ok(field.markdown.startsWith('**`spec.includedClusterScopedResources`** · list of strings'));
    assert.ok(field.markdown.includes('logicalvolumes.topolvm.io and persistentVolumes'));
    assert.equal(hover(f, posOf(f, 'backup.yaml')), undefined, 'ConfigMap keys have no schema');
  });
});

describe('complete', () => {
  const head = 'apiVersion: lcm.openshift.io/v1alpha1\nkind: ImageBasedGroupUpgrade\nmetadata:\n  name: u\n  namespace: ns\nspec:\n  clusterLabelSelectors: [{matchLabels: {a: b}}]\n  ibuSpec: {seedImageRef: {image: "quay.io/s/seed:4.17.0", version: "4.17.0"}}\n';
  const labels = (items: CompletionItem[]) => items.map((i) => i.label);

  test('field names at the cursor\'s indentation, without those already present, in half-written YAML', () => {
    const { file, pos } = at(`${head}  plan:\n  - actions: [Prep]\n    rolloutStrategy:\n      maxConcurrency: 1\n      @@\n`);
    const items = complete(file, pos);
    assert.deepEqual(labels(items), ['timeout']);
    assert.equal(items[0].insertText, 'timeout: ');
    assert.equal(r(items[0].range), '12:6-12:6');
    const spec = at(`${head}  @@\n`);
    assert.deepEqual(labels(complete(spec.file, spec.pos)), ['plan']);
    assert.equal(complete(spec.file, spec.pos)[0].insertText, 'plan:\n  - ');
    const partial = at('apiVersion: lca.openshift.io/v1\nkind: ImageBasedUpgrade\nspec:\n  seedImageRef:\n    ima@@\n  stage: Prep\n');
    const seed = complete(partial.file, partial.pos);
    assert.deepEqual(labels(seed), ['version', 'image', 'pullSecretRef']);
    assert.equal(r(seed[0].range), '4:4-4:7', 'replaces the partial word');
    assert.equal(seed[2].insertText, 'pullSecretRef:\n      ');
  });

  test('enum values, selector operators and stage label keys', () => {
    const stage = at('apiVersion: lca.openshift.io/v1\nkind: ImageBasedUpgrade\nmetadata:\n  name: upgrade\nspec:\n  stage: @@\n');
    assert.deepEqual(labels(complete(stage.file, stage.pos)), ['Idle', 'Prep', 'Upgrade', 'Rollback']);
    const op = at(`${head.replace('  clusterLabelSelectors: [{matchLabels: {a: b}}]\n', '')}  clusterLabelSelectors:\n  - matchExpressions:\n    - key: @@\n      operator: Exists\n`);
    const keys = complete(op.file, op.pos);
    assert.equal(keys.length, 14);
    assert.equal(keys[0].label, 'lcm.openshift.io/ibgu-prep-completed');
    const opPos = { line: op.pos.line + 1, character: 16 };
    const opText = op.text.replace('operator: Exists', 'operator: ');
    assert.deepEqual(labels(complete(parseFile('t.yaml', opText), opPos)), ['In', 'NotIn', 'Exists', 'DoesNotExist']);
    const ml = at(`${head.replace('  clusterLabelSelectors: [{matchLabels: {a: b}}]\n', '')}  clusterLabelSelectors:\n  - matchLabels:\n      lcm.openshift.io/ibgu-upgrade-completed: ""\n      lcm.openshift.io/ibgu-@@\n`);
    const mlItems = complete(ml.file, ml.pos);
    assert.ok(!labels(mlItems).includes('lcm.openshift.io/ibgu-upgrade-completed'));
    assert.equal(mlItems[0].insertText, 'lcm.openshift.io/ibgu-prep-completed: ""');
    assert.equal(r(mlItems[0].range), `${ml.pos.line}:6-${ml.pos.line}:28`);
  });

  test('action names in flow and block lists, the ones that keep the plan allowed first', () => {
    const flow = at(`${head}  plan:\n  - actions: [Prep, @@]\n`);
    const items = complete(flow.file, flow.pos);
    assert.deepEqual(labels(items), ['Upgrade', 'FinalizeUpgrade', 'Rollback', 'FinalizeRollback', 'Abort', 'AbortOnFailure']);
    const best = [...items].sort((a, b) => a.sortText!.localeCompare(b.sortText!))[0];
    assert.equal(best.label, 'Upgrade');
    assert.equal(items.find((i) => i.label === 'Abort')!.detail, 'no allowed plan continues this way');
    const unclosed = at(`${head}  plan:\n  - actions: [Prep, Up@@\n`);
    assert.ok(unclosed.file.documents[0].problems.length > 0, 'the YAML is broken');
    assert.deepEqual(complete(unclosed.file, unclosed.pos).map((i) => `${i.label}@${r(i.range)}`)[0], `Upgrade@${unclosed.pos.line}:20-${unclosed.pos.line}:22`);
    const block = at(`${head}  plan:\n  - actions: [Prep]\n    rolloutStrategy: {maxConcurrency: 1}\n  - actions:\n    - Ab@@\n`);
    const blockItems = complete(block.file, block.pos);
    assert.equal(blockItems.length, 7);
    assert.equal(r(blockItems[0].range), `${block.pos.line}:6-${block.pos.line}:8`);
    const fits = blockItems.filter((i) => i.sortText!.startsWith('0')).map((i) => i.label).sort();
    assert.deepEqual(fits, ['Abort', 'AbortOnFailure', 'Upgrade']);
  });

  test('after `plan:` all 26 plans as snippets; every one inserted gives a plan TALM accepts', () => {
    for (const eol of ['\n', '\r\n']) {
      const { file, pos, text } = at(`${head}  plan:@@\n`, eol);
      const items = complete(file, pos);
      assert.equal(items.length, 26);
      assert.ok(items.every((i) => i.kind === 'snippet' && i.snippet));
      const full = items.find((i) => i.label === '[[Prep], [AbortOnFailure], [Upgrade], [AbortOnFailure], [FinalizeUpgrade]]')!;
      assert.equal(full.insertText.split(eol)[1], '  - actions: [Prep]');
      assert.equal(full.insertText.split(eol)[2], '    rolloutStrategy: {maxConcurrency: ${1:10}}');
      assert.equal(full.insertText.split(eol).length, 11);
      for (const item of items) {
        const result = apply(text, item);
        const findings = rulesOf(result);
        assert.deepEqual(findings.filter((f) => ['ibgu/plan-combination', 'ibgu/yaml-syntax', 'ibgu/schema'].includes(f.rule)).map((f) => f.message), [], `${item.label}:\n${result}`);
        const ibgu = parseFile('t.yaml', result).resources[0];
        assert.equal(ibgu.yaml.problems.length, 0);
      }
    }
  });

  test('on an empty plan item, the steps that can still be appended, indented for the cursor', () => {
    const { file, pos, text } = at(`${head}  plan:\n    - actions: [Prep]\n      rolloutStrategy: {maxConcurrency: 1}\n    - @@\n`);
    const items = complete(file, pos);
    const snippets = items.filter((i) => i.kind === 'snippet');
    assert.deepEqual(labels(items.filter((i) => i.kind === 'field')), ['actions', 'rolloutStrategy']);
    assert.equal(snippets.length, 10);
    const two = snippets.find((i) => i.label === '[[Prep], [Upgrade], [AbortOnFailure]]')!;
    assert.equal(two.detail, 'appends [Upgrade], [AbortOnFailure]');
    assert.equal(two.insertText, 'actions: [Upgrade]\n      rolloutStrategy: {maxConcurrency: ${1:10}}\n    - actions: [AbortOnFailure]\n      rolloutStrategy: {maxConcurrency: ${2:10}}');
    for (const item of snippets) {
      const result = apply(text, item);
      assert.deepEqual(rulesOf(result).filter((f) => f.rule === 'ibgu/plan-combination'), [], result);
    }
    // Without the dash, the snippet brings its own.
    const bare = at(`${head}  plan:\n  - actions: [Prep]\n    rolloutStrategy: {maxConcurrency: 1}\n  @@\n`);
    const abort = complete(bare.file, bare.pos).find((i) => i.label === '[[Prep], [Abort]]')!;
    assert.equal(abort.insertText, '- actions: [Abort]\n    rolloutStrategy: {maxConcurrency: ${1:10}}');
    assert.deepEqual(rulesOf(apply(bare.text, abort)).filter((f) => f.rule === 'ibgu/plan-combination'), []);
  });

  test('annotations by kind: IBU, and a Backup embedded in a block scalar', () => {
    const ibu = at('apiVersion: lca.openshift.io/v1\nkind: ImageBasedUpgrade\nmetadata:\n  name: upgrade\n  annotations:\n    lca.openshift.io/trigger-reconcile: "2"\n    lca.op@@\n');
    const items = complete(ibu.file, ibu.pos);
    assert.ok(labels(items).includes('lca.openshift.io/manual-cleanup-done'));
    assert.ok(!labels(items).includes('lca.openshift.io/trigger-reconcile'), 'already there');
    assert.ok(!labels(items).includes('lca.openshift.io/apply-wave'), 'not read on an IBU');
    assert.equal(r(items[0].range), '6:4-6:10');
    const { file, pos, text } = at(OADP.replace('        lca.openshift.io/apply-wave: "1"\n', '        @@\n'), '\r\n');
    const embedded = complete(file, pos);
    assert.deepEqual(labels(embedded), ['lca.openshift.io/apply-wave', 'lca.openshift.io/apply-label']);
    assert.equal(embedded[0].insertText, 'lca.openshift.io/apply-wave: "${1:1}"');
    assert.equal(r(embedded[0].range), '13:8-13:8');
    const result = parseFile('t.yaml', apply(text, embedded[0]));
    const backup = result.resources.find((x) => x.kind === 'Backup')!;
    assert.equal(backup.yaml.problems.length, 0);
    assert.ok(backup.yaml.text.includes('    lca.openshift.io/apply-wave: "1"\n'));
  });

  test('LVM Storage entries in Backup and Restore lists, and restorePVs', () => {
    const b = at(OADP.replace('      - logicalvolumes.topolvm.io\n', '      - @@\n'));
    const items = complete(b.file, b.pos);
    assert.deepEqual(labels(items), ['logicalvolumes.topolvm.io'], 'persistentVolumes is already listed');
    assert.equal(r(items[0].range), '18:8-18:8');
    const flow = at(OADP.replace('includedResources: [logicalvolumes]', 'includedResources: [@@]'));
    assert.deepEqual(labels(complete(flow.file, flow.pos)), ['logicalvolumes']);
    const pv = at(OADP.replace('restorePVs: true', 'restorePVs: @@'));
    const pvItems = complete(pv.file, pv.pos);
    assert.equal(pvItems[0].label, 'true');
    assert.ok(pvItems[0].documentation!.includes('With LVM Storage this must be true'));
  });

  test('a multi-line field inserted in a block scalar carries the scalar\'s indentation', () => {
    const { file, pos, text } = at(OADP.replace('      includedNamespaces: [openshift-storage]\n', '      includedNamespaces: [openshift-storage]\n      @@\n'));
    const item = complete(file, pos).find((i) => i.label === 'labelSelector')!;
    assert.equal(item.insertText, 'labelSelector:\n        ');
    const result = apply(text, item).replace('labelSelector:\n        ', 'labelSelector:\n        matchLabels: {app: db}');
    const backup = parseFile('t.yaml', result).resources.find((x) => x.kind === 'Backup')!;
    assert.deepEqual(backup.root.toJSON().spec.labelSelector, { matchLabels: { app: 'db' } });
  });
});

const simplify = (s: DocSymbol): unknown => ({ name: s.name, kind: s.kind, ...(s.detail ? { detail: s.detail } : {}), ...(s.children.length ? { children: s.children.map(simplify) } : {}) });

describe('documentSymbols', () => {
  const text = `${IBGU}---\n${OADP}---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: pull\n`;
  const file = parseFile('all.yaml', text);

  test('one symbol per resource: IBGU plan steps and actions, ConfigMap keys and the resources in them', () => {
    assert.deepEqual(documentSymbols(file).map(simplify), [
      {
        name: 'ImageBasedGroupUpgrade upgrade-4-17', kind: 'object', detail: 'namespace ztp-group', children: [
          { name: 'ibuSpec', kind: 'object', detail: 'seed 4.17.0' },
          {
            name: 'plan', kind: 'array', detail: '2 steps', children: [
              { name: 'Step 1: Prep', kind: 'object', detail: 'maxConcurrency 10, timeout 240 min', children: [{ name: 'Prep', kind: 'event', detail: 'IBU stage Prep' }] },
              { name: 'Step 2: Upgrade', kind: 'object', detail: 'maxConcurrency 5, timeout 240 min', children: [{ name: 'Upgrade', kind: 'event', detail: 'IBU stage Upgrade' }] },
            ],
          },
        ],
      },
      {
        name: 'ConfigMap oadp-cm', kind: 'object', detail: 'namespace openshift-adp', children: [
          { name: 'backup.yaml', kind: 'key', detail: '1 resource', children: [{ name: 'Backup lvms-backup', kind: 'object', detail: 'namespace openshift-adp' }] },
          { name: 'restore.yaml', kind: 'key', detail: '1 resource', children: [{ name: 'Restore lvms-restore', kind: 'object', detail: 'namespace openshift-adp' }] },
        ],
      },
      { name: 'Secret pull', kind: 'object' },
    ]);
  });

  test('ranges: the whole resource, selection on its name; embedded ones in file coordinates', () => {
    const [ibgu, cm, secret] = documentSymbols(file);
    assert.equal(r(ibgu.range), '0:0-22:40');
    assert.equal(r(ibgu.selectionRange), '3:8-3:20');
    assert.equal(r(ibgu.children[1].children[0].range), '16:4-19:18');
    const backup = cm.children[0].children[0];
    assert.equal(r(backup.selectionRange), '34:12-34:23');
    assert.equal(r(backup.range), '31:4-42:33');
    assert.equal(r(cm.children[0].range), '30:2-42:33');
    assert.equal(r(secret.selectionRange), '58:8-58:12');
  });
});

describe('foldingRanges', () => {
  test('documents, ConfigMap values and the documents in them, plan steps', () => {
    const text = `${IBGU}---\n${OADP.replace('  restore.yaml: |\n', '  restore.yaml: |\n    ---\n')}`;
    const file = parseFile('all.yaml', text);
    const folds = foldingRanges(file);
    const has = (startLine: number, endLine: number, kind?: 'region') =>
      assert.ok(folds.some((f) => f.startLine === startLine && f.endLine === endLine && f.kind === kind), `${startLine}-${endLine} ${kind ?? ''} in ${JSON.stringify(folds)}`);
    has(0, 22, 'region'); // the IBGU document
    has(23, 54, 'region'); // the ConfigMap document, from its ---
    has(30, 42); // backup.yaml: | and its value
    has(31, 42, 'region'); // the Backup inside it
    has(43, 54); // restore.yaml: |
    has(44, 54, 'region'); // the Restore, from its own ---
    has(16, 19); // plan step 1
    has(20, 22); // plan step 2
    has(15, 22); // plan
    assert.equal(new Set(folds.map((f) => f.startLine)).size, folds.length, 'one range per start line');
    const single = foldingRanges(parseFile('t.yaml', IBGU));
    assert.ok(!single.some((f) => f.kind === 'region'), 'a single document is not folded as a whole');
  });
});

describe('incremental parsing', () => {
  test('a file parsed document by document gives the same answers as a whole parse', () => {
    const text = `${IBGU}---\n${OADP.replace('restorePVs: true', 'restorePVs: ')}`;
    const whole = parseFile('a.yaml', text);
    const chunked = parseIncremental('a.yaml', text);
    assert.ok(chunked.documents.length === 2 && chunked.documents[1].text !== text, 'documents have texts of their own');
    assert.deepEqual(documentSymbols(chunked), documentSymbols(whole));
    assert.deepEqual(foldingRanges(chunked), foldingRanges(whole));
    for (const needle of ['logicalvolumes.topolvm.io', 'plan:', 'apply-wave', 'maxConcurrency: 5']) {
      const expected = hover(whole, posOf(whole, needle));
      assert.ok(expected, needle);
      assert.deepEqual(hover(chunked, posOf(whole, needle)), expected);
    }
    const pos = posOf(whole, 'restorePVs: ', 12);
    const items = complete(chunked, pos);
    assert.deepEqual(items, complete(whole, pos));
    assert.deepEqual(items.map((i) => `${i.label}@${r(i.range)}`), ['true@51:18-51:18', 'false@51:18-51:18']);
  });
});
