/**
 * A one-shot lint (the CLI) lets go of the trees of files that stand alone (src/core/lint/retire.ts) and keeps
 * their facts and findings. Its findings must be exactly those of linting every file in the whole workspace:
 * compared here on the upstream corpus, on every rule fixture case (options and previous versions included),
 * on a generated GitOps tree, and after `--fix`.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { allRules, fixFile, lintFile, parseFile, RetiringLint, Workspace, type LintOptions } from '../../../src/core/index';
import { READ_ACROSS } from '../../../src/core/rules/facts';
import { isRetired } from '../../../src/core/yaml/workspace';
import { generateTree } from '../../../bench/gitops-tree';
import { fixturesDir, listDirs, readText } from '../../helpers/fixtures';

interface Source {
  path: string;
  text: string;
}

function yamlFiles(dir: string, base = dir): Source[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).sort().flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return name === 'previous' ? [] : yamlFiles(p, base);
    return /\.ya?ml$/.test(name) ? [{ path: path.relative(base, p), text: readText(p) }] : [];
  });
}

/** The findings of every file linted in the whole workspace, as the CLI did before it retired files. */
function wholeLint(sources: Source[], options: LintOptions): Map<string, string> {
  const ws = new Workspace(sources.map((s) => parseFile(s.path, s.text)));
  return new Map(sources.map((s) => [s.path, JSON.stringify(lintFile(ws.get(s.path)!, ws, options))]));
}

function retiringLint(sources: Source[], options: LintOptions): { findings: Map<string, string>; retired: number } {
  const lint = new RetiringLint(sources, (p, t) => parseFile(p, t), options);
  const retired = lint.workspace.entries().filter(isRetired).length;
  return { findings: new Map(sources.map((s) => [s.path, JSON.stringify(lint.lint(s.path))])), retired };
}

function assertSame(sources: Source[], options: LintOptions, name: string): number {
  const { findings, retired } = retiringLint(sources, options);
  assert.deepEqual(findings, wholeLint(sources, options), name);
  return retired;
}

function ruleCases(): { name: string; sources: Source[]; options: LintOptions }[] {
  const root = path.join(fixturesDir(), 'rules');
  return listDirs(root).flatMap((rule) => listDirs(path.join(root, rule)).map((name) => {
    const dir = path.join(root, rule, name);
    const optionsFile = path.join(dir, 'options.json');
    const options: LintOptions = existsSync(optionsFile) ? JSON.parse(readText(optionsFile)) : {};
    if (existsSync(path.join(dir, 'previous'))) options.previous = new Workspace(yamlFiles(path.join(dir, 'previous')).map((s) => parseFile(s.path, s.text)));
    return { name: `${rule}/${name}`, sources: yamlFiles(dir), options };
  }));
}

describe('lint that keeps facts, not trees', () => {
  test('the upstream corpus: the same findings, with files retired', () => {
    const sources = yamlFiles(path.join(fixturesDir(), 'upstream'));
    assert.ok(sources.length > 10);
    assert.ok(assertSame(sources, {}, 'upstream') > 0, 'no file of the corpus was retired: the comparison proves nothing');
  });

  test('every rule fixture case: the same findings', () => {
    let retired = 0;
    for (const c of ruleCases()) retired += assertSame(c.sources, c.options, c.name);
    assert.ok(retired > 0);
  });

  test('a generated GitOps tree: the same findings, most files retired, LVM Storage evidence read from a retired file', () => {
    const { files } = generateTree({ seed: 7, waves: 12, clusters: 200, apps: 60, policies: 40 });
    const { findings, retired } = retiringLint(files, {});
    assert.deepEqual(findings, wholeLint(files, {}));
    assert.ok(retired > files.length / 2, `${retired} of ${files.length} retired`);
    const lvms = [...findings.values()].flatMap((f) => JSON.parse(f) as { message: string }[]).find((f) => /LVM Storage is in use \(.*, in apps\//.test(f.message));
    assert.ok(lvms, 'a Backup finding that names the retired file holding the LVM Storage evidence');
  });

  test('a file a configMapGenerator takes stays whole, and its documents are checked as embedded', () => {
    const sources: Source[] = [
      { path: 'oadp/kustomization.yaml', text: 'configMapGenerator:\n- name: oadp-cm\n  namespace: openshift-adp\n  files:\n  - extra.yaml\n' },
      { path: 'oadp/extra.yaml', text: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n  annotations:\n    lca.openshift.io/apply-wave: "x"\n' },
      { path: 'apps/ns.yaml', text: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: y\n' },
    ];
    const lint = new RetiringLint(sources, (p, t) => parseFile(p, t), {});
    assert.ok(lint.workspace.get('oadp/extra.yaml'), 'the generator input was retired');
    assert.equal(lint.workspace.get('apps/ns.yaml'), undefined, 'a standalone file was kept whole');
    assert.deepEqual(retiringLint(sources, {}).findings, wholeLint(sources, {}));
  });

  test('kustomizations are parsed again in their turn from their own text, as the CLI parses: sources emptied, failures not retried', () => {
    const sources: Source[] = [
      { path: 'oadp/kustomization.yaml', text: 'configMapGenerator:\n- name: oadp-cm\n  namespace: openshift-adp\n  files:\n  - extra.yaml\n' },
      { path: 'oadp/extra.yaml', text: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n  annotations:\n    lca.openshift.io/apply-wave: "x"\n' },
      { path: 'apps/kustomization.yaml', text: 'resources:\n- ns.yaml\n' },
      { path: 'apps/ns.yaml', text: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: y\n' },
      { path: 'broken/kustomization.yaml', text: 'resources:\n- a.yaml\n' },
    ];
    const expected = wholeLint(sources.filter((s) => !s.path.startsWith('broken/')), {});
    const parsed: string[] = [];
    // As src/cli/lint.ts: the source's text is let go once parsed, and a file whose parse threw is left out.
    const copies = sources.map((s) => ({ ...s }));
    const lint = new RetiringLint(copies, (p, t) => {
      parsed.push(p);
      copies.find((c) => c.path === p)!.text = '';
      return p.startsWith('broken/') ? undefined : parseFile(p, t);
    }, {});
    assert.deepEqual(parsed.filter((p) => p === 'broken/kustomization.yaml'), ['broken/kustomization.yaml'], 'a kustomization that failed was parsed again');
    assert.deepEqual(parsed.filter((p) => p === 'oadp/kustomization.yaml'), ['oadp/kustomization.yaml', 'oadp/kustomization.yaml']);
    assert.equal(lint.has('broken/kustomization.yaml'), false);
    assert.ok(lint.workspace.get('oadp/extra.yaml'), 'the generator input was retired');
    assert.ok(lint.workspace.get('oadp/kustomization.yaml')?.text.includes('configMapGenerator'), 'the kustomization was parsed again from an emptied text');
    assert.deepEqual(new Map([...expected.keys()].map((p) => [p, JSON.stringify(lint.lint(p))])), expected);
  });

  test('--fix: the same texts and the same findings after', () => {
    let retiredFixed = 0;
    for (const c of ruleCases()) {
      const before = new Workspace(c.sources.map((s) => parseFile(s.path, s.text)));
      const lint = new RetiringLint(c.sources, (p, t) => parseFile(p, t), c.options);
      for (const s of c.sources) {
        const old = fixFile(s.path, before, c.options);
        const wasRetired = !lint.workspace.get(s.path);
        const ours = lint.fix(s.path);
        if (wasRetired && ours.applied) retiredFixed++;
        assert.equal(ours.applied, old.applied, `${c.name} ${s.path}`);
        if (old.applied) assert.equal(ours.text, old.text, `${c.name} ${s.path}`);
      }
      for (const s of c.sources) assert.deepEqual(lint.lint(s.path), lintFile(before.get(s.path)!, before, c.options), `${c.name} ${s.path} after --fix`);
    }
    // No rule offers an automatic fix on a file that stands alone today; the retired path re-parses if one does.
    assert.equal(retiredFixed, 0);
  });

  test('rules that read the hub or stored versions check only types that are never retired', () => {
    // The CLI lints a retired file before --hub adds what these rules read.
    for (const rule of allRules) if (rule.needs) assert.deepEqual(rule.appliesTo.filter((t) => !READ_ACROSS.has(t)), [], rule.id);
  });
});
