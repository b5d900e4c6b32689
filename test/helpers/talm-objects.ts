/**
 * TALM's, the OCM work agent's and LCA's objects as plain values, shaped as upstream writes them (facts
 * §3.2–§3.6, §4.4), for the rollout read-back (test/core/talm/readback.test.ts) and the hub index
 * (test/hub/hub-index.test.ts). Expected values in those tests are written by hand.
 */
import { IBGU_TYPE, MANIFEST_WORK_TYPE } from '../../src/core/kube/types';
import { CGU_LABEL, CGU_NAMESPACE_LABEL, IBGU_OWNER_LABEL } from '../../src/core/talm/wire';
import type { KubeObject } from '../../src/core/kube/object';
import type { Rollout } from '../../src/core/talm/readback-model';

export const NS = 'default';
export const TIMEOUT_TEXT = 'Action did not successfully complete before the timeout specified in the rolloutStrategy';
export const CLEANUP_FAILED = "failed to delete the old stateroot rhcos_4.16.12: device or resource busy Perform cleanup manually then add 'lca.openshift.io/manual-cleanup-done' annotation to ibu CR to transition back to Idle";

export type Step = [string[], number, number];
/** A status, a manifest's status or a feedback snapshot: plain data of any shape. */
export type Data = Record<string, any>;

export function ibgu(name: string, plan: Step[], selector: Record<string, string> = { common: 'true' }, extra: Partial<KubeObject> = {}): KubeObject {
  return {
    apiVersion: IBGU_TYPE.apiVersion,
    kind: IBGU_TYPE.kind,
    metadata: { name, namespace: NS, uid: `uid-${name}`, creationTimestamp: '2025-01-01T00:00:00Z' },
    spec: { clusterLabelSelectors: [{ matchLabels: selector }], plan: plan.map(([actions, maxConcurrency, timeout]) => ({ actions, rolloutStrategy: { maxConcurrency, timeout } })) },
    ...extra,
  };
}

export function mc(name: string, labels: Record<string, string> = {}): KubeObject {
  return { kind: 'ManagedCluster', metadata: { name, uid: `mc-${name}`, labels: { common: 'true', ...labels } } };
}

export const cond = (type: string, status: string, reason: string, message: string) => ({ type, status, reason, message });
export const succeeded = cond('Succeeded', 'True', 'Completed', 'All manifestworks rolled out successfully on all clusters');
export const timedOut = cond('Succeeded', 'False', 'TimedOut', 'Manifestwork rollout took too long');

/** A CGU as TALM names and labels it (`<ibgu>-<actions>-<index>`, `ibgu: <ibgu>`), with the given status. */
export function cgu(ibguName: string, index: number, actions: string[], status: Data): KubeObject {
  const name = `${ibguName}-${actions.map((a) => a.toLowerCase()).join('-')}-${index}`;
  const templates = actions.map((a) => `${ibguName}-${a.toLowerCase()}`);
  return {
    kind: 'ClusterGroupUpgrade',
    metadata: { name, namespace: NS, uid: `cgu-${name}`, labels: { [IBGU_OWNER_LABEL]: ibguName } },
    spec: { manifestWorkTemplates: templates },
    status: { safeResourceNames: Object.fromEntries(templates.map((t) => [`/${NS}.${t}`, `${NS}.${t}-kuttl`])), ...status },
  };
}

export const feedback = (values: Record<string, string>) => ({ values: Object.entries(values).map(([name, string]) => ({ name, fieldValue: { type: 'String', string } })) });

/** The IBU manifest's status in a ManifestWork (or a CGU's currentManifestWork snapshot). */
export function ibuManifest(values: Record<string, string>, applied: { status: string; message?: string } = { status: 'True' }): Data {
  return {
    resourceMeta: { ordinal: 1, group: 'lca.openshift.io', kind: 'ImageBasedUpgrade', name: 'upgrade' },
    conditions: [{ type: 'Applied', status: applied.status, reason: applied.status === 'True' ? 'AppliedManifestComplete' : 'AppliedManifestFailed', message: applied.message ?? 'Apply manifest complete' }],
    statusFeedback: feedback(values),
  };
}

/** A ManifestWork TALM created for a CGU on a cluster (namespace = cluster, name from safeResourceNames). */
export function mw(cluster: string, cguName: string, template: string, manifests: Data[], cguNamespace = NS): KubeObject {
  return {
    kind: MANIFEST_WORK_TYPE.kind,
    metadata: {
      name: `${NS}.${template}-kuttl`, namespace: cluster, uid: `mw-${cluster}-${template}`,
      labels: { [CGU_LABEL]: cguName, [CGU_NAMESPACE_LABEL]: cguNamespace },
    },
    status: { resourceStatus: { manifests } },
  };
}

export const phases = (r: Rollout, step: number) => Object.fromEntries(r.steps[step]!.clusters.map((c) => [c.name, c.phase]));
export const cluster = (r: Rollout, step: number, name: string) => r.steps[step]!.clusters.find((c) => c.name === name);

