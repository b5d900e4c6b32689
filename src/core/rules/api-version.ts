import type { Node } from 'yaml';
import { keyOf, nodeEnd, nodeStart } from '../yaml/ast';
import type { Resource, ResourceType } from '../yaml/parse';
import { defineRule, at, sameQuoting } from './helpers';
import type { RawFix, Report } from './types';
import { SERVED_VERSIONS, schemaTypes } from './support/crd';

/**
 * Groups these kinds were once served in, or are mixed up with. The document is not identified as an IBU or
 * IBGU (its group is not theirs), so it is read as another kind: it is found here by its kind alone.
 * - `ran.openshift.io`: LCA's first group for ImageBasedUpgrade, renamed to `lca.openshift.io` in LCA commits
 *   de63c6e2 "Update api group names" and 2310e266 (Oct–Nov 2023, before any release); the old
 *   `config/crd/bases/ran.openshift.io_imagebasedupgrades.yaml` had another schema (`oadpContent` a single
 *   object, `additionalImages`, `rollbackTarget`, no `pullSecretRef`), so the fix is not applied by itself.
 *   `ran.openshift.io/v1alpha1` itself is TALM's ClusterGroupUpgrade group, not flagged for other kinds.
 * - `lcm.openshift.io` (IBGU's group, TALM) for the IBU and `lca.openshift.io` (LCA) for the IBGU: the groups
 *   differ by one letter; each kind is served only in its own. (`ran.openshift.io` never held an IBGU.)
 */
const OLD_SCHEMA = ' That group had another schema (LCA before its first release): check the fields against the served one after the change.';
const ONE_LETTER = ' lca.openshift.io is LCA\'s group (ImageBasedUpgrade), lcm.openshift.io is TALM\'s (ImageBasedGroupUpgrade).';
const FOREIGN_GROUPS: Record<string, { type: ResourceType; groups: Record<string, string> }> = {
  ImageBasedUpgrade: { type: 'IBU', groups: { 'ran.openshift.io': OLD_SCHEMA, 'lcm.openshift.io': ONE_LETTER } },
  ImageBasedGroupUpgrade: { type: 'IBGU', groups: { 'lca.openshift.io': ONE_LETTER } },
};

/** The served apiVersion of a kind written in a wrong group, when this is such a document. */
function misplaced(resource: Resource): { served: string; note: string } | undefined {
  if (resource.type !== 'Other') return undefined;
  const known = FOREIGN_GROUPS[resource.kind];
  const note = known && Object.hasOwn(known.groups, resource.group) ? known.groups[resource.group] : undefined;
  return note === undefined ? undefined : { served: SERVED_VERSIONS[known!.type]!, note };
}

export const apiVersionRule = defineRule({
  id: 'ibgu/api-version',
  severity: 'error',
  title: 'The kind is not served at this API version',
  evidence: 'API server: each CRD serves one version (TALM `config/crd/bases/lcm.openshift.io_imagebasedgroupupgrades.yaml`, LCA `lca.openshift.io_imagebasedupgrades.yaml`, Velero `velero.io/v1`)',
  docs: 'ImageBasedGroupUpgrade is served only as `lcm.openshift.io/v1alpha1`, ImageBasedUpgrade as `lca.openshift.io/v1`, Velero Backup and Restore as `velero.io/v1`. Any other version is rejected with "no matches for kind". This includes the groups of LCA\'s early samples, `ran.openshift.io/v1alpha1` for ImageBasedUpgrade (renamed before any release, with another schema: the quick fix is offered, not applied by `--fix`), and the one-letter mix-ups `lcm.openshift.io` for ImageBasedUpgrade and `lca.openshift.io` for ImageBasedGroupUpgrade.',
  appliesTo: [...schemaTypes, 'Other'],
  scope: 'document',
  check(resource) {
    let served: string;
    let autofix: boolean;
    let note = '';
    if (resource.type === 'Other') {
      const found = misplaced(resource);
      if (!found) return [];
      served = found.served;
      note = found.note;
      // Another group: the document may have been written for another API; the edit is offered, not applied.
      autofix = false;
    } else {
      served = SERVED_VERSIONS[resource.type]!;
      if (resource.apiVersion === served) return [];
      // Only the version differs (the group identified the kind). LCA's `lca.openshift.io/v1alpha1` became `v1`
      // with the same types (commit ecd16d91 "Update api version to v1", May 2024, moved api/v1alpha1 to
      // api/imagebasedupgrade/v1 without changing a field); other versions never existed.
      autofix = true;
    }
    return [report(resource, served, autofix, note)];
  },
});

function report(resource: Resource, served: string, autofix: boolean, note: string): Report {
  const pair = resource.root.items.find((p) => keyOf(p) === 'apiVersion');
  const node = pair?.value as Node;
  const fix: RawFix = { title: `Change to ${served}`, edits: [{ start: nodeStart(node), end: nodeEnd(node), newText: sameQuoting(node as { type?: string }, served) }], preferred: true, autofix };
  return at(node, `no matches for kind "${resource.kind}" in version "${resource.apiVersion}": it is served only as ${served}.${note}`, [fix]);
}
