/**
 * The resource types the sandbox hub serves, as data. Discovery, OpenAPI, routing, Table output and
 * validation all read this one list, so adding a type is one entry here.
 * Identities (group, version, scope, short names, printer columns) follow the upstream CRDs.
 */
import { ibguCelViolations, withIbguDefaults, type CelViolation } from '../core/talm/cel';
import type { KubeObject } from './store';

export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description?: string;
  /** kubectl hides columns with priority > 0 unless -o wide. */
  priority?: number;
}

export interface ResourceType {
  group: string; // '' for the core group
  version: string;
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  namespaced: boolean;
  /** A status subresource: main-resource writes ignore .status, /status writes ignore the rest, generation tracks spec. */
  statusSubresource: boolean;
  /** Built-ins accept strategic merge patch and PUT without resourceVersion; custom resources do not. */
  builtin: boolean;
  printerColumns: PrinterColumn[];
  categories?: string[];
  /** What the real API server does on create and update beyond the schema: CRD defaults and CEL rules. */
  admission?: Admission;
}

export interface Admission {
  defaults(object: KubeObject): KubeObject;
  /** `old` is the stored object on update. */
  violations(next: KubeObject, old?: KubeObject): CelViolation[];
}

/** The IBGU CRD's default and CEL rules, from the core (the same code that lints IBGU files). */
const ibguAdmission: Admission = { defaults: withIbguDefaults, violations: ibguCelViolations };

const age: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };
const lastReason: PrinterColumn = { name: 'State', type: 'string', jsonPath: '.status.conditions[-1:].reason' };
const lastMessage: PrinterColumn = { name: 'Details', type: 'string', jsonPath: '.status.conditions[-1:].message' };

function core(kind: string, plural: string, extra: Partial<ResourceType> = {}): ResourceType {
  return { group: '', version: 'v1', kind, plural, singular: kind.toLowerCase(), shortNames: [], namespaced: true, statusSubresource: false, builtin: true, printerColumns: [age], ...extra };
}

export const RESOURCE_TYPES: readonly ResourceType[] = [
  core('Namespace', 'namespaces', { shortNames: ['ns'], namespaced: false, statusSubresource: true, printerColumns: [{ name: 'Status', type: 'string', jsonPath: '.status.phase' }, age] }),
  core('ConfigMap', 'configmaps', { shortNames: ['cm'], printerColumns: [{ name: 'Data', type: 'integer', jsonPath: '.data' }, age] }),
  core('Secret', 'secrets', { printerColumns: [{ name: 'Type', type: 'string', jsonPath: '.type' }, { name: 'Data', type: 'integer', jsonPath: '.data' }, age] }),
  core('Event', 'events', { shortNames: ['ev'], printerColumns: [{ name: 'Last Seen', type: 'date', jsonPath: '.lastTimestamp' }, { name: 'Type', type: 'string', jsonPath: '.type' }, { name: 'Reason', type: 'string', jsonPath: '.reason' }, { name: 'Message', type: 'string', jsonPath: '.message' }] }),
  {
    group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', singular: 'deployment', shortNames: ['deploy'], namespaced: true, statusSubresource: true, builtin: true,
    printerColumns: [{ name: 'Ready', type: 'integer', jsonPath: '.status.readyReplicas' }, { name: 'Available', type: 'integer', jsonPath: '.status.availableReplicas' }, age],
  },
  {
    group: 'cluster.open-cluster-management.io', version: 'v1', kind: 'ManagedCluster', plural: 'managedclusters', singular: 'managedcluster', shortNames: ['mcl', 'mcls'], namespaced: false, statusSubresource: true, builtin: false,
    printerColumns: [
      { name: 'Hub Accepted', type: 'boolean', jsonPath: '.spec.hubAcceptsClient' },
      { name: 'Managed Cluster URLs', type: 'string', jsonPath: '.spec.managedClusterClientConfigs[*].url' },
      { name: 'Joined', type: 'string', jsonPath: '.status.conditions[?(@.type=="ManagedClusterJoined")].status' },
      { name: 'Available', type: 'string', jsonPath: '.status.conditions[?(@.type=="ManagedClusterConditionAvailable")].status' },
      age,
    ],
  },
  {
    group: 'lcm.openshift.io', version: 'v1alpha1', kind: 'ImageBasedGroupUpgrade', plural: 'imagebasedgroupupgrades', singular: 'imagebasedgroupupgrade', shortNames: ['ibgu'], namespaced: true, statusSubresource: true, builtin: false,
    printerColumns: [age], admission: ibguAdmission,
  },
  {
    group: 'ran.openshift.io', version: 'v1alpha1', kind: 'ClusterGroupUpgrade', plural: 'clustergroupupgrades', singular: 'clustergroupupgrade', shortNames: ['cgu'], namespaced: true, statusSubresource: true, builtin: false,
    printerColumns: [age, lastReason, lastMessage],
  },
  {
    group: 'work.open-cluster-management.io', version: 'v1', kind: 'ManifestWork', plural: 'manifestworks', singular: 'manifestwork', shortNames: ['mw'], namespaced: true, statusSubresource: true, builtin: false,
    printerColumns: [age],
  },
  {
    group: 'lca.openshift.io', version: 'v1', kind: 'ImageBasedUpgrade', plural: 'imagebasedupgrades', singular: 'imagebasedupgrade', shortNames: ['ibu'], namespaced: false, statusSubresource: true, builtin: false,
    printerColumns: [age, { name: 'Desired Stage', type: 'string', jsonPath: '.spec.stage' }, lastReason, lastMessage],
  },
  ...['Backup', 'Restore', 'BackupStorageLocation'].map((kind): ResourceType => ({
    group: 'velero.io', version: 'v1', kind, plural: kind.toLowerCase() + 's', singular: kind.toLowerCase(), shortNames: kind === 'BackupStorageLocation' ? ['bsl'] : [], namespaced: true,
    // Velero's CRDs declare no status subresource: status is written with the main resource.
    statusSubresource: false, builtin: false,
    printerColumns: kind === 'BackupStorageLocation' ? [{ name: 'Phase', type: 'string', jsonPath: '.status.phase' }, age] : [age],
    categories: ['velero'],
  })),
  {
    group: 'topolvm.io', version: 'v1', kind: 'LogicalVolume', plural: 'logicalvolumes', singular: 'logicalvolume', shortNames: [], namespaced: false, statusSubresource: true, builtin: false,
    printerColumns: [age],
  },
];

export function apiVersionOf(t: ResourceType): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

/** The URL prefix of a group version: /api/v1 or /apis/<group>/<version>. */
export function groupVersionPath(t: Pick<ResourceType, 'group' | 'version'>): string {
  return t.group ? `/apis/${t.group}/${t.version}` : `/api/${t.version}`;
}

export function findByPlural(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => t.group === group && t.version === version && t.plural === plural);
}

export function findByKind(apiVersion: string, kind: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => apiVersionOf(t) === apiVersion && t.kind === kind);
}

/** Group versions in a stable order: core first, then by group name. */
export function groupVersions(): { group: string; version: string; types: ResourceType[] }[] {
  const map = new Map<string, { group: string; version: string; types: ResourceType[] }>();
  for (const t of RESOURCE_TYPES) {
    const key = `${t.group}/${t.version}`;
    if (!map.has(key)) map.set(key, { group: t.group, version: t.version, types: [] });
    map.get(key)!.types.push(t);
  }
  return [...map.values()].sort((a, b) => (a.group === b.group ? 0 : a.group === '' ? -1 : b.group === '' ? 1 : a.group < b.group ? -1 : 1));
}
