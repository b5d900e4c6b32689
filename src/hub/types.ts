/**
 * The hub layer's types, shared by the layer itself (dist/hub.js: kubeconfig, informers, writes — no vscode),
 * the pure rollout reducer, the VS Code views and the webviews. Types only: importing this file costs nothing.
 */

/** The part of a Kubernetes object the hub layer reads; everything else is kept as it came. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { uid?: string; kind?: string; name?: string }[];
    [key: string]: unknown;
  };
  spec?: any;
  status?: any;
  [key: string]: unknown;
}

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

export const RESOURCE_TYPES: Readonly<Record<WatchedKind, ResourceType>> = {
  ImageBasedGroupUpgrade: { kind: 'ImageBasedGroupUpgrade', group: 'lcm.openshift.io', version: 'v1alpha1', plural: 'imagebasedgroupupgrades', namespaced: true },
  ManagedCluster: { kind: 'ManagedCluster', group: 'cluster.open-cluster-management.io', version: 'v1', plural: 'managedclusters', namespaced: false },
  ClusterGroupUpgrade: { kind: 'ClusterGroupUpgrade', group: 'ran.openshift.io', version: 'v1alpha1', plural: 'clustergroupupgrades', namespaced: true },
  ManifestWork: { kind: 'ManifestWork', group: 'work.open-cluster-management.io', version: 'v1', plural: 'manifestworks', namespaced: true },
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

export type ConnectionPhase = 'idle' | 'connecting' | 'connected' | 'unreachable' | 'unauthorised' | 'forbidden';

/** What a hub root node shows. Every phase but `connected` and `idle` carries a message a person can act on. */
export interface ConnectionState {
  phase: ConnectionPhase;
  /** Plain words: why it is not connected and what to do (e.g. how to log in again). */
  message?: string;
  /** forbidden: the missing permission as `verb resource.group` (e.g. `watch manifestworks.work.open-cluster-management.io`). */
  permission?: string;
  /** ms since the epoch of the last watch event (or list) received. */
  lastEventAt?: number;
  /** ms since the epoch of the next reconnect attempt, while waiting to retry. */
  retryAt?: number;
}

/** One change to the hub model, as the informers deliver it. */
export interface ModelChange {
  kind: WatchedKind;
  type: 'add' | 'update' | 'delete';
  object: KubeObject;
}

// ---- the rollout reducer's output (pure: src/hub/rollout.ts) ----

export type ClusterPhase = 'pending' | 'in-progress' | 'completed' | 'failed';

export interface ClusterProgress {
  name: string;
  phase: ClusterPhase;
  /** The action running, or the one that failed. */
  action?: string;
  /** The failure message (TALM's, or LCA's condition message read from ManifestWork feedback). */
  message?: string;
  /**
   * True when the failure was read from the ManifestWork's status feedback (the IBU reports a failed
   * condition) before TALM reported it: shown as "not yet reported by TALM".
   */
  early?: boolean;
  /** 1-based batch of the step this cluster is in, when known. */
  batch?: number;
}

export type StepState = 'waiting' | 'running' | 'completed' | 'timed-out' | 'blocked';

export interface StepProgress {
  index: number;
  actions: string[];
  maxConcurrency: number;
  timeoutMinutes: number;
  /** The CGU that runs the step, once TALM created it. */
  cgu?: string;
  state: StepState;
  /** Why the step is blocked or timed out (the CGU's condition message). */
  message?: string;
  /** 1-based current batch and the number of batches, once the CGU has a remediation plan. */
  batch?: number;
  batchCount?: number;
  /** The cluster names of each batch (the CGU's remediationPlan). */
  batches?: string[][];
  startedAt?: string;
  currentBatchStartedAt?: string;
  completedAt?: string;
  clusters: ClusterProgress[];
  counts: Record<ClusterPhase, number>;
}

export type RolloutState = 'waiting' | 'progressing' | 'completed' | 'failed';

export interface Rollout {
  uid: string;
  namespace: string;
  name: string;
  plan: string[][];
  steps: StepProgress[];
  /** One entry per selected cluster: its overall state across the plan. */
  clusters: ClusterProgress[];
  /** Clusters whose every step has ended (completed or failed), and the clusters selected. */
  done: number;
  total: number;
  failed: number;
  state: RolloutState;
  /** The IBGU's Progressing condition message. */
  message?: string;
  createdAt?: string;
}

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
