/**
 * What the editor-side hub features need from the core, loaded with the hub bundle (never at activation):
 * the IBGUs of a YAML file with their ranges, how many clusters each plan step would select on a hub, the
 * findings that block an apply, and the text shown in the apply diff.
 */
import { isMap, isSeq, stringify, type Node } from 'yaml';
import { lintFile } from '../core/lint/lint';
import { Workspace } from '../core/yaml/workspace';
import { parseFile } from '../core/yaml/parse';
import { selectForStep, SelectorError, type LabelSelector } from '../core/talm/select';
import { clusterFromManagedCluster } from '../core/talm/preview';
import type { Finding, HubFacts } from '../core/rules/types';
import type { HubConnection } from './connection';
import { readHubFacts } from './lint-facts';
import type { KubeObject } from './types';

/** One IBGU document of a file: where it is, and its plan steps with the offset of each. */
export interface IbguInText {
  /** Index of the document in the file (0-based). */
  document: number;
  name?: string;
  namespace?: string;
  /** Offset of the document's first key (where the lens goes). */
  offset: number;
  steps: { offset: number; actions: string[] }[];
  object: KubeObject;
}

function offsetOf(node: Node | null | undefined): number | undefined {
  return node?.range?.[0];
}

/** The ImageBasedGroupUpgrades of a file (not those embedded in ConfigMaps: those are not applied by hand). */
export function ibgusInText(text: string): IbguInText[] {
  const file = parseFile('editor.yaml', text);
  const out: IbguInText[] = [];
  for (const resource of file.resources) {
    if (resource.type !== 'IBGU' || resource.yaml.embedding) continue;
    const steps: IbguInText['steps'] = [];
    const spec = resource.root.get('spec', true);
    const plan = isMap(spec) ? spec.get('plan', true) : undefined;
    if (isSeq(plan)) {
      for (const item of plan.items) {
        const actions = isMap(item) ? item.get('actions', true) : undefined;
        const names = isSeq(actions) ? actions.items.map((a) => String((a as { value?: unknown }).value ?? '')) : [];
        const at = offsetOf(item as Node);
        if (at !== undefined) steps.push({ offset: at, actions: names });
      }
    }
    const object = resource.root.toJSON() as KubeObject;
    out.push({
      document: resource.yaml.index,
      ...(resource.name !== undefined ? { name: resource.name } : {}),
      ...(resource.namespace !== undefined ? { namespace: resource.namespace } : {}),
      offset: offsetOf(resource.root) ?? resource.yaml.start,
      steps,
      object,
    });
  }
  return out;
}

/**
 * How many clusters each step would select now, by the core's selection model (first action of the step,
 * the IBGU's selectors, the clusters' current labels): a number, or why it cannot be said.
 */
export function matchCounts(ibgu: KubeObject, managedClusters: readonly KubeObject[]): ({ count: number; names: string[] } | { error: string })[] {
  const selectors = (ibgu.spec?.clusterLabelSelectors ?? []) as LabelSelector[];
  const plan = (ibgu.spec?.plan ?? []) as { actions?: string[] }[];
  const clusters = managedClusters.map(clusterFromManagedCluster);
  return plan.map((step) => {
    try {
      const names = selectForStep(clusters, selectors, step.actions?.[0] ?? '');
      return { count: names.length, names };
    } catch (error) {
      return { error: error instanceof SelectorError ? error.message : String(error) };
    }
  });
}

/**
 * The errors that block applying document `index` of the file: the core's rules, with the hub's current
 * object as the previous version (so append-only plans and immutable fields are checked against the hub).
 */
export function blockingFindings(path: string, text: string, index: number, live?: KubeObject, hub?: HubFacts): Finding[] {
  const file = parseFile(path, text);
  const previous = live ? new Workspace([parseFile('hub.yaml', stringify(live))]) : undefined;
  const findings = lintFile(file, new Workspace([file]), { ...(previous ? { previous } : {}), ...(hub ? { hub } : {}) });
  const document = file.documents[index];
  if (!document) return [];
  const start = file.lines.positionAt(document.start);
  const end = file.lines.positionAt(document.end);
  const inside = (line: number) => line >= start.line && line <= end.line;
  return findings.filter((f) => f.severity === 'error' && inside(f.range.start.line));
}

/**
 * blockingFindings against the hub as it is now: besides the live object as the previous version, whether the
 * OADP ConfigMaps and the seed pull secret the IBGU references exist on the hub (TALM skips a missing one at Prep
 * and LCA fails: ibgu/hub-configmap-missing, ibgu/hub-secret-missing), read through the same code as
 * `ibgu lint --hub`.
 */
export async function blockingFindingsOnHub(connection: HubConnection, context: { name: string; namespace?: string }, path: string, text: string, index: number, live?: KubeObject): Promise<{ findings: Finding[]; missingConfigMaps: { namespace: string; name: string }[] }> {
  const read = await readHubFacts(connection, new Workspace([parseFile(path, text)]), context);
  const missingConfigMaps = [...read.facts.configMaps].filter(([, exists]) => !exists).map(([key]) => ({ namespace: key.slice(0, key.indexOf('/')), name: key.slice(key.indexOf('/') + 1) }));
  return { findings: blockingFindings(path, text, index, live, read.facts), missingConfigMaps };
}

/** The top-level ConfigMaps a YAML text defines, as objects (for applying one from the workspace). */
export function configMapsInText(text: string): KubeObject[] {
  return parseFile('editor.yaml', text).resources.filter((r) => r.type === 'ConfigMap' && !r.yaml.embedding && !r.yaml.problems.some((p) => p.severity === 'error')).map((r) => r.root.toJSON() as KubeObject);
}

/** Fields the server owns: left out of the apply diff so it shows only what the user's change does. */
const SERVER_FIELDS = ['resourceVersion', 'uid', 'generation', 'creationTimestamp', 'managedFields', 'selfLink'];

/** An object as YAML for the apply diff: server-owned metadata and status removed, keys in a stable order. */
export function diffText(object: KubeObject | undefined): string {
  if (!object) return '';
  const copy = structuredClone(object) as KubeObject;
  for (const field of SERVER_FIELDS) delete copy.metadata[field];
  delete copy.status;
  return stringify(copy, { sortMapEntries: false, lineWidth: 0 });
}

/** An object as YAML, as it is (for the live view of an object). */
export function yamlText(object: KubeObject): string {
  return stringify(object, { lineWidth: 0 });
}
