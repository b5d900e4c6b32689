import { getMap, getString, pairOf } from '../yaml/ast';
import { ibuSpecOf } from '../lca/configmaps';
import { planOf } from './support/plan';
import { at, defineRule } from './helpers';

export const seedRequiredRule = defineRule({
  id: 'ibgu/seed-image-required',
  severity: 'error',
  title: 'Prep or Upgrade without seedImageRef.image and version',
  evidence: 'LCA `controllers/prep_handlers.go` `validateIBUSpec`: Prep fails without the seed image and version',
  docs: 'The CRD leaves `seedImageRef` optional, but LCA cannot prepare or upgrade without the seed image and its version: Prep fails at once. A resuming IBGU (for example `[[Upgrade]]`) must carry the same seedImageRef as the one that ran Prep, because LCA refuses to change it while an upgrade is in progress.',
  appliesTo: ['IBGU', 'IBU'],
  scope: 'document',
  check(resource) {
    const needs = resource.type === 'IBGU'
      ? (planOf(resource)?.steps ?? []).some((s) => s.actions.some((a) => a.value === 'Prep' || a.value === 'Upgrade'))
      : ['Prep', 'Upgrade'].includes(getString(ibuSpecOf(resource), 'stage') ?? '');
    if (!needs) return [];
    const spec = ibuSpecOf(resource);
    const seed = getMap(spec, 'seedImageRef', resource.yaml.anchors);
    const missing = ['image', 'version'].filter((k) => !getString(seed, k, resource.yaml.anchors));
    if (missing.length === 0) return [];
    const specMap = getMap(resource.root, 'spec', resource.yaml.anchors);
    const where = seed
      ? pairOf(spec, 'seedImageRef')!.key
      : (resource.type === 'IBGU' ? pairOf(specMap, 'ibuSpec')?.key : undefined) ?? pairOf(resource.root, 'spec')?.key ?? pairOf(resource.root, 'kind')?.key;
    return [at(where, `seedImageRef.${missing.join(' and seedImageRef.')} ${missing.length > 1 ? 'are' : 'is'} missing: LCA cannot ${resource.type === 'IBGU' ? 'run Prep or Upgrade' : 'prepare or upgrade'} without the seed image and its version.`)];
  },
});
