/**
 * `needs` tells the truth (src/core/rules/types.ts RuleInput): a rule that reads the stored versions or the
 * hub's facts declares it, and a rule that declares it reports nothing without it. The engine skips such a rule
 * when the lint has no such input (a rule that would throw is never called), and calls it when it has.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { allRules, lintFile, parseFile, Workspace, type HubFacts, type Rule, type RuleInput } from '../../../src/core/index';
import { fixturesDir, repoRoot } from '../../helpers/fixtures';

const rulesDir = path.join(repoRoot(), 'src', 'core', 'rules');

/** What a rule's source says it reads: `options.hub`, or the stored version (previousOf, or the immutableRule maker that calls it). */
function inputsRead(source: string): RuleInput[] {
  const read: RuleInput[] = [];
  if (/options\.hub\b/.test(source)) read.push('hub');
  if (/\bpreviousOf\(|\bimmutableRule\(|options\.previous\b/.test(source)) read.push('previous');
  return read;
}

/** Rules that read an input without needing it: they report without it too. */
const READ_WITHOUT_NEEDING: Record<string, RuleInput> = {
  // Steps aside for an IBGU when a hub is given, where ibgu/hub-configmap-missing looks on the hub instead.
  'ibgu/configmap-missing': 'hub',
};

/** The declarations that do not match what the sources read. */
function mismatches(rules: readonly { id: string; needs?: RuleInput; source: string }[]): string[] {
  const wrong: string[] = [];
  for (const rule of rules) {
    const read = inputsRead(rule.source).filter((input) => READ_WITHOUT_NEEDING[rule.id] !== input);
    if (read.length > 1) wrong.push(`${rule.id} reads both ${read.join(' and ')}`);
    else if ((read[0] ?? undefined) !== rule.needs) wrong.push(`${rule.id}: reads ${read[0] ?? 'neither'}, declares ${rule.needs ?? 'nothing'}`);
  }
  return wrong;
}

const sourceOf = (rule: Rule) => readFileSync(path.join(rulesDir, `${rule.id.slice('ibgu/'.length)}.ts`), 'utf8');

test('every rule that reads the hub facts or the stored versions declares it, and no other rule does', () => {
  assert.deepEqual(mismatches(allRules.map((r) => ({ id: r.id, needs: r.needs, source: sourceOf(r) }))), []);
  assert.ok(allRules.filter((r) => r.needs === 'hub').length >= 2 && allRules.filter((r) => r.needs === 'previous').length >= 5);
});

test('the declaration check catches planted mistakes', () => {
  assert.deepEqual(mismatches([
    { id: 'planted/hub', source: 'const hub = ctx.options.hub;' },
    { id: 'planted/previous', needs: 'hub', source: 'const p = previousOf(resource, ctx);' },
    { id: 'planted/none', needs: 'previous', source: 'return [];' },
  ]), ['planted/hub: reads hub, declares nothing', 'planted/previous: reads previous, declares hub', 'planted/none: reads neither, declares previous']);
});

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? yamlFiles(full) : /\.ya?ml$/.test(name) ? [full] : [];
  });
}

test('a rule that declares an input reports nothing without it, on every fixture and upstream file', () => {
  const needing = allRules.filter((r) => r.needs);
  let checked = 0;
  for (const file of yamlFiles(fixturesDir())) {
    const parsed = parseFile(file, readFileSync(file, 'utf8'));
    const workspace = new Workspace([parsed]);
    for (const resource of parsed.resources) {
      for (const rule of needing) {
        if (!rule.appliesTo.includes(resource.type)) continue;
        const reports = rule.scope === 'document' ? rule.check(resource, { options: {} }) : rule.check(resource, { options: {}, workspace });
        assert.deepEqual(reports, [], `${rule.id} reported on ${path.relative(fixturesDir(), file)} without ${rule.needs}`);
        checked++;
      }
    }
  }
  assert.ok(checked > 100, `only ${checked} checks ran`);
});

test('the engine skips a rule whose input the lint lacks, and runs it when given', () => {
  const planted: Rule = { id: 'ibgu/planted', severity: 'error', title: 't', docs: 'd', evidence: 'e', appliesTo: ['IBGU'], scope: 'workspace', needs: 'hub', check: () => { throw new Error('called'); } };
  const file = parseFile('a.yaml', 'apiVersion: lcm.openshift.io/v1alpha1\nkind: ImageBasedGroupUpgrade\nmetadata: {name: a, namespace: b}\nspec: {}\n');
  const hub: HubFacts = { context: 'c', namespace: 'default', configMaps: new Map(), secrets: new Map() };
  assert.deepEqual(lintFile(file, new Workspace([file]), {}, [planted]), []);
  assert.match(lintFile(file, new Workspace([file]), { hub }, [planted]).map((f) => f.message).join(), /rule ibgu\/planted .*called/);
});
