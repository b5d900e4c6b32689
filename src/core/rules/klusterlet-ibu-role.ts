import { isScalar, type Node } from 'yaml';
import { getMap, getSeq, pairOf, stringItems } from '../yaml/ast';
import { at, defineRule, describe, specOf } from './helpers';

const IBU_ROLE = 'rbac.authorization.k8s.io/v1/clusterroles/open-cluster-management:klusterlet-work:ibu-role';

export const klusterletIbuRoleRule = defineRule({
  id: 'ibgu/klusterlet-ibu-role',
  severity: 'warning',
  title: 'The ACM klusterlet Backup leaves out the ClusterRole TALM needs after the pivot',
  evidence: 'TALM `docs/ibgu/README.md`: with an IBGU the klusterlet Backup must list the `klusterlet-work:ibu-role` ClusterRole',
  docs: 'When an IBGU drives the upgrade, TALM reads the IBU through a ManifestWork, which relies on the ClusterRole `open-cluster-management:klusterlet-work:ibu-role` on the cluster. The platform Backup that carries the klusterlet (with `lca.openshift.io/apply-label`) must list that ClusterRole too; otherwise after the pivot TALM cannot see the IBU and the step times out.',
  appliesTo: ['Backup'],
  scope: 'document',
  check(resource) {
    const annotations = getMap(getMap(resource.root, 'metadata', resource.yaml.anchors), 'annotations', resource.yaml.anchors);
    const node = pairOf(annotations, 'lca.openshift.io/apply-label')?.value as Node | undefined;
    if (!isScalar(node) || typeof node.value !== 'string') return [];
    const value = node.value;
    const namespaces = stringItems(getSeq(specOf(resource), 'includedNamespaces', resource.yaml.anchors)).map((s) => s.value);
    const klusterlet = /klusterlet/.test(value) || namespaces.includes('open-cluster-management-agent');
    if (!klusterlet || value.split(',').some((item) => item.trim() === IBU_ROLE)) return [];
    const separator = value.includes(', ') ? ', ' : ',';
    return [at(node, `${describe(resource)} backs up the ACM klusterlet but not ${IBU_ROLE}: with an IBGU, TALM cannot read the IBU after the pivot and the step times out.`, [
      { title: 'Add the ibu-role ClusterRole to apply-label', edits: [{ start: node.range![0], end: node.range![1], newText: JSON.stringify(value.replace(/\s*$/, '') + separator + IBU_ROLE) }], preferred: true, autofix: true },
    ])];
  },
});
