/** The IBGU CRD's defaults and CEL rules on plain objects (facts §1.1–§1.4). */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ibguCelViolations, withIbguDefaults } from '../../../src/core/talm/cel';

const step = (actions: string[], maxConcurrency = 1, timeout?: number) => ({ actions, rolloutStrategy: { maxConcurrency, ...(timeout === undefined ? {} : { timeout }) } });
type Step = ReturnType<typeof step>;
const ibgu = (plan: Step[], extra: Record<string, unknown> = {}) => ({ metadata: { name: 'wave' }, spec: { ibuSpec: { seedImageRef: { version: '4.16.15' } }, plan, ...extra } });
const messages = (next: unknown, old?: unknown) => ibguCelViolations(next, old).map((v) => `${v.field}: ${v.message}`);

describe('IBGU CEL rules', () => {
  test('defaults fill timeout 240 only where it is missing, without changing the input', () => {
    const input = ibgu([step(['Prep']), step(['Upgrade'], 1, 30)]);
    const out = withIbguDefaults(input);
    assert.deepEqual(out.spec.plan.map((s) => (s.rolloutStrategy as { timeout?: number }).timeout), [240, 30]);
    assert.equal((input.spec.plan[0].rolloutStrategy as { timeout?: number }).timeout, undefined);
  });

  test('the allow-list on create; transition rules only on update', () => {
    assert.deepEqual(messages(ibgu([step(['Prep']), step(['AbortOnFailure']), step(['Upgrade'])])), []);
    assert.deepEqual(messages(ibgu([step(['Upgrade']), step(['Rollback'])])), ['spec.plan: invalid combinations of actions in the plan']);
    assert.deepEqual(messages({ metadata: { name: 'n'.repeat(229) }, spec: { plan: [step(['Prep'])] } }), []);
    assert.deepEqual(messages({ metadata: { name: 'n'.repeat(230) }, spec: { plan: [step(['Prep'])] } }), [': Name length must be less than 230 characters']);
  });

  test('append-only is membership of every old step (deep equality); removing a duplicate step slips through', () => {
    const old = ibgu([step(['Prep'], 1, 60)]);
    assert.deepEqual(messages(ibgu([step(['Prep'], 1, 60), step(['Upgrade'], 1, 60)]), old), []);
    assert.deepEqual(messages(ibgu([step(['Prep'], 2, 60), step(['Upgrade'], 1, 60)]), old), ['spec.plan: plan is append only']);
    const twice = ibgu([step(['Prep']), step(['AbortOnFailure']), step(['Upgrade']), step(['AbortOnFailure'])]);
    assert.deepEqual(messages(ibgu([step(['Prep']), step(['AbortOnFailure']), step(['Upgrade'])]), twice), []);
  });

  test('ibuSpec and clusterLabelSelectors are immutable only where both objects have them', () => {
    const selectors = [{ matchLabels: { wave: '1' } }];
    const old = ibgu([step(['Prep'])], { clusterLabelSelectors: selectors });
    assert.deepEqual(messages(ibgu([step(['Prep'])], { clusterLabelSelectors: [{ matchLabels: { wave: '2' } }] }), old), ['spec.clusterLabelSelectors: clusterLabelSelectors is immutable']);
    assert.deepEqual(messages(ibgu([step(['Prep'])]), old), [], 'removing the whole list is not blocked by the CRD');
    assert.deepEqual(messages(ibgu([step(['Prep'])], { clusterLabelSelectors: selectors }), ibgu([step(['Prep'])])), [], 'nor is adding it');
    // A null is pruned before validation (not nullable): `clusterLabelSelectors:` with no value is no list.
    assert.deepEqual(messages(ibgu([step(['Prep'])], { clusterLabelSelectors: selectors }), ibgu([step(['Prep'])], { clusterLabelSelectors: null })), [], 'nor adding it to a null');
    assert.deepEqual(messages(ibgu([step(['Prep'])], { clusterLabelSelectors: null }), old), [], 'nor setting it to null');
    assert.deepEqual(messages(ibgu([step(['Prep'])], { clusterLabelSelectors: selectors }), ibgu([step(['Prep'])], { clusterLabelSelectors: [] })), ['spec.clusterLabelSelectors: clusterLabelSelectors is immutable'], 'an empty list is a list');
    const changed = ibgu([step(['Prep'])]);
    (changed.spec as { ibuSpec: unknown }).ibuSpec = { seedImageRef: { version: '4.16.16' } };
    assert.deepEqual(messages(changed, ibgu([step(['Prep'])])), ['spec.ibuSpec: ibuSpec is immutable']);
  });
});
