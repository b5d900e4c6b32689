/**
 * The resource types the sandbox hub serves, as data. Discovery, OpenAPI, routing, Table output and
 * validation all read this one list, so adding a type is one entry here.
 * Identities (group, version, scope, short names, printer columns) follow the upstream CRDs.
 */
import { celEqual, ibguCelViolations, withIbguDefaults, type CelViolation } from '../core/talm/cel';
import { ibuUpdateViolations, SINGLETON_MESSAGE } from '../core/lca/ibu';
import type { KubeObject } from './kube-object';
import type { ObjectSchema } from '../core/schema/types';
import { ibguSchema } from '../core/schema/talm';
import { ibuSchema } from '../core/schema/lca';
import { cguSchema } from '../core/schema/cgu';
import { managedClusterSchema, manifestWorkReplicaSetSchema, manifestWorkSchema } from '../core/schema/ocm';
import { managedClusterAddOnSchema, policySchema } from '../core/schema/acm';
import { backupSchema, backupStorageLocationSchema, restoreSchema } from '../core/schema/velero';
import { logicalVolumeSchema } from '../core/schema/lvms';
import { clusterRoleSchema, configMapSchema, deploymentSchema, eventSchema, namespaceSchema, persistentVolumeClaimSchema, persistentVolumeSchema, secretSchema } from '../core/schema/builtin';
import { CGU_TYPE, CLUSTER_ROLE_TYPE, IBGU_TYPE, IBU_TYPE, LOGICAL_VOLUME_TYPE, MANAGED_CLUSTER_TYPE, MANIFEST_WORK_REPLICA_SET_TYPE, MANIFEST_WORK_TYPE } from '../core/kube/types';

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
  /** RBAC objects take any path-segment name (`system:…`, `open-cluster-management:…`), not only DNS subdomains. */
  pathSegmentNames?: boolean;
  /** What the real API server does on create and update beyond the schema: CRD defaults and CEL rules. */
  admission?: Admission;
  /**
   * The type's schema, from the core: the sandbox decodes (prunes, defaults), validates and publishes
   * (OpenAPI, `kubectl explain`) every object by it.
   */
  schema: ObjectSchema;
}

export interface Admission {
  defaults(object: KubeObject): KubeObject;
  /** `old` is the stored object on update. */
  violations(next: KubeObject, old?: KubeObject): CelViolation[];
}

/** The IBGU CRD's default and CEL rules, from the core (the same code that lints IBGU files). */
const ibguAdmission: Admission = { defaults: withIbguDefaults, violations: ibguCelViolations };

/** The IBU CRD's object-level CEL rules (singleton name; fields and stage guarded while in progress), from the core. */
const ibuAdmission: Admission = {
  defaults: (object) => object,
  violations(next, old) {
    const out: CelViolation[] = [];
    if (next.metadata?.name !== 'upgrade') out.push({ field: '', type: 'object', message: SINGLETON_MESSAGE });
    if (old) for (const v of ibuUpdateViolations(old, next, celEqual)) out.push({ field: '', type: 'object', message: v.message });
    return out;
  },
};

const age: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };
const lastReason: PrinterColumn = { name: 'State', type: 'string', jsonPath: '.status.conditions[-1:].reason' };
const lastMessage: PrinterColumn = { name: 'Details', type: 'string', jsonPath: '.status.conditions[-1:].message' };

function core(kind: string, plural: string, schema: ObjectSchema, extra: Partial<ResourceType> = {}): ResourceType {
  return { group: '', version: 'v1', kind, plural, singular: kind.toLowerCase(), shortNames: [], namespaced: true, statusSubresource: false, builtin: true, printerColumns: [age], schema, ...extra };
}

const namespace = core('Namespace', 'namespaces', namespaceSchema, { shortNames: ['ns'], namespaced: false, statusSubresource: true, printerColumns: [{ name: 'Status', type: 'string', jsonPath: '.status.phase' }, age] });
const configMap = core('ConfigMap', 'configmaps', configMapSchema, { shortNames: ['cm'], printerColumns: [{ name: 'Data', type: 'integer', jsonPath: '.data' }, age] });
const secret = core('Secret', 'secrets', secretSchema, { printerColumns: [{ name: 'Type', type: 'string', jsonPath: '.type' }, { name: 'Data', type: 'integer', jsonPath: '.data' }, age] });
const persistentVolume = core('PersistentVolume', 'persistentvolumes', persistentVolumeSchema, {
  shortNames: ['pv'], namespaced: false, statusSubresource: true,
  printerColumns: [
    { name: 'Capacity', type: 'string', jsonPath: '.spec.capacity.storage' },
    { name: 'Reclaim Policy', type: 'string', jsonPath: '.spec.persistentVolumeReclaimPolicy' },
    { name: 'Status', type: 'string', jsonPath: '.status.phase' },
    { name: 'Claim', type: 'string', jsonPath: '.spec.claimRef.name' },
    { name: 'StorageClass', type: 'string', jsonPath: '.spec.storageClassName' },
    age,
  ],
});
const persistentVolumeClaim = core('PersistentVolumeClaim', 'persistentvolumeclaims', persistentVolumeClaimSchema, {
  shortNames: ['pvc'], statusSubresource: true,
  printerColumns: [
    { name: 'Status', type: 'string', jsonPath: '.status.phase' },
    { name: 'Volume', type: 'string', jsonPath: '.spec.volumeName' },
    { name: 'Capacity', type: 'string', jsonPath: '.status.capacity.storage' },
    { name: 'StorageClass', type: 'string', jsonPath: '.spec.storageClassName' },
    age,
  ],
});
const event = core('Event', 'events', eventSchema, { shortNames: ['ev'], printerColumns: [{ name: 'Last Seen', type: 'date', jsonPath: '.lastTimestamp' }, { name: 'Type', type: 'string', jsonPath: '.type' }, { name: 'Reason', type: 'string', jsonPath: '.reason' }, { name: 'Message', type: 'string', jsonPath: '.message' }] });

/** What the ACM hub serves: the core types, ManagedClusters, TALM's IBGU and CGU, and OCM's work API. */
export const HUB_TYPES: readonly ResourceType[] = [
  namespace, configMap, secret, event,
  {
    group: MANAGED_CLUSTER_TYPE.group, version: MANAGED_CLUSTER_TYPE.version, kind: MANAGED_CLUSTER_TYPE.kind, plural: MANAGED_CLUSTER_TYPE.plural, singular: 'managedcluster', shortNames: ['mcl', 'mcls'], namespaced: false, statusSubresource: true, builtin: false, schema: managedClusterSchema,
    printerColumns: [
      { name: 'Hub Accepted', type: 'boolean', jsonPath: '.spec.hubAcceptsClient' },
      { name: 'Managed Cluster URLs', type: 'string', jsonPath: '.spec.managedClusterClientConfigs[*].url' },
      { name: 'Joined', type: 'string', jsonPath: '.status.conditions[?(@.type=="ManagedClusterJoined")].status' },
      { name: 'Available', type: 'string', jsonPath: '.status.conditions[?(@.type=="ManagedClusterConditionAvailable")].status' },
      age,
    ],
  },
  {
    group: IBGU_TYPE.group, version: IBGU_TYPE.version, kind: IBGU_TYPE.kind, plural: IBGU_TYPE.plural, singular: 'imagebasedgroupupgrade', shortNames: ['ibgu'], namespaced: true, statusSubresource: true, builtin: false,
    printerColumns: [age], admission: ibguAdmission, schema: ibguSchema,
  },
  {
    group: CGU_TYPE.group, version: CGU_TYPE.version, kind: CGU_TYPE.kind, plural: CGU_TYPE.plural, singular: 'clustergroupupgrade', shortNames: ['cgu'], namespaced: true, statusSubresource: true, builtin: false,
    printerColumns: [age, lastReason, lastMessage], schema: cguSchema,
  },
  {
    group: MANIFEST_WORK_TYPE.group, version: MANIFEST_WORK_TYPE.version, kind: MANIFEST_WORK_TYPE.kind, plural: MANIFEST_WORK_TYPE.plural, singular: 'manifestwork', shortNames: ['mw'], namespaced: true, statusSubresource: true, builtin: false,
    printerColumns: [age], schema: manifestWorkSchema,
  },
  {
    group: MANIFEST_WORK_REPLICA_SET_TYPE.group, version: MANIFEST_WORK_REPLICA_SET_TYPE.version, kind: MANIFEST_WORK_REPLICA_SET_TYPE.kind, plural: MANIFEST_WORK_REPLICA_SET_TYPE.plural, singular: 'manifestworkreplicaset', shortNames: ['mwrs'], namespaced: true, statusSubresource: true, builtin: false,
    printerColumns: [age], schema: manifestWorkReplicaSetSchema,
  },
  // What else an ACM hub keeps in each cluster namespace (the `fleet: acm` scenario seeds them). Identities
  // and printer columns from the upstream CRDs: open-cluster-management-io/api `addon/v1alpha1/
  // 0000_01_addon.open-cluster-management.io_managedclusteraddons.crd.yaml`, and the policies CRD in
  // stolostron/governance-policy-addon-controller (policyframework chart).
  {
    group: 'addon.open-cluster-management.io', version: 'v1alpha1', kind: 'ManagedClusterAddOn', plural: 'managedclusteraddons', singular: 'managedclusteraddon', shortNames: ['mca', 'mcas'], namespaced: true, statusSubresource: true, builtin: false,
    printerColumns: [
      { name: 'Available', type: 'string', jsonPath: '.status.conditions[?(@.type=="Available")].status' },
      { name: 'Degraded', type: 'string', jsonPath: '.status.conditions[?(@.type=="Degraded")].status' },
      { name: 'Progressing', type: 'string', jsonPath: '.status.conditions[?(@.type=="Progressing")].status' },
    ],
    schema: managedClusterAddOnSchema,
  },
  {
    group: 'policy.open-cluster-management.io', version: 'v1', kind: 'Policy', plural: 'policies', singular: 'policy', shortNames: ['plc'], namespaced: true, statusSubresource: true, builtin: false,
    printerColumns: [
      { name: 'Remediation action', type: 'string', jsonPath: '.spec.remediationAction' },
      { name: 'Compliance state', type: 'string', jsonPath: '.status.compliant' },
      age,
    ],
    schema: policySchema,
  },
];

/**
 * What each simulated single-node spoke serves: LCA's IBU, the LCA operator Deployment (must-gather reads
 * its `manager` image), OADP's Velero objects, the application's PersistentVolumes and claims with LVM
 * Storage's logical volumes behind them, its Events, and the ClusterRole TALM's ManifestWork creates.
 */
export const SPOKE_TYPES: readonly ResourceType[] = [
  namespace, configMap, secret, event, persistentVolume, persistentVolumeClaim,
  {
    group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', singular: 'deployment', shortNames: ['deploy'], namespaced: true, statusSubresource: true, builtin: true, schema: deploymentSchema,
    printerColumns: [{ name: 'Ready', type: 'integer', jsonPath: '.status.readyReplicas' }, { name: 'Available', type: 'integer', jsonPath: '.status.availableReplicas' }, age],
  },
  {
    group: CLUSTER_ROLE_TYPE.group, version: CLUSTER_ROLE_TYPE.version, kind: CLUSTER_ROLE_TYPE.kind, plural: CLUSTER_ROLE_TYPE.plural, singular: 'clusterrole', shortNames: [], namespaced: false, statusSubresource: false, builtin: true, pathSegmentNames: true, schema: clusterRoleSchema,
    printerColumns: [{ name: 'Created At', type: 'date', jsonPath: '.metadata.creationTimestamp' }],
  },
  {
    group: IBU_TYPE.group, version: IBU_TYPE.version, kind: IBU_TYPE.kind, plural: IBU_TYPE.plural, singular: 'imagebasedupgrade', shortNames: ['ibu'], namespaced: false, statusSubresource: true, builtin: false,
    printerColumns: [age, { name: 'Desired Stage', type: 'string', jsonPath: '.spec.stage' }, lastReason, lastMessage], admission: ibuAdmission, schema: ibuSchema,
  },
  ...['Backup', 'Restore', 'BackupStorageLocation'].map((kind): ResourceType => ({
    group: 'velero.io', version: 'v1', kind, plural: kind.toLowerCase() + 's', singular: kind.toLowerCase(), shortNames: kind === 'BackupStorageLocation' ? ['bsl'] : [], namespaced: true,
    // Velero's CRDs declare no status subresource: status is written with the main resource.
    statusSubresource: false, builtin: false,
    printerColumns: kind === 'BackupStorageLocation' ? [{ name: 'Phase', type: 'string', jsonPath: '.status.phase' }, age] : [{ name: 'Phase', type: 'string', jsonPath: '.status.phase' }, age],
    categories: ['velero'],
    schema: kind === 'Backup' ? backupSchema : kind === 'Restore' ? restoreSchema : backupStorageLocationSchema,
  })),
  {
    group: LOGICAL_VOLUME_TYPE.group, version: LOGICAL_VOLUME_TYPE.version, kind: LOGICAL_VOLUME_TYPE.kind, plural: LOGICAL_VOLUME_TYPE.plural, singular: 'logicalvolume', shortNames: [], namespaced: false, statusSubresource: true, builtin: false,
    printerColumns: [age], schema: logicalVolumeSchema,
  },
];

/** One API server's set of types: routing, discovery and OpenAPI of a hub or a spoke read it. */
export class ApiTypes {
  private readonly byKindName = new Map<string, ResourceType>();
  private gvs?: { group: string; version: string; types: ResourceType[] }[];

  constructor(readonly types: readonly ResourceType[]) {
    for (const t of types) this.byKindName.set(t.kind, t);
  }

  /** The type of a kind this server is known to serve; throws on a programming error. */
  kind(kind: string): ResourceType {
    const t = this.byKindName.get(kind);
    if (!t) throw new Error(`the sandbox serves no ${kind} here`);
    return t;
  }

  has(kind: string): boolean {
    return this.byKindName.has(kind);
  }

  byPlural(group: string, version: string, plural: string): ResourceType | undefined {
    return this.types.find((t) => t.group === group && t.version === version && t.plural === plural);
  }

  byApiVersionKind(apiVersion: string, kind: string): ResourceType | undefined {
    const t = this.byKindName.get(kind);
    return t && apiVersionOf(t) === apiVersion ? t : undefined;
  }

  /** Group versions in a stable order: core first, then by group name. */
  groupVersions(): { group: string; version: string; types: ResourceType[] }[] {
    if (this.gvs) return this.gvs;
    const map = new Map<string, { group: string; version: string; types: ResourceType[] }>();
    for (const t of this.types) {
      const key = `${t.group}/${t.version}`;
      if (!map.has(key)) map.set(key, { group: t.group, version: t.version, types: [] });
      map.get(key)!.types.push(t);
    }
    return (this.gvs = [...map.values()].sort((a, b) => (a.group === b.group ? (a.version < b.version ? -1 : 1) : a.group === '' ? -1 : b.group === '' ? 1 : a.group < b.group ? -1 : 1)));
  }
}

export const HUB = new ApiTypes(HUB_TYPES);
export const SPOKE = new ApiTypes(SPOKE_TYPES);

export function apiVersionOf(t: ResourceType): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

/** The URL prefix of a group version: /api/v1 or /apis/<group>/<version>. */
export function groupVersionPath(t: Pick<ResourceType, 'group' | 'version'>): string {
  return t.group ? `/apis/${t.group}/${t.version}` : `/api/${t.version}`;
}

