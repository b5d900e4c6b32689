/**
 * The hub layer's types, shared by the layer itself (dist/hub.js: kubeconfig, informers, writes — no vscode)
 * and the VS Code views. Types and the watched resource table only. The object shape and the read-back
 * rollout model live in core, the connection state in shared; they are re-exported here for the hub layer.
 */
import type { KubeObject } from '../core/kube/object';
import { CGU_TYPE, IBGU_TYPE, MANAGED_CLUSTER_TYPE, MANIFEST_WORK_TYPE, type ApiType } from '../core/kube/types';
import type { Rollout } from '../core/talm/readback-model';
import type { ConnectionState } from '../shared/connection-state';
import { CGU_LABEL, IBGU_OWNER_LABEL } from '../core/talm/wire';

export type { KubeObject };

/** The resource types the views watch on a hub, one informer each. */
export type WatchedKind = 'ImageBasedGroupUpgrade' | 'ManagedCluster' | 'ClusterGroupUpgrade' | 'ManifestWork';
export const WATCHED_KINDS: readonly WatchedKind[] = ['ImageBasedGroupUpgrade', 'ManagedCluster', 'ClusterGroupUpgrade', 'ManifestWork'];

export interface ResourceType {
  kind: WatchedKind;
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
}

const watched = (t: ApiType): ResourceType => ({ kind: t.kind as WatchedKind, group: t.group, version: t.version, plural: t.plural, namespaced: t.namespaced });

export const RESOURCE_TYPES: Readonly<Record<WatchedKind, ResourceType>> = {
  ImageBasedGroupUpgrade: watched(IBGU_TYPE),
  ManagedCluster: watched(MANAGED_CLUSTER_TYPE),
  ClusterGroupUpgrade: watched(CGU_TYPE),
  ManifestWork: watched(MANIFEST_WORK_TYPE),
};

/**
 * What each informer asks the hub for, and why: a real ACM hub holds far more than TALM's objects (addon
 * ManifestWorks in every cluster namespace), and the views need little of it. Whatever a view needs beyond
 * this is read when it opens (Diagnose, Repair labels and Live YAML read the whole ManagedCluster).
 */
export interface WatchScope {
  /** A label selector sent with the list and the watch. */
  labelSelector?: string;
  /** Names, labels and the rest of metadata only (server-side PartialObjectMetadata). */
  metadataOnly?: boolean;
}

export const WATCH_SCOPES: Readonly<Record<WatchedKind, WatchScope>> = {
  // The tree lists every IBGU, each with its plan and status.
  ImageBasedGroupUpgrade: {},
  // The tree shows names and TALM's lcm.openshift.io labels, the lenses count clusters by labels, the rollout and
  // recovery plans select by labels: nothing of spec or status.
  ManagedCluster: { metadataOnly: true },
  // Only CGUs an IBGU owns feed a rollout; TALM finds them by the same label (facts §3.1, controllers/imagebasedgroupupgrade.go).
  ClusterGroupUpgrade: { labelSelector: IBGU_OWNER_LABEL },
  // TALM's own manager caches only ManifestWorks with this label (openshift-kni/cluster-group-upgrades-operator
  // main.go, cache options by object; facts §3.2); the addon ManifestWorks of ACM never reach the model.
  ManifestWork: { labelSelector: CGU_LABEL },
};

/** A context of the merged kubeconfig, as kubectl would use it. */
export interface HubContext {
  /** The context's name: the id of its root node. */
  name: string;
  cluster: string;
  user: string;
  /** The API server URL of the context's cluster. */
  server: string;
  /** The context's namespace, if it names one. */
  namespace?: string;
  /** The kubeconfig file that defines the context (the first one, as kubectl merges). */
  file: string;
  /** Set when the context's cluster is a sandbox hub: its wall seconds per simulated (TALM) minute. */
  timeScale?: number;
}

export interface KubeconfigView {
  /** The files read, in kubectl's order (KUBECONFIG's list, or ~/.kube/config, or the pinned file). */
  files: string[];
  contexts: HubContext[];
  /** The current context (the pinned one when a setting pins it). */
  current?: string;
  /** Files that could not be read or parsed, with why; the others are still used. */
  problems: { file: string; message: string }[];
}

export type { ConnectionPhase, ConnectionState } from '../shared/connection-state';

/** One change to the hub model, as the informers deliver it. */
export interface ModelChange {
  kind: WatchedKind;
  type: 'add' | 'update' | 'delete';
  object: KubeObject;
}

export type { ClusterPhase, ClusterProgress, StepState, StepProgress, RolloutState, Rollout } from '../core/talm/readback-model';

// ---- the hub tree model (pure: src/hub/tree-model.ts), mapped 1:1 to TreeItems by the view ----

/** What the hub tree shows of each hub; both filters may be set at once (a node must pass both). */
export interface TreeFilter {
  /** Keep only IBGUs, steps and clusters with failed clusters, and ManagedClusters with a `*-failed` label. */
  failedOnly?: boolean;
  /** Case-insensitive substring of a cluster name or an IBGU's `namespace/name`. */
  text?: string;
}

export type TreeNodeKind = 'hub' | 'ibgus' | 'ibgu' | 'step' | 'phase' | 'cluster' | 'managedClusters' | 'managedCluster' | 'message';

/**
 * One node of the hub tree. `id` is stable across rebuilds (built from the context name, object uids, step
 * indexes and cluster names, never from positions in changing lists), so VS Code keeps expansion and selection.
 */
export interface TreeNode {
  id: string;
  kind: TreeNodeKind;
  label: string;
  description?: string;
  /** Markdown. */
  tooltip?: string;
  /** A codicon id (e.g. `sync~spin`) and a theme color id (e.g. `testing.iconFailed`). */
  icon?: { id: string; color?: string };
  contextValue: string;
  collapsible: 'none' | 'collapsed' | 'expanded';
  children?: TreeNode[];
  /** What commands on the node act on. */
  ref?: { context: string; namespace?: string; name: string; uid?: string; step?: number; cluster?: string };
}

/** What the tree of one hub is built from. */
export interface HubTreeInput {
  context: string;
  /** The API server URL, for the hub node's tooltip. */
  server?: string;
  state: ConnectionState;
  rollouts: readonly Rollout[];
  managedClusters: readonly KubeObject[];
  /** ms since the epoch, for "retry in N s". */
  now: number;
}
