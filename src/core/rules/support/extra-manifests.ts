import type { Resource } from '../../yaml/parse';
import { configMapRole } from '../../lca/configmaps';
import type { RuleContext } from '../types';

export function inExtraManifests(resource: Resource, ctx: RuleContext): boolean {
  const host = resource.yaml.embedding?.configMap;
  return !!host && configMapRole(ctx.workspace, host) === 'extraManifests';
}

export const EMBEDDED_TYPES = ['Other', 'Backup', 'Restore', 'IBGU', 'IBU', 'ConfigMap', 'ManagedCluster'] as const;
