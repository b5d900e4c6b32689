import { atKey, defineRule } from './helpers';
import { EMBEDDED_TYPES, inExtraManifests } from './support/extra-manifests';

export const extraManifestNameRule = defineRule({
  id: 'ibgu/extra-manifest-name',
  severity: 'error',
  title: 'An extra manifest without metadata.name',
  evidence: 'LCA `ValidateExtraManifestConfigmaps`: `<Kind> resource name is empty` fails Prep',
  docs: 'LCA refuses extra manifests without a name, and Prep fails.',
  appliesTo: EMBEDDED_TYPES,
  scope: 'workspace',
  check(resource, ctx) {
    if (!inExtraManifests(resource, ctx) || resource.name) return [];
    return [atKey(resource.root, 'metadata', resource.root, `${resource.kind} resource name is empty: Prep fails.`)];
  },
});
