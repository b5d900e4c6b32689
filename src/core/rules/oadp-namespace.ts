import { getMap, pairOf } from '../yaml/ast';
import { setInMap } from '../yaml/edit';
import { atKey, atResource, defineRule, describe } from './helpers';
import type { RawFix } from './types';
import { OADP_NAMESPACE } from '../lca/names';

export const oadpNamespaceRule = defineRule({
  id: 'ibgu/oadp-namespace',
  severity: 'hint',
  title: 'Backup or Restore outside openshift-adp',
  evidence: 'LCA `docs/backuprestore-with-oadp.md`: Backups and Restores belong in `openshift-adp` (advice; LCA does not check it)',
  docs: 'The LCA documentation asks for Backups and Restores in `openshift-adp`, where OADP runs. Velero does not process them in another namespace, and LCA waits for them.',
  appliesTo: ['Backup', 'Restore'],
  scope: 'document',
  check(resource) {
    if (resource.namespace === OADP_NAMESPACE) return [];
    const metadata = getMap(resource.root, 'metadata', resource.yaml.anchors);
    if (!metadata) return [];
    const fix: RawFix = { title: `Use namespace ${OADP_NAMESPACE}`, edits: [setInMap(resource.yaml, metadata, 'namespace', OADP_NAMESPACE)], preferred: true };
    const message = `${describe(resource)} is ${resource.namespace ? `in namespace ${resource.namespace}` : 'without a namespace'}; Velero only processes Backups and Restores in openshift-adp, where OADP is installed.`;
    return [pairOf(metadata, 'namespace') ? atKey(metadata, 'namespace', metadata, message, [fix]) : atResource(resource, message, [fix])];
  },
});
