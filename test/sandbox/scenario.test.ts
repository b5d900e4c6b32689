/** Sandbox scenario files: what they resolve to per cluster, and the errors a wrong file gets. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_DURATIONS, parseScenario, ScenarioError } from '../../src/sandbox/scenario';
import { repoRoot } from '../helpers/fixtures';

describe('sandbox scenarios', () => {
  test('defaults: three healthy clusters with the default durations', () => {
    const s = parseScenario('kind: SandboxScenario');
    assert.deepEqual(s.clusters.map((c) => c.name), ['sno-0001', 'sno-0002', 'sno-0003']);
    for (const c of s.clusters) {
      assert.deepEqual(c.durations, DEFAULT_DURATIONS);
      assert.deepEqual(c.faults, []);
      assert.deepEqual(c.labels, {});
    }
  });

  test('groups add labels and durations by name or pattern, later groups win; faults attach to their clusters', () => {
    const s = parseScenario([
      'clusters: 12',
      'durations: {prep: 30}',
      'groups:',
      '- {clusters: "sno-000?", labels: {wave: "1"}, durations: {upgrade: 5}}',
      '- {clusters: [sno-0002, sno-0011], labels: {wave: "2", canary: "true"}}',
      'faults:',
      '- {clusters: "sno-001*", fault: Prep, message: nope}',
      '- {clusters: sno-0002, fault: Finalize, retriesFailing: 2}',
    ].join('\n'));
    const by = Object.fromEntries(s.clusters.map((c) => [c.name, c]));
    assert.deepEqual(by['sno-0001']!.labels, { wave: '1' });
    assert.deepEqual(by['sno-0002']!.labels, { wave: '2', canary: 'true' });
    assert.deepEqual(by['sno-0010']!.labels, {});
    assert.deepEqual(by['sno-0011']!.labels, { wave: '2', canary: 'true' });
    assert.equal(by['sno-0001']!.durations.prep, 30);
    assert.equal(by['sno-0001']!.durations.upgrade, 5);
    assert.equal(by['sno-0010']!.durations.upgrade, DEFAULT_DURATIONS.upgrade);
    assert.deepEqual(by['sno-0010']!.faults, [{ kind: 'Prep', message: 'nope' }]);
    assert.deepEqual(by['sno-0012']!.faults, [{ kind: 'Prep', message: 'nope' }]);
    assert.deepEqual(by['sno-0002']!.faults, [{ kind: 'Finalize', retriesFailing: 2 }]);
    assert.deepEqual(by['sno-0009']!.faults, []);
  });

  test('--clusters overrides the count', () => {
    assert.equal(parseScenario('clusters: 12', 5).clusters.length, 5);
  });

  test('every mistake is a specific error that says where', () => {
    const cases: [string, RegExp][] = [
      ['clusters: many', /clusters must be a whole number from 0 to 10000/],
      ['clusters: 3\ncluster: 4', /unknown field "cluster"; expected one of/],
      ['kind: Scenario', /kind must be SandboxScenario/],
      ['durations: {prep: -1}', /durations\.prep must be a number of minutes/],
      ['durations: {prepare: 3}', /unknown field "prepare" at durations/],
      ['groups: [{clusters: sno-0009}]', /groups\[0\]\.clusters: "sno-0009" matches none of the 3 clusters \(sno-0001 … sno-0003\)/],
      ['groups: [{clusters: "*", labels: {canary: true}}]', /groups\[0\]\.labels\.canary must be a string \(quote values/],
      ['faults: [{clusters: sno-0001, fault: Explode}]', /faults\[0\]\.fault must be one of: Prep, Upgrade, Rollback, Abort, Finalize, BackupStorageLocationUnavailable, LogicalVolumesLost/],
      ['faults: [{clusters: sno-0001, fault: Prep, retriesFailing: 1}]', /retriesFailing applies to Abort and Finalize faults only/],
      ['faults: {clusters: sno-0001}', /faults must be a list/],
      ['- a\n- b', /a scenario is a YAML mapping/],
      ['a: [', /not valid YAML/],
      ['hubManifests: oadp.yaml', /hubManifests must be a list of manifest file paths/],
      ['hubManifests: ["", x.yaml]', /hubManifests must be a list of manifest file paths/],
    ];
    for (const [text, message] of cases) assert.throws(() => parseScenario(text), (e: unknown) => e instanceof ScenarioError && message.test(e.message), text);
  });

  test('an alias bomb is refused, not expanded', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`)].join('\n');
    assert.throws(() => parseScenario(bomb), (e: unknown) => e instanceof ScenarioError && /resource exhaustion/.test(e.message));
  });

  test('the shipped examples parse, and their groups and faults land where their comments say', () => {
    const dir = path.join(repoRoot(), 'examples', 'sandbox');
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    assert.ok(files.length >= 4);
    for (const f of files) assert.ok(parseScenario(readFileSync(path.join(dir, f), 'utf8')).clusters.length > 0, f);
    const failures = parseScenario(readFileSync(path.join(dir, 'failures.yaml'), 'utf8'));
    const kinds = Object.fromEntries(failures.clusters.filter((c) => c.faults.length).map((c) => [c.name, c.faults.map((x) => x.kind)]));
    assert.deepEqual(kinds, { 'sno-0004': ['Finalize'], 'sno-0005': ['Prep'], 'sno-0007': ['Upgrade'] });
    assert.equal(failures.clusters.find((c) => c.name === 'sno-0006')!.durations.prep, 400);
    const fleet = parseScenario(readFileSync(path.join(dir, 'fleet-3500.yaml'), 'utf8'));
    assert.equal(fleet.clusters.length, 3500);
    assert.equal(fleet.clusters.filter((c) => c.labels['upgrade-wave'] === '4').length, 501, 'sno-3000 … sno-3500');
    assert.equal(fleet.clusters.filter((c) => c.labels['upgrade-wave'] === '1').length, 999);
  });
});

describe('sandbox scenarios: fleet', () => {
  test('`fleet: acm` is kept on the scenario, with or without a cluster count override; absent, there is none', () => {
    assert.equal(parseScenario('clusters: 4\nfleet: acm').fleet, 'acm');
    assert.equal(parseScenario('fleet: acm', 7).fleet, 'acm');
    assert.equal(parseScenario('fleet: acm', 7).clusters.length, 7);
    assert.equal(parseScenario('clusters: 4').fleet, undefined);
    assert.equal(parseScenario('clusters: 4\nfleet:').fleet, undefined);
  });

  test('an unknown fleet is refused, naming the field, the allowed value and the value given', () => {
    assert.throws(() => parseScenario('fleet: aws'), (e: unknown) => e instanceof ScenarioError && /^fleet must be "acm" \(.*\), or left out; not "aws"$/.test(e.message));
    assert.throws(() => parseScenario('fleet: [acm]'), (e: unknown) => e instanceof ScenarioError && /not \["acm"\]$/.test(e.message));
  });
});
