import { configMapRole, oadpSetFor, oadpSetsOf, configMapRefs, ibuSpecOf, type OadpSet } from '../lca/configmaps';
import { atKey, defineRule } from './helpers';
import { plural, readByLca, readable, scopeOf } from './support/oadp';

const PAIRING_MESSAGE = 'Both backup and restore CRs should be specified in OADP configmaps and each backup CR should be paired with a corresponding restore CR.';

function pairingProblem(set: OadpSet): string | undefined {
  const b = set.backups.filter(readByLca).length;
  const r = set.restores.filter(readByLca).length;
  if (b === r && b > 0) return undefined;
  const scope = scopeOf(set);
  const verb = set.configMaps.length === 1 && !set.owner ? 'holds' : 'hold';
  return `${PAIRING_MESSAGE} ${scope[0].toUpperCase()}${scope.slice(1)} ${verb} ${plural(b, 'Backup')} and ${plural(r, 'Restore')}: Prep fails.`;
}

export const oadpPairingRule = defineRule({
  id: 'ibgu/oadp-pairing',
  severity: 'error',
  title: 'OADP ConfigMaps without a Restore for each Backup',
  evidence: 'LCA `ValidateOadpConfigmaps`: Backups and Restores must both be present, in equal numbers, or Prep fails',
  docs: 'LCA requires at least one Backup and one Restore in the OADP ConfigMaps of an upgrade, and as many Restores as Backups; otherwise Prep fails. The check counts all ConfigMaps listed in one `oadpContent` together, and only `velero.io/v1` objects, the only ones LCA reads.',
  appliesTo: ['IBGU', 'IBU', 'ConfigMap'],
  scope: 'workspace',
  check(resource, ctx) {
    if (resource.type === 'ConfigMap') {
      if (configMapRole(ctx.workspace, resource) !== 'oadp') return [];
      // Sets defined by an IBGU/IBU are reported there; an unreferenced set once, on its first ConfigMap.
      const [set] = oadpSetsOf(ctx.workspace, resource);
      if (!set || set.owner || set.configMaps[0] !== resource || !readable(set)) return [];
      const problem = pairingProblem(set);
      return problem ? [atKey(resource.root, 'data', resource.root, problem)] : [];
    }
    if (configMapRefs(resource, 'oadpContent').length === 0) return [];
    const set = oadpSetFor(ctx.workspace, resource);
    if (set.missing.length || set.configMaps.length === 0 || !readable(set)) return [];
    const problem = pairingProblem(set);
    return problem ? [atKey(ibuSpecOf(resource), 'oadpContent', resource.root, problem)] : [];
  },
});
