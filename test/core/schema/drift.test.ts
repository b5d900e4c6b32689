/**
 * Drift check: our own schema definitions against the upstream CRDs in ../shared/crds, when that folder
 * exists (it does for developers and CI, not for users). Skipped, saying so, when it is absent.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { ALLOWED_PLANS } from '../../../src/core/talm/plan';
import { ibguSpec, planItem, rolloutStrategy, MAX_PLAN_STEPS, MAX_STEP_ACTIONS } from '../../../src/core/schema/talm';
import { ibuSpec, IBU_STAGES } from '../../../src/core/schema/lca';
import { backupSpec, restoreSpec } from '../../../src/core/schema/velero';
import type { ObjectSchema } from '../../../src/core/schema/types';
import { repoRoot } from '../../helpers/fixtures';

const crds = path.join(repoRoot(), '..', 'shared', 'crds');
const present = existsSync(crds);
const skip = present ? false : `../shared/crds is absent (${crds}): drift check skipped`;

type Json = Record<string, any>;

function openApi(file: string): Json {
  const crd = parse(readFileSync(path.join(crds, file), 'utf8')) as Json;
  return crd.spec.versions[0].schema.openAPIV3Schema;
}

function sameFields(ours: ObjectSchema, theirs: Json, where: string): void {
  assert.deepEqual(Object.keys(ours.properties).sort(), Object.keys(theirs.properties ?? {}).sort(), `${where}: field names`);
  assert.deepEqual([...(ours.required ?? [])].sort(), [...(theirs.required ?? [])].sort(), `${where}: required fields`);
}

describe('drift against the upstream CRDs', { skip }, () => {
  test('IBGU plan allow-list equals the CRD CEL rule, in order', () => {
    const plan = openApi('ibgu-crd.yaml').properties.spec.properties.plan;
    const rule: string = plan['x-kubernetes-validations'].find((v: Json) => v.message === 'invalid combinations of actions in the plan').rule;
    const list = JSON.parse(rule.slice(0, rule.indexOf('.exists(')).replace(/'/g, '"'));
    assert.deepEqual(list, ALLOWED_PLANS);
  });

  test('IBGU spec, plan item, rollout strategy, limits and CEL messages', () => {
    const schema = openApi('ibgu-crd.yaml');
    const spec = schema.properties.spec;
    sameFields(ibguSpec, spec, 'spec');
    sameFields(planItem, spec.properties.plan.items, 'spec.plan[]');
    sameFields(rolloutStrategy, spec.properties.plan.items.properties.rolloutStrategy, 'rolloutStrategy');
    assert.equal(spec.properties.plan.maxItems, MAX_PLAN_STEPS);
    assert.equal(spec.properties.plan.items.properties.actions.maxItems, MAX_STEP_ACTIONS);
    assert.equal(spec.properties.plan.items.properties.rolloutStrategy.properties.timeout.default, 240);
    sameFields(ibuSpec, spec.properties.ibuSpec, 'spec.ibuSpec');
    const messages = [
      ...schema['x-kubernetes-validations'],
      ...spec.properties.ibuSpec['x-kubernetes-validations'],
      ...spec.properties.clusterLabelSelectors['x-kubernetes-validations'],
      ...spec.properties.plan['x-kubernetes-validations'],
    ].map((v: Json) => v.message);
    assert.deepEqual(messages, ['Name length must be less than 230 characters', 'ibuSpec is immutable', 'clusterLabelSelectors is immutable', 'plan is append only', 'invalid combinations of actions in the plan']);
  });

  test('IBU spec fields, stage enum and seed image pattern', () => {
    const spec = openApi('ibu-crd.yaml').properties.spec;
    sameFields(ibuSpec, spec, 'IBU spec');
    assert.deepEqual(spec.properties.stage.enum, [...IBU_STAGES]);
    const seed = ibuSpec.properties.seedImageRef as ObjectSchema;
    assert.equal((seed.properties.image as { pattern?: string }).pattern, spec.properties.seedImageRef.properties.image.pattern);
  });

  test('Velero Backup and Restore spec fields', () => {
    sameFields(backupSpec, openApi('velero-backup-crd.yaml').properties.spec, 'Backup spec');
    sameFields(restoreSpec, openApi('velero-restore-crd.yaml').properties.spec, 'Restore spec');
  });
});

describe('JSON schema for other YAML tools', () => {
  test('each kind is selected by apiVersion and kind, with required fields and limits', async () => {
    const { kindsJsonSchema, mentionsKnownKind } = await import('../../../src/core/schema/json-schema');
    const schema = kindsJsonSchema() as { allOf: { if: any; then: any }[] };
    const ibgu = schema.allOf.find((s) => s.if.properties.kind.const === 'ImageBasedGroupUpgrade')!;
    assert.equal(ibgu.if.properties.apiVersion.const, 'lcm.openshift.io/v1alpha1');
    assert.deepEqual(ibgu.then.properties.spec.required, ['ibuSpec', 'plan']);
    assert.equal(ibgu.then.properties.spec.properties.plan.maxItems, 6);
    assert.deepEqual(ibgu.then.properties.spec.properties.ibuSpec.properties.stage.enum, ['Idle', 'Prep', 'Upgrade', 'Rollback']);
    assert.equal(ibgu.then.additionalProperties, undefined, 'unknown fields are reported by ibgu/unknown-field, not twice');
    assert.equal(mentionsKnownKind('apiVersion: velero.io/v1\nkind: Backup\n'), true);
    assert.equal(mentionsKnownKind('apiVersion: apps/v1\nkind: Deployment\n'), false);
  });
});
