import { isScalar, type Node } from 'yaml';
import { getMap, getSeq, pairOf, stringItems } from '../yaml/ast';
import { oadpSetsOf } from '../lca/configmaps';
import { at, defineRule, describe, specOf } from './helpers';

const IBU_ROLE = 'rbac.authorization.k8s.io/v1/clusterroles/open-cluster-management:klusterlet-work:ibu-role';

export const klusterletIbuRoleRule = defineRule({
  id: 'ibgu/klusterlet-ibu-role',
  severity: 'warning',
  evidence: 'TALM `docs/ibgu/README.md`: with an IBGU the klusterlet Backup must list the `klusterlet-work:ibu-role` ClusterRole',
  title: 'The ACM klusterlet Backup of an IBGU leaves out the ClusterRole TALM needs after the pivot',
  docs: [
    'When an IBGU drives the upgrade, TALM puts the ClusterRole `open-cluster-management:klusterlet-work:ibu-role` in the Prep ManifestWork (controllers/utils/manifestworkreplicaset.go) and reads the IBU through the klusterlet\'s work agent, which needs that role. TALM\'s docs/ibgu/README.md: the platform Backup that carries the klusterlet (with `lca.openshift.io/apply-label`) must list that ClusterRole too; otherwise after the pivot TALM cannot see the IBU and the step times out.',
    'The rule reports only a Backup in an OADP ConfigMap that an IBGU in the files references through `ibuSpec.oadpContent`. In the plain IBU flow the ClusterRole does not exist on the cluster, and LCA dry-run patches every `apply-label` object at Prep (internal/backuprestore/backup.go), so listing it there would make Prep fail. ZTP ships the two variants apart for this reason (openshift-kni/cnf-features-deploy `ztp/source-crs/ibu/PlatformBackupRestore.yaml` without the role, `PlatformBackupRestoreWithIBGU.yaml` with it). For the same reason the fix is a quick fix, never applied by `--fix`: it changes what is backed up.',
  ].join('\n\n'),
  appliesTo: ['Backup'],
  scope: 'workspace',
  check(resource, ctx) {
    const annotations = getMap(getMap(resource.root, 'metadata', resource.yaml.anchors), 'annotations', resource.yaml.anchors);
    const node = pairOf(annotations, 'lca.openshift.io/apply-label')?.value as Node | undefined;
    if (!isScalar(node) || typeof node.value !== 'string') return [];
    const value = node.value;
    const namespaces = stringItems(getSeq(specOf(resource), 'includedNamespaces', resource.yaml.anchors)).map((s) => s.value);
    const klusterlet = /klusterlet/.test(value) || namespaces.includes('open-cluster-management-agent');
    if (!klusterlet || value.split(',').some((item) => item.trim() === IBU_ROLE)) return [];
    // Only in the IBGU flow: an IBGU references the ConfigMap that carries this Backup.
    const ibgu = oadpSetsOf(ctx.workspace, resource).map((s) => s.owner).find((o) => o?.type === 'IBGU');
    if (!ibgu) return [];
    const separator = value.includes(', ') ? ', ' : ',';
    return [at(node, `${describe(resource)} backs up the ACM klusterlet but not ${IBU_ROLE}: ${describe(ibgu)} drives this upgrade, and after the pivot TALM cannot read the IBU without that ClusterRole, so the step times out.`, [
      { title: 'Add the ibu-role ClusterRole to apply-label (IBGU flow)', edits: [{ start: node.range![0], end: node.range![1], newText: JSON.stringify(value.replace(/\s*$/, '') + separator + IBU_ROLE) }], preferred: true },
    ])];
  },
});
