/**
 * Workspace-scoped rules read other documents only through the workspace facts (src/core/rules/facts.ts).
 * Editors rely on it: a LintCache keeps a workspace-scoped result while workspaceFactsKey is unchanged, so a
 * rule that reads another document directly would show stale findings there, while the fixture tests (which
 * lint without a cache) pass.
 *
 * For every fixture case with more than one file: lint every file through a warm cache, change a sibling file
 * in ways that leave the facts key unchanged (a scalar value changed, a line dropped), lint the other files
 * again through the same cache, and compare with a fresh lint without cache. A planted rule that reads a
 * sibling's text directly shows that the comparison catches such a rule.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { allRules, lintFile, parseFile, Workspace, type Finding, type LintCache, type LintOptions, type Rule } from '../../../src/core/index';
import { workspaceFactsKey } from '../../../src/core/rules/facts';
import { fixturesDir, listDirs, readText } from '../../helpers/fixtures';

interface Case {
  name: string;
  texts: [string, string][];
  options: LintOptions;
}

const yamlNames = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort() : []);

function loadCases(): Case[] {
  const root = path.join(fixturesDir(), 'rules');
  const cases: Case[] = [];
  for (const rule of listDirs(root)) {
    for (const name of listDirs(path.join(root, rule))) {
      const dir = path.join(root, rule, name);
      const texts = yamlNames(dir).map((n): [string, string] => [n, readText(path.join(dir, n))]);
      if (texts.length < 2) continue;
      const optionsFile = path.join(dir, 'options.json');
      const options: LintOptions = existsSync(optionsFile) ? JSON.parse(readText(optionsFile)) : {};
      if (existsSync(path.join(dir, 'previous'))) options.previous = Workspace.fromTexts(yamlNames(path.join(dir, 'previous')).map((n) => [n, readText(path.join(dir, 'previous', n))]));
      cases.push({ name: `${rule}/${name}`, texts, options });
    }
  }
  return cases;
}

/** Edits of a text that keep it YAML-shaped: each leaf scalar changed, each leaf line dropped. */
function perturbations(text: string): string[] {
  const lines = text.split('\n');
  const indent = (line: string) => line.length - line.trimStart().length;
  const out: string[] = [];
  lines.forEach((line, i) => {
    const scalar = /^(\s*(?:- )?[\w./-]+:[ \t]+)([^\s|>&*!#{[].*)$/.exec(line);
    if (!scalar || /^(apiVersion|kind):/.test(line.trim())) return;
    const next = lines.slice(i + 1).find((l) => l.trim() !== '');
    const leaf = next === undefined || indent(next) <= indent(line);
    const changed = /^-?\d+$/.test(scalar[2].trim()) ? String(Number(scalar[2]) + 7) : `${scalar[2].replace(/^["']|["']$/g, '')}-zz`;
    out.push([...lines.slice(0, i), `${scalar[1]}${JSON.stringify(changed)}`, ...lines.slice(i + 1)].join('\n'));
    if (leaf && !line.trimStart().startsWith('- ')) out.push([...lines.slice(0, i), ...lines.slice(i + 1)].join('\n'));
  });
  return out;
}

const byRule = (findings: Finding[]) => {
  const out = new Map<string, string[]>();
  for (const f of findings) out.set(f.rule, [...(out.get(f.rule) ?? []), JSON.stringify(f)]);
  return out;
};

/** Where a cached lint after a facts-preserving change differs from a fresh one: `case: file after edit of sibling: rule`. */
function staleResults(cases: Case[], rules: readonly Rule[]): { stale: string[]; kept: number } {
  const stale: string[] = [];
  let kept = 0;
  for (const c of cases) {
    for (const [sibling, text] of c.texts) {
      for (const perturbed of perturbations(text)) {
        const workspace = Workspace.fromTexts(c.texts);
        const cache: LintCache = new WeakMap();
        for (const file of workspace.allFiles()) lintFile(file, workspace, c.options, rules, cache);
        const before = workspaceFactsKey(workspace, c.options);
        workspace.set(parseFile(sibling, perturbed));
        if (workspaceFactsKey(workspace, c.options) !== before) continue;
        kept++;
        for (const file of workspace.allFiles()) {
          if (file.path === sibling) continue;
          const cached = byRule(lintFile(file, workspace, c.options, rules, cache));
          const fresh = byRule(lintFile(file, workspace, c.options, rules));
          for (const rule of new Set([...cached.keys(), ...fresh.keys()])) {
            try {
              assert.deepEqual(cached.get(rule) ?? [], fresh.get(rule) ?? []);
            } catch {
              stale.push(`${c.name}: ${file.path} after an edit of ${sibling}: ${rule}`);
            }
          }
        }
      }
    }
  }
  return { stale, kept };
}

describe('workspace-scoped rules read other documents through the facts only', () => {
  const cases = loadCases();

  test('a cached lint equals a fresh one after any change of a sibling file that keeps the facts', () => {
    assert.ok(cases.length >= 10, `only ${cases.length} fixture cases with several files`);
    const { stale, kept } = staleResults(cases, allRules);
    assert.ok(kept >= 100, `only ${kept} facts-preserving changes: the test proves little`);
    assert.deepEqual([...new Set(stale)], []);
  });

  test('the check catches a rule that reads a sibling document outside the facts', () => {
    const peeking: Rule = {
      id: 'ibgu/test-peeks-at-siblings',
      severity: 'warning',
      evidence: 'a planted bypass',
      title: 'reads other documents directly',
      docs: 'A planted bypass of the facts.',
      appliesTo: ['IBGU', 'IBU', 'ConfigMap', 'Backup', 'Restore'],
      scope: 'workspace',
      check: (resource, ctx) => {
        const others = ctx.workspace.resources().filter((r) => r !== resource).map((r) => r.yaml.text.length);
        return [{ start: resource.yaml.start, end: resource.yaml.start + 1, message: `other documents: ${others.join(',')}` }];
      },
    };
    const { stale } = staleResults(cases, [...allRules, peeking]);
    assert.ok(stale.length > 0, 'the planted rule was not caught');
    assert.deepEqual(stale.filter((s) => !s.endsWith(peeking.id)), [], 'only the planted rule is stale');
  });
});
