import { getMap, pairOf } from '../yaml/ast';
import { SINGLETON_MESSAGE } from '../lca/ibu';
import { at, atResource, defineRule, sameQuoting } from './helpers';

export const ibuSingletonRule = defineRule({
  id: 'ibgu/ibu-singleton',
  severity: 'error',
  title: "The ImageBasedUpgrade must be named 'upgrade'",
  evidence: 'LCA CRD CEL `self.metadata.name == \'upgrade\'` (`ibu is a singleton, metadata.name must be \'upgrade\'`)',
  docs: 'LCA manages exactly one ImageBasedUpgrade per cluster, named `upgrade`; the CRD rejects any other name.',
  appliesTo: ['IBU'],
  scope: 'document',
  check(resource) {
    if (resource.name === 'upgrade') return [];
    const metadata = getMap(resource.root, 'metadata', resource.yaml.anchors);
    const node = pairOf(metadata, 'name')?.value as { range?: [number, number, number]; type?: string } | undefined;
    if (!node?.range) return [atResource(resource, `${SINGLETON_MESSAGE}.`)];
    return [at(node, `${SINGLETON_MESSAGE}.`, [
      { title: "Rename to 'upgrade'", edits: [{ start: node.range[0], end: node.range[1], newText: sameQuoting(node, 'upgrade') }], preferred: true, autofix: true },
    ])];
  },
});
