import { isScalar } from 'yaml';
import { nodeEnd, nodeStart } from '../yaml/ast';
import { configMapRole } from '../lca/configmaps';
import { at, defineRule, sameQuoting } from './helpers';
import type { RawFix } from './types';
import { annotation } from './support/oadp';

/** Go's strconv.Atoi: optional sign, decimal digits, within 64 bits. */
function isAtoi(value: string): boolean {
  if (!/^[+-]?\d+$/.test(value)) return false;
  const n = BigInt(value);
  return n <= 9223372036854775807n && n >= -9223372036854775808n;
}

export const applyWaveRule = defineRule({
  id: 'ibgu/apply-wave',
  severity: 'error',
  title: 'lca.openshift.io/apply-wave is not an integer',
  evidence: 'LCA parses `lca.openshift.io/apply-wave` with `strconv.Atoi` (`internal/backuprestore`, `internal/extramanifest`)',
  docs: 'LCA orders Backups, Restores and extra manifests by `lca.openshift.io/apply-wave`, parsed as an integer (empty means last). In an OADP ConfigMap a non-integer wave passes Prep and then leaves Upgrade retrying forever before the pivot; in extra manifests it fails Prep.',
  appliesTo: ['Backup', 'Restore', 'Other', 'ConfigMap', 'IBGU', 'IBU', 'ManagedCluster'],
  scope: 'workspace',
  check(resource, ctx) {
    const host = resource.yaml.embedding?.configMap;
    const inExtra = !!host && configMapRole(ctx.workspace, host) === 'extraManifests';
    if (resource.type !== 'Backup' && resource.type !== 'Restore' && !inExtra) return [];
    const { value, node } = annotation(resource, 'lca.openshift.io/apply-wave');
    if (inExtra && isScalar(node) && node.source && (typeof node.value === 'number' || typeof node.value === 'boolean')) {
      // Backups, Restores, IBGUs and IBUs get this from ibgu/schema; other extra manifests have no schema here.
      return [at(node, `lca.openshift.io/apply-wave ${node.source} is not a string. Annotation values must be strings: LCA reads no annotation of this object, so the wave is lost, and the API server refuses the object when LCA applies it.`, [
        { title: `Quote ${node.source}`, edits: [{ start: nodeStart(node), end: nodeEnd(node), newText: JSON.stringify(node.source) }], preferred: true, autofix: true },
      ])];
    }
    if (value === undefined || value === '' || !isScalar(node) || typeof node.value !== 'string' || isAtoi(value)) return [];
    const range = /^[+-]?\d+$/.test(value);
    const consequence = inExtra
      ? `Prep fails: failed to sort and group manifests: error convert: strconv.Atoi: parsing ${JSON.stringify(value)}: ${range ? 'value out of range' : 'invalid syntax'}.`
      : resource.type === 'Backup'
        ? 'Prep accepts it, but Upgrade then stays at "Backing up Application Data" and retries forever.'
        : 'Prep accepts it, but Upgrade then cannot export the Restores before the pivot and retries forever.';
    const digits = /^\s*([+-]?\d+)\s*$/.exec(value)?.[1];
    const fixes: RawFix[] = digits && isAtoi(digits)
      ? [{ title: `Use ${digits}`, edits: [{ start: nodeStart(node), end: nodeEnd(node), newText: node.type === 'PLAIN' ? JSON.stringify(digits) : sameQuoting(node, digits) }], preferred: true, autofix: true }]
      : [];
    const what = range ? 'is out of the range of a 64-bit integer' : 'is not an integer';
    return [at(node, `lca.openshift.io/apply-wave ${JSON.stringify(value)} ${what}. ${consequence}`, fixes)];
  },
});
