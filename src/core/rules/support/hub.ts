import { planOf } from './plan';
import { getMap, getString } from '../../yaml/ast';
import { configMapRefs, ibuSpecOf } from '../../lca/configmaps';
import type { Resource } from '../../yaml/parse';
import type { HubFacts } from '../types';

/** `namespace/name`, the key of HubFacts' maps. */
export const hubKey = (namespace: string, name: string) => `${namespace}/${name}`;

/** The virtual path of a hub object among the files of a lint (its live version, or a ConfigMap read from the hub). */
export const hubPath = (context: string, namespace: string, plural: string, name: string) => `hub:${context}/${namespace}/${plural}/${name}`;

/** The namespace an IBGU lands in on the hub: its own, else the context's (or `default`), as kubectl applies it. */
export function hubNamespace(resource: Resource, hub: HubFacts): string {
  return resource.namespace ?? hub.namespace;
}

/** Whether a plan has a Prep step: TALM copies the OADP ConfigMaps and the pull secret at Prep only. */
export function plansPrep(resource: Resource): boolean {
  return (planOf(resource)?.steps ?? []).some((s) => s.actions.some((a) => a.value === 'Prep'));
}

/** What `ibgu lint --hub` must read from the hub for the IBGUs of a workspace. */
export interface HubLookups {
  /** The IBGUs to read back live (their previous version), by namespace and name. */
  ibgus: { namespace: string; name: string }[];
  /** The `oadpContent` ConfigMaps referenced (`namespace/name` keys via hubKey), as namespace and name. */
  configMaps: { namespace: string; name: string }[];
  /** The seed pull secrets, in each IBGU's namespace. */
  secrets: { namespace: string; name: string }[];
}

/**
 * The objects the hub rules and the live previous versions need, each once, for the IBGUs among `resources`
 * (a workspace's, or an editor's open documents), in `defaultNamespace` unless they name one.
 */
export function hubLookups(resources: Iterable<Resource>, defaultNamespace: string): HubLookups {
  const seen = new Set<string>();
  const once = <T extends { namespace: string; name: string }>(kind: string, list: T[], item: T) => {
    const key = `${kind}:${hubKey(item.namespace, item.name)}`;
    if (!seen.has(key)) (seen.add(key), list.push(item));
  };
  const out: HubLookups = { ibgus: [], configMaps: [], secrets: [] };
  for (const r of resources) {
    if (r.type !== 'IBGU') continue;
    // Only top-level IBGUs: one embedded in a ConfigMap is not applied to the hub as it stands.
    if (r.yaml.embedding || !r.name) continue;
    const namespace = r.namespace ?? defaultNamespace;
    once('ibgu', out.ibgus, { namespace, name: r.name });
    for (const ref of configMapRefs(r, 'oadpContent')) if (ref.name && ref.namespace) once('cm', out.configMaps, { namespace: ref.namespace, name: ref.name });
    const anchors = r.yaml.anchors;
    const secret = getString(getMap(getMap(ibuSpecOf(r), 'seedImageRef', anchors), 'pullSecretRef', anchors), 'name', anchors);
    if (secret) once('secret', out.secrets, { namespace, name: secret });
  }
  return out;
}
