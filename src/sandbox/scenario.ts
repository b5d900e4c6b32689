/**
 * Sandbox scenarios: how many clusters, their labels, how long LCA takes on each, and what goes wrong
 * where. A scenario is a small YAML file (examples/sandbox/*.yaml); every field is optional.
 *
 *   kind: SandboxScenario
 *   description: Two canaries, one cluster that fails Prep
 *   clusters: 12                      # ManagedClusters sno-0001 … sno-0012
 *   durations: {prep: 20, upgrade: 40} # minutes of LCA time per stage (see DEFAULT_DURATIONS)
 *   groups:                           # labels and durations for some clusters
 *     - clusters: [sno-0001, sno-0002] # names, or patterns with * and ?
 *       labels: {canary: "true"}
 *       durations: {prep: 10}
 *   faults:
 *     - clusters: [sno-0003]
 *       fault: Prep                   # Prep | Upgrade | Rollback | Abort | Finalize |
 *       message: ...                  # BackupStorageLocationUnavailable | LogicalVolumesLost
 *   hubManifests:                     # put on the hub at start (what the IBGUs to try reference), paths
 *     - ../oadp/rendered/oadp-cm.yaml  # relative to the scenario file; see hub-manifests.ts
 *   fleet: acm                        # also seed what ACM keeps per cluster: add-on ManifestWorks and
 *                                     # ManagedClusterAddOns, replicated ZTP policies, ZTP's day-0 CGUs,
 *                                     # the ManagedClusters' full status (see acm-fleet.ts)
 */
import { parseDocument } from 'yaml';

export const FAULTS = ['Prep', 'Upgrade', 'Rollback', 'Abort', 'Finalize', 'BackupStorageLocationUnavailable', 'LogicalVolumesLost'] as const;
export type FaultKind = (typeof FAULTS)[number];

export const STAGE_DURATIONS = ['prep', 'upgrade', 'rollback', 'abort', 'finalize', 'cleanupRetry'] as const;
export type DurationKey = (typeof STAGE_DURATIONS)[number];
export type Durations = Record<DurationKey, number>;

/** Minutes of LCA time; roughly what a single-node cluster takes (Prep pulls images, Upgrade reboots twice). */
export const DEFAULT_DURATIONS: Durations = { prep: 20, upgrade: 40, rollback: 25, abort: 4, finalize: 4, cleanupRetry: 2 };

export interface Fault {
  kind: FaultKind;
  /** The failure text LCA reports; a realistic default per kind when absent. */
  message?: string;
  /** Abort/Finalize: how many manual-cleanup retries fail again before one succeeds (default 0). */
  retriesFailing?: number;
}

export interface ClusterPlan {
  name: string;
  labels: Record<string, string>;
  durations: Durations;
  faults: Fault[];
}

/** `acm`: the hub also holds what ACM keeps for every cluster (acm-fleet.ts). */
export const FLEETS = ['acm'] as const;
export type Fleet = (typeof FLEETS)[number];

export interface Scenario {
  description?: string;
  fleet?: Fleet;
  clusters: ClusterPlan[];
  /** Manifest files for the hub, as written in the scenario (relative to its file): read by hub-manifests.ts. */
  hubManifests?: string[];
}

export class ScenarioError extends Error {}

const MAX_CLUSTERS = 10_000;

export function clusterName(i: number): string {
  return `sno-${String(i).padStart(4, '0')}`;
}

/** The default scenario: N healthy clusters. */
export function defaultScenario(count = 3): Scenario {
  return resolve({ count, durations: {}, groups: [], faults: [] });
}

interface Group { clusters: string[]; labels?: Record<string, string>; durations?: Partial<Durations> }
interface FaultEntry extends Fault { clusters: string[] }
interface Raw { description?: string; fleet?: Fleet; count: number; durations: Partial<Durations>; groups: Group[]; faults: FaultEntry[]; hubManifests?: string[] }

function where(path: string): string {
  return path ? ` at ${path}` : '';
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function onlyKeys(v: Record<string, unknown>, allowed: readonly string[], path: string): void {
  for (const k of Object.keys(v)) if (!allowed.includes(k)) throw new ScenarioError(`unknown field "${k}"${where(path)}; expected one of: ${allowed.join(', ')}`);
}

function minutes(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 100_000) throw new ScenarioError(`${path} must be a number of minutes from 0 to 100000`);
  return v;
}

function durations(v: unknown, path: string): Partial<Durations> {
  if (v === undefined || v === null) return {};
  if (!isMap(v)) throw new ScenarioError(`${path} must be a mapping of stage to minutes`);
  onlyKeys(v, STAGE_DURATIONS, path);
  const out: Partial<Durations> = {};
  for (const [k, m] of Object.entries(v)) out[k as DurationKey] = minutes(m, `${path}.${k}`);
  return out;
}

function names(v: unknown, path: string): string[] {
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || !list.length || !list.every((x) => typeof x === 'string' && x)) throw new ScenarioError(`${path} must be a cluster name or pattern, or a list of them`);
  return list as string[];
}

function labels(v: unknown, path: string): Record<string, string> {
  if (!isMap(v)) throw new ScenarioError(`${path} must be a mapping of label keys to string values`);
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'string') throw new ScenarioError(`${path}.${k} must be a string (quote values such as "true" or "4.16")`);
    out[k] = x;
  }
  return out;
}

function parseRaw(value: unknown): Raw {
  if (!isMap(value)) throw new ScenarioError('a scenario is a YAML mapping (kind: SandboxScenario)');
  onlyKeys(value, ['kind', 'apiVersion', 'description', 'clusters', 'durations', 'groups', 'faults', 'hubManifests', 'fleet'], '');
  if (value.kind !== undefined && value.kind !== 'SandboxScenario') throw new ScenarioError(`kind must be SandboxScenario, not ${JSON.stringify(value.kind)}`);
  const count = value.clusters ?? 3;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > MAX_CLUSTERS) throw new ScenarioError(`clusters must be a whole number from 0 to ${MAX_CLUSTERS}`);
  const raw: Raw = { count, durations: durations(value.durations, 'durations'), groups: [], faults: [] };
  if (typeof value.description === 'string') raw.description = value.description;
  if (value.fleet !== undefined && value.fleet !== null) raw.fleet = parseFleet(value.fleet, 'fleet');
  if (value.hubManifests !== undefined && value.hubManifests !== null) {
    const files = value.hubManifests;
    if (!Array.isArray(files) || !files.every((f) => typeof f === 'string' && f.trim())) throw new ScenarioError('hubManifests must be a list of manifest file paths (relative to the scenario file)');
    raw.hubManifests = files as string[];
  }
  for (const [key, list] of [['groups', value.groups], ['faults', value.faults]] as const) {
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) throw new ScenarioError(`${key} must be a list`);
    list.forEach((entry, i) => {
      const path = `${key}[${i}]`;
      if (!isMap(entry)) throw new ScenarioError(`${path} must be a mapping`);
      if (key === 'groups') {
        onlyKeys(entry, ['clusters', 'labels', 'durations'], path);
        const g: Group = { clusters: names(entry.clusters, `${path}.clusters`) };
        if (entry.labels !== undefined) g.labels = labels(entry.labels, `${path}.labels`);
        if (entry.durations !== undefined) g.durations = durations(entry.durations, `${path}.durations`);
        raw.groups.push(g);
      } else {
        onlyKeys(entry, ['clusters', 'fault', 'message', 'retriesFailing'], path);
        if (!FAULTS.includes(entry.fault as FaultKind)) throw new ScenarioError(`${path}.fault must be one of: ${FAULTS.join(', ')}`);
        const f: FaultEntry = { clusters: names(entry.clusters, `${path}.clusters`), kind: entry.fault as FaultKind };
        if (entry.message !== undefined) {
          if (typeof entry.message !== 'string') throw new ScenarioError(`${path}.message must be a string`);
          f.message = entry.message;
        }
        if (entry.retriesFailing !== undefined) {
          if (f.kind !== 'Abort' && f.kind !== 'Finalize') throw new ScenarioError(`${path}.retriesFailing applies to Abort and Finalize faults only`);
          if (typeof entry.retriesFailing !== 'number' || !Number.isInteger(entry.retriesFailing) || entry.retriesFailing < 0) throw new ScenarioError(`${path}.retriesFailing must be a whole number`);
          f.retriesFailing = entry.retriesFailing;
        }
        raw.faults.push(f);
      }
    });
  }
  return raw;
}

/** A fleet kind from a scenario's `fleet` or the CLI's `--fleet` (`where` names which, for the message). */
export function parseFleet(value: unknown, where: string): Fleet {
  if (FLEETS.includes(value as Fleet)) return value as Fleet;
  throw new ScenarioError(`${where} must be ${FLEETS.map((f) => `"${f}"`).join(' or ')} (what ACM keeps per cluster: add-on ManifestWorks and ManagedClusterAddOns, replicated policies, ZTP's ClusterGroupUpgrades), or left out; not ${JSON.stringify(value)}`);
}

/** A name pattern with `*` and `?`, or an exact name. */
function matcher(pattern: string): (name: string) => boolean {
  if (!/[*?]/.test(pattern)) return (name) => name === pattern;
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return (name) => re.test(name);
}

function resolve(raw: Raw): Scenario {
  const all = Array.from({ length: raw.count }, (_, i) => clusterName(i + 1));
  const pick = (patterns: string[], path: string): Set<string> => {
    const out = new Set<string>();
    for (const p of patterns) {
      const m = matcher(p);
      const hit = all.filter(m);
      if (!hit.length) throw new ScenarioError(`${path}: "${p}" matches none of the ${raw.count} clusters (${all.length ? `${all[0]} … ${all[all.length - 1]}` : 'none'})`);
      for (const h of hit) out.add(h);
    }
    return out;
  };
  const base: Durations = { ...DEFAULT_DURATIONS, ...raw.durations };
  const plans = new Map(all.map((name) => [name, { name, labels: {}, durations: { ...base }, faults: [] } as ClusterPlan]));
  raw.groups.forEach((g, i) => {
    for (const name of pick(g.clusters, `groups[${i}].clusters`)) {
      const plan = plans.get(name)!;
      Object.assign(plan.labels, g.labels ?? {});
      Object.assign(plan.durations, g.durations ?? {});
    }
  });
  raw.faults.forEach((f, i) => {
    for (const name of pick(f.clusters, `faults[${i}].clusters`)) {
      const { clusters: _c, ...fault } = f;
      plans.get(name)!.faults.push(fault);
    }
  });
  const scenario: Scenario = { clusters: [...plans.values()] };
  if (raw.description) scenario.description = raw.description;
  if (raw.fleet) scenario.fleet = raw.fleet;
  if (raw.hubManifests?.length) scenario.hubManifests = raw.hubManifests;
  return scenario;
}

/** Reads a scenario file's text; `count` (from --clusters) overrides the file's cluster count. */
export function parseScenario(text: string, count?: number): Scenario {
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length) throw new ScenarioError(`not valid YAML: ${doc.errors[0]!.message}`);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new ScenarioError(`cannot read it: ${error instanceof Error ? error.message : String(error)}`);
  }
  const raw = parseRaw(value);
  if (count !== undefined) raw.count = count;
  return resolve(raw);
}

export function faultOf(plan: ClusterPlan | undefined, kind: FaultKind): Fault | undefined {
  return plan?.faults.find((f) => f.kind === kind);
}
