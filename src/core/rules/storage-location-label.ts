import { getMap, pairOf } from '../yaml/ast';
import { addToMap, setInMap } from '../yaml/edit';
import { atResource, defineRule, describe } from './helpers';

export const storageLocationLabelRule = defineRule({
  id: 'ibgu/storage-location-label',
  severity: 'hint',
  title: 'No velero.io/storage-location label',
  evidence: 'LCA documentation examples label Backups with `velero.io/storage-location` (advice; LCA does not read it)',
  docs: 'The LCA documentation labels each Backup and Restore with `velero.io/storage-location` naming the BackupStorageLocation (usually `default`). LCA does not read it, but it keeps the objects tied to the right location.',
  appliesTo: ['Backup', 'Restore'],
  scope: 'document',
  check(resource) {
    const metadata = getMap(resource.root, 'metadata', resource.yaml.anchors);
    const labels = getMap(metadata, 'labels', resource.yaml.anchors);
    if (!metadata || pairOf(labels, 'velero.io/storage-location')) return [];
    const edit = labels ? addToMap(resource.yaml, labels, 'velero.io/storage-location', 'default') : setInMap(resource.yaml, metadata, 'labels', { 'velero.io/storage-location': 'default' });
    return [atResource(resource, `${describe(resource)} has no velero.io/storage-location label, as the LCA documentation shows for OADP content.`, [
      { title: 'Add velero.io/storage-location: default', edits: [edit], preferred: true },
    ])];
  },
});
