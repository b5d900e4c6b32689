import { isMap, type Node } from 'yaml';
import { getMap, getSeq, getString, items, pairOf } from '../yaml/ast';
import { ibuSpecOf } from '../lca/configmaps';
import { at, defineRule } from './helpers';
import type { Report } from './types';
import { namespaceProblem, objectNameProblem } from './support/names';

export const referenceNameRule = defineRule({
  id: 'ibgu/reference-name',
  severity: 'error',
  title: 'A referenced Secret or ConfigMap name that no object can have',
  evidence: 'Kubernetes object names are DNS-1123 subdomains (apimachinery `NameIsDNSSubdomain`); such a reference never resolves',
  docs: 'The CRDs accept any string in `seedImageRef.pullSecretRef.name`, `oadpContent` and `extraManifests`, but Kubernetes object names are lowercase DNS subdomains and namespaces DNS labels. A name like `<seed_pull_secret>` (a placeholder copied from an example) can never resolve: Prep fails on every cluster.',
  appliesTo: ['IBGU', 'IBU'],
  scope: 'document',
  check(resource) {
    const anchors = resource.yaml.anchors;
    const spec = ibuSpecOf(resource);
    const reports: Report[] = [];
    const pull = getMap(getMap(spec, 'seedImageRef', anchors), 'pullSecretRef', anchors);
    const secret = getString(pull, 'name', anchors);
    const secretProblem = secret !== undefined && secret !== '' ? objectNameProblem(secret) : undefined;
    if (secretProblem) {
      reports.push(at(pairOf(pull, 'name')!.value as Node, `"${secret}" cannot be a Secret name: ${secretProblem}. The seed image cannot be pulled, and Prep fails.`));
    }
    for (const field of ['oadpContent', 'extraManifests'] as const) {
      for (const item of items(getSeq(spec, field, anchors), anchors)) {
        if (!isMap(item)) continue;
        const name = getString(item, 'name', anchors);
        const namespace = getString(item, 'namespace', anchors);
        const nameProblem = name ? objectNameProblem(name) : undefined;
        const nsProblem = namespace ? namespaceProblem(namespace) : undefined;
        if (nameProblem) reports.push(at(pairOf(item, 'name')!.value as Node, `"${name}" cannot be a ConfigMap name: ${nameProblem}. LCA cannot find it, and Prep fails.`));
        if (nsProblem) reports.push(at(pairOf(item, 'namespace')!.value as Node, `"${namespace}" cannot be a namespace: ${nsProblem}. LCA cannot find the ConfigMap, and Prep fails.`));
      }
    }
    return reports;
  },
});
