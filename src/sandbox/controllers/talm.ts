/**
 * TALM as the sandbox runs it: the IBGU controller turns each plan step into a ClusterGroupUpgrade (and
 * one ManifestWorkReplicaSet per action, as a template store), the CGU controller rolls ManifestWorks out
 * to the selected clusters in batches under the step's timeout, and the IBGU controller aggregates the
 * CGUs into `status.clusters`, the Progressing condition and the ManagedCluster labels.
 *
 * Selection, batches, batch timeouts, labels, failure messages and aggregation are the core's functions
 * (src/core/talm), the same ones `ibgu preview` and the linter use, so the sandbox, the preview and the
 * rules cannot disagree. Names, labels, annotations and condition texts follow upstream TALM (facts §3).
 */
import { IBGU_ACTIONS } from '../../core/schema/talm';
import { clusterGroupUpgradeName } from '../../core/talm/preview';
import { batches, batchSize, batchTimeoutMinutes, labelsAfterStatus } from '../../core/talm/rollout';
import { anySelectorMatches, SelectorError, stepSelectors, type LabelSelector } from '../../core/talm/select';
import { aggregateClusters, progressingCondition, type Feedback, type StepClusterResult, type StepOutcome } from '../../core/talm/status';
import type { KubeObject, StoreEvent } from '../store';
import { findCondition, putCondition, same, TALM_MANAGER, type Condition, type ControllerContext } from './context';
import { QueuedController, type WorkQueue } from './queue';

export const IBGU_LABEL_KEY = 'ibgu';
export const CGU_LABEL = 'openshift-cluster-group-upgrades/clusterGroupUpgrade';
export const CGU_NAMESPACE_LABEL = 'openshift-cluster-group-upgrades/clusterGroupUpgradeNamespace';
export const EXPECTED_VALUES = 'openshift-cluster-group-upgrades/expectedValues';
export const NAME_SUFFIX = 'cluster-group-upgrades-operator/name-suffix';
const DISABLE_AUTO_IMPORT = 'import.open-cluster-management.io/disable-auto-import';
const LCA_NAMESPACE = 'openshift-lifecycle-agent';
const IBU_ROLE = 'open-cluster-management:klusterlet-work:ibu-role';

export const SUCCEEDED_MESSAGE = 'All manifestworks rolled out successfully on all clusters';
export const TIMED_OUT_MESSAGE = 'Manifestwork rollout took too long';
export const NO_CLUSTERS_MESSAGE = 'All clusters already compliant with the specified managed policies';
const NOT_FOUND_PREFIX = 'Unable to select clusters: cannot obtain all the details about the clusters in the CR: ';

/** The IBU stage each action asks for, and the feedback value that says it is done. */
const ACTION_STAGE: Record<string, { stage: string; done: string; feedback: [string, string][] }> = (() => {
  const cond = (type: string, field: string) => `.status.conditions[?(@.type=="${type}")].${field}`;
  const stageOf = (s: 'Prep' | 'Upgrade' | 'Rollback') => ({
    stage: s,
    done: `is${s}Completed`,
    // The stray quote after the in-progress message path is upstream's, kept verbatim: that value never resolves.
    feedback: [
      [`is${s}Completed`, cond(`${s}Completed`, 'status')],
      [`${s.toLowerCase()}InProgressConditionMessage`, cond(`${s}InProgress`, "message'")],
      [`${s.toLowerCase()}CompletedConditionMessages`, cond(`${s}Completed`, 'message')],
    ] as [string, string][],
  });
  const idle = {
    stage: 'Idle',
    done: 'isIdle',
    feedback: [
      ['isIdle', cond('Idle', 'status')],
      ['idleConditionReason', cond('Idle', "reason'")],
      ['idleConditionMessages', cond('Idle', 'message')],
    ] as [string, string][],
  };
  return { Prep: stageOf('Prep'), Upgrade: stageOf('Upgrade'), Rollback: stageOf('Rollback'), Abort: idle, AbortOnFailure: idle, FinalizeUpgrade: idle, FinalizeRollback: idle };
})();

/** The action a template name stands for: its last `-` token, matched without case (`syncStatusWithCGUs`). */
export function actionOfTemplate(name: string): string | undefined {
  const token = name.slice(name.lastIndexOf('-') + 1).toLowerCase();
  return IBGU_ACTIONS.find((a) => a.toLowerCase() === token);
}

/** `utils.GetSafeResourceName`: at most 253 characters. */
function safeName(name: string): string {
  return name.length > 253 ? name.slice(0, 253).replace(/[-.]+$/, '') : name;
}

function randomSuffix(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let out = '';
  for (let i = 0; i < 5; i++) out += alphabet[Math.floor(Math.random() * alphabet.length)];
  return out;
}

function key(obj: KubeObject): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
}

function split(k: string): [string, string] {
  const i = k.indexOf('/');
  return [k.slice(0, i), k.slice(i + 1)];
}

interface Progress { state: 'NotStarted' | 'InProgress' | 'Completed'; manifestWorkIndex?: number }

export class Talm extends QueuedController {
  private readonly ibgus: WorkQueue;
  private readonly cgus: WorkQueue;
  private readonly timers = new Map<string, () => void>();
  /** When each CGU and its current batch started, in simulated ms (status carries wall-clock times). */
  private readonly started = new Map<string, { step: number; batch: number }>();

  constructor(private readonly ctx: ControllerContext) {
    super();
    const onError = (what: string) => (k: string, error: unknown) => ctx.log(`talm: ${what} ${k}: ${error instanceof Error ? error.message : String(error)}`);
    this.ibgus = this.newQueue((k) => this.reconcileIbgu(k), onError('reconcile of ImageBasedGroupUpgrade'));
    this.cgus = this.newQueue((k) => this.reconcileCgu(k), onError('reconcile of ClusterGroupUpgrade'));
    this.unsubscribers.push(ctx.hub.subscribe((e) => this.onEvent(e)));
    for (const ibgu of ctx.hub.list(this.type('ImageBasedGroupUpgrade'))) this.ibgus.add(key(ibgu));
    for (const cgu of ctx.hub.list(this.type('ClusterGroupUpgrade'))) this.cgus.add(key(cgu));
  }

  protected override stopped(): void {
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
  }

  private type(kind: string) {
    return this.ctx.hub.types.kind(kind);
  }

  /** The watches TALM's manager sets up: IBGUs (generation changes), owned CGUs, and labelled ManifestWorks. */
  private onEvent(e: StoreEvent): void {
    const kind = e.resource.kind;
    if (kind === 'ImageBasedGroupUpgrade') {
      if (e.type === 'DELETED') this.collect(e.object);
      else if (e.type === 'ADDED' || e.object.metadata.generation !== e.previous?.metadata.generation) this.ibgus.add(key(e.object));
    } else if (kind === 'ClusterGroupUpgrade') {
      const owner = e.object.metadata.labels?.[IBGU_LABEL_KEY];
      if (owner) this.ibgus.add(`${e.object.metadata.namespace}/${owner}`);
      if (e.type === 'DELETED') this.deleteManifestWorks(e.object);
      // Its own status writes need no second look; a new or changed spec does.
      else if (e.type === 'ADDED' || e.object.metadata.generation !== e.previous?.metadata.generation) this.cgus.add(key(e.object));
    } else if (kind === 'ManifestWork') {
      const cgu = e.object.metadata.labels?.[CGU_LABEL];
      const ns = e.object.metadata.labels?.[CGU_NAMESPACE_LABEL];
      if (cgu && ns && e.type === 'MODIFIED') this.cgus.add(`${ns}/${cgu}`);
    }
  }

  // ---- IBGU controller -------------------------------------------------------------------------------

  private reconcileIbgu(k: string): void {
    const [ns, name] = split(k);
    const hub = this.ctx.hub;
    // Read only: what is written is a new status (the store copies it), and the templates' and CGU's bodies.
    const ibgu = hub.peek(this.type('ImageBasedGroupUpgrade'), ns, name);
    if (!ibgu || ibgu.metadata.deletionTimestamp) return;
    this.ensureClusterLabels(ibgu.status?.clusters ?? []);
    const plan: { actions: string[]; rolloutStrategy?: { maxConcurrency?: number; timeout?: number } }[] = Array.isArray(ibgu.spec?.plan) ? ibgu.spec.plan : [];
    const cgus = new Map(hub.list(this.type('ClusterGroupUpgrade'), ns).filter((c) => c.metadata.labels?.[IBGU_LABEL_KEY] === name).map((c) => [c.metadata.name as string, c]));

    // ensureManifests: the first step without a finished CGU gets one; later steps wait.
    const finished = new Set<number>();
    for (let i = 0; i < plan.length; i++) {
      const cgu = cgus.get(clusterGroupUpgradeName(name, plan[i]!.actions, i));
      if (!cgu) {
        const created = this.createStep(ibgu, i);
        if (created) cgus.set(created.metadata.name, created);
        break;
      }
      if (!findCondition(cgu, 'Succeeded')) break;
      finished.add(i);
    }

    // syncStatusWithCGUs, through the core's aggregation.
    const steps: StepOutcome[] = [...cgus.values()].map((cgu) => this.outcomeOf(cgu));
    const clusters = aggregateClusters(steps);
    this.ensureClusterLabels(clusters);

    const now = this.ctx.clock.timestamp();
    const status = { ...(ibgu.status ?? {}) };
    status.observedGeneration = ibgu.metadata.generation;
    status.conditions = putCondition(ibgu.status?.conditions, progressingCondition(plan.length, finished), now);
    status.clusters = clusters;
    if (same(status, ibgu.status)) return;
    hub.update(this.type('ImageBasedGroupUpgrade'), ns, name, { ...ibgu, status }, { subresource: 'status', fieldManager: TALM_MANAGER });
  }

  /** What a CGU reports, in the core's terms (`syncStatusWithCGUs`). */
  private outcomeOf(cgu: KubeObject): StepOutcome {
    const templates: string[] = cgu.spec?.manifestWorkTemplates ?? [];
    const actions = templates.map((t) => actionOfTemplate(t) ?? t);
    const name: string = cgu.metadata.name;
    const index = Number(name.slice(name.lastIndexOf('-') + 1));
    const clusters: StepClusterResult[] = [];
    for (const c of cgu.status?.clusters ?? []) {
      if (c.state === 'complete') clusters.push({ name: c.name, state: 'complete' });
      else if (c.state === 'timedout') {
        const current = c.currentManifestWork;
        const manifests: KubeObject[] = current?.status?.manifests ?? [];
        const feedback: Feedback[] = manifests.flatMap((m) => (m.statusFeedback?.values ?? []).map((v: KubeObject) => ({ name: v.name, value: fieldValueText(v.fieldValue) })));
        const appliedFalse = manifests.flatMap((m) => (m.conditions ?? []).filter((x: Condition) => x.type === 'Applied' && x.status === 'False').map((x: Condition) => x.message ?? ''));
        const result: StepClusterResult = { name: c.name, state: 'timedout', feedback, appliedFalseMessages: appliedFalse };
        const action = current?.name ? actionOfTemplate(current.name) : undefined;
        if (action) result.action = action;
        clusters.push(result);
      }
    }
    const inFlight: Record<string, number> = {};
    for (const [cluster, p] of Object.entries<Progress>(cgu.status?.status?.currentBatchRemediationProgress ?? {})) {
      if (typeof p.manifestWorkIndex === 'number') inFlight[cluster] = p.manifestWorkIndex;
    }
    return { index: Number.isFinite(index) ? index : 0, actions, finished: !!findCondition(cgu, 'Succeeded'), clusters, inFlight };
  }

  /** `ensureClusterLabels`: the core decides the labels; TALM writes them with an Update of the ManagedCluster. */
  private ensureClusterLabels(clusters: readonly { name: string }[]): void {
    const t = this.type('ManagedCluster');
    for (const status of clusters) {
      // Every cluster of the IBGU on every reconcile: look at the stored object, copy only the ones to write.
      const stored = this.ctx.hub.peek(t, undefined, status.name);
      if (!stored) continue;
      const labels = labelsAfterStatus(stored.metadata.labels ?? {}, status);
      if (sameLabels(labels, stored.metadata.labels ?? {})) continue;
      const mc = this.ctx.hub.get(t, undefined, status.name)!;
      this.ctx.hub.update(t, undefined, status.name, { ...mc, metadata: { ...mc.metadata, labels } }, { fieldManager: TALM_MANAGER });
    }
  }

  /** One MWRS per action (kept if it exists: a later step with the same action reuses it) and the step's CGU. */
  private createStep(ibgu: KubeObject, index: number): KubeObject | undefined {
    const hub = this.ctx.hub;
    const ns: string = ibgu.metadata.namespace;
    const name: string = ibgu.metadata.name;
    const step = ibgu.spec.plan[index];
    const actions: string[] = step.actions ?? [];
    const owner = { apiVersion: ibgu.apiVersion, kind: ibgu.kind, name, uid: ibgu.metadata.uid, controller: true, blockOwnerDeletion: true };
    const templates: string[] = [];
    for (const action of actions) {
      const mwrsName = `${name}-${action}`.toLowerCase();
      templates.push(mwrsName);
      if (!hub.get(this.type('ManifestWorkReplicaSet'), ns, mwrsName)) {
        hub.create(this.type('ManifestWorkReplicaSet'), ns, this.replicaSet(ibgu, action, mwrsName, owner), { fieldManager: TALM_MANAGER });
      }
    }
    const upgrade = actions.includes('Upgrade');
    const annotations: Record<string, string> = {};
    const suffix = ibgu.metadata.annotations?.[NAME_SUFFIX];
    if (suffix !== undefined) annotations[NAME_SUFFIX] = suffix;
    const cgu = {
      metadata: { name: clusterGroupUpgradeName(name, actions, index), labels: { [IBGU_LABEL_KEY]: name }, ...(suffix !== undefined ? { annotations } : {}), ownerReferences: [owner] },
      spec: {
        enable: true,
        manifestWorkTemplates: templates,
        remediationStrategy: { maxConcurrency: step.rolloutStrategy?.maxConcurrency ?? 0, timeout: step.rolloutStrategy?.timeout ?? 240 },
        clusterLabelSelectors: stepSelectors(ibgu.spec.clusterLabelSelectors ?? [], actions[0] ?? ''),
        actions: upgrade
          ? { beforeEnable: { addClusterAnnotations: { [DISABLE_AUTO_IMPORT]: 'true' } }, afterCompletion: { removeClusterAnnotations: [DISABLE_AUTO_IMPORT] } }
          : { beforeEnable: {}, afterCompletion: {} },
      },
    };
    this.ctx.log(`talm: ${ns}/${name}: step ${index} ${JSON.stringify(actions)} → ClusterGroupUpgrade ${cgu.metadata.name}`);
    return hub.create(this.type('ClusterGroupUpgrade'), ns, cgu, { fieldManager: TALM_MANAGER });
  }

  /** The template TALM stores for an action: copied ConfigMaps and pull secret (Prep), the role, the IBU. */
  private replicaSet(ibgu: KubeObject, action: string, mwrsName: string, owner: KubeObject): KubeObject {
    const hub = this.ctx.hub;
    const ns: string = ibgu.metadata.namespace;
    const manifests: KubeObject[] = [];
    const ibuSpec = ibgu.spec.ibuSpec ?? {};
    if (action === 'Prep') {
      for (const ref of ibuSpec.oadpContent ?? []) {
        const cm = hub.get(this.type('ConfigMap'), ref.namespace, ref.name);
        if (!cm) {
          this.ctx.log(`talm: oadpContent ConfigMap ${ref.namespace}/${ref.name} is not on the hub; not copied to the spokes`);
          continue;
        }
        manifests.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: cm.metadata.name, namespace: cm.metadata.namespace }, data: cm.data ?? {} });
      }
      const secretName = ibuSpec.seedImageRef?.pullSecretRef?.name;
      const secret = secretName ? hub.get(this.type('Secret'), ns, secretName) : undefined;
      if (secret) manifests.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: secret.metadata.name, namespace: LCA_NAMESPACE }, type: secret.type, data: secret.data ?? {} });
    }
    manifests.push({
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole',
      metadata: { name: IBU_ROLE, labels: { 'open-cluster-management.io/aggregate-to-work': 'true' } },
      rules: [{ apiGroups: ['lca.openshift.io'], resources: ['imagebasedupgrades'], verbs: ['*'] }],
    });
    const lcaAnnotations = Object.fromEntries(Object.entries<string>(ibgu.metadata.annotations ?? {}).filter(([k]) => k.includes('lca.openshift.io')));
    const def = ACTION_STAGE[action]!;
    manifests.push({
      apiVersion: 'lca.openshift.io/v1', kind: 'ImageBasedUpgrade',
      metadata: { name: 'upgrade', ...(Object.keys(lcaAnnotations).length ? { annotations: lcaAnnotations } : {}) },
      spec: { ...ibuSpec, stage: def.stage },
    });
    return {
      metadata: {
        name: mwrsName,
        annotations: { [EXPECTED_VALUES]: JSON.stringify([{ manifestIndex: manifests.length - 1, name: def.done, value: 'True' }]) },
        ownerReferences: [owner],
      },
      spec: {
        placementRefs: [{ name: 'dummy' }],
        manifestWorkTemplate: {
          deleteOption: { propagationPolicy: 'Orphan' },
          workload: { manifests },
          manifestConfigs: [{
            resourceIdentifier: { group: 'lca.openshift.io', resource: 'imagebasedupgrades', name: 'upgrade', namespace: '' },
            feedbackRules: [{ type: 'JSONPaths', jsonPaths: def.feedback.map(([n, path]) => ({ name: n, path })) }],
          }],
        },
      },
    };
  }

  /** Owner references: deleting an IBGU takes its CGUs and templates with it (the garbage collector's job). */
  private collect(ibgu: KubeObject): void {
    const hub = this.ctx.hub;
    for (const kind of ['ClusterGroupUpgrade', 'ManifestWorkReplicaSet']) {
      const t = this.type(kind);
      for (const o of hub.list(t, ibgu.metadata.namespace)) {
        if ((o.metadata.ownerReferences ?? []).some((r: KubeObject) => r.uid === ibgu.metadata.uid)) hub.delete(t, o.metadata.namespace, o.metadata.name);
      }
    }
  }

  // ---- CGU controller --------------------------------------------------------------------------------

  private reconcileCgu(k: string): void {
    const [ns, name] = split(k);
    const t = this.type('ClusterGroupUpgrade');
    // Read only (the status is worked on as a copy below): no copy of a CGU with thousands of clusters.
    const cgu = this.ctx.hub.peek(t, ns, name);
    this.timers.get(k)?.();
    this.timers.delete(k);
    if (!cgu || cgu.metadata.deletionTimestamp || findCondition(cgu, 'Succeeded')) return;
    const before = JSON.stringify(cgu.status ?? {});
    const status: KubeObject = cgu.status ? JSON.parse(before) : {};
    if (!status.remediationPlan) {
      this.started.set(k, { step: this.ctx.clock.now(), batch: this.ctx.clock.now() });
      if (!this.start(cgu, status)) return this.writeCgu(cgu, status, before);
    }
    this.advance(cgu, status);
    this.writeCgu(cgu, status, before);
  }

  private writeCgu(cgu: KubeObject, status: KubeObject, before: string): void {
    if (JSON.stringify(status) === before) return;
    this.ctx.hub.update(this.type('ClusterGroupUpgrade'), cgu.metadata.namespace, cgu.metadata.name, { ...cgu, status }, { subresource: 'status', fieldManager: TALM_MANAGER });
  }

  /** Selects the clusters and plans the batches; false when the CGU cannot start (or is already done). */
  private start(cgu: KubeObject, status: KubeObject): boolean {
    const now = this.ctx.clock.timestamp();
    const selectors: LabelSelector[] = cgu.spec.clusterLabelSelectors ?? [];
    const notFound = (detail: string) => {
      status.conditions = putCondition(status.conditions, { type: 'ClustersSelected', status: 'False', reason: 'ClusterNotFound', message: NOT_FOUND_PREFIX + detail }, now);
      return false;
    };
    if (!selectors.length) return notFound('no cluster specified for remediation');
    let names: string[];
    try {
      names = this.ctx.hub.list(this.type('ManagedCluster')).filter((mc) => anySelectorMatches(selectors, mc.metadata.labels ?? {})).map((mc) => mc.metadata.name);
    } catch (error) {
      if (error instanceof SelectorError) return notFound(error.message);
      throw error;
    }
    const plan = batches(names, cgu.spec.remediationStrategy?.maxConcurrency ?? 0);
    status.conditions = putCondition(status.conditions, { type: 'ClustersSelected', status: 'True', reason: 'ClusterSelectionCompleted', message: 'All selected clusters are valid' }, now);
    status.conditions = putCondition(status.conditions, { type: 'Validated', status: 'True', reason: 'ValidationCompleted', message: 'Completed validation' }, now);
    status.computedMaxConcurrency = batchSize(cgu.spec.remediationStrategy?.maxConcurrency ?? 0, names.length);
    status.remediationPlan = plan;
    status.status = { startedAt: now };
    if (!plan.length) {
      status.conditions = putCondition(status.conditions, { type: 'Progressing', status: 'False', reason: 'Completed', message: NO_CLUSTERS_MESSAGE }, now);
      status.conditions = putCondition(status.conditions, { type: 'Succeeded', status: 'True', reason: 'Completed', message: NO_CLUSTERS_MESSAGE }, now);
      status.status.completedAt = now;
      return false;
    }
    const suffix = cgu.metadata.annotations?.[NAME_SUFFIX];
    status.safeResourceNames = Object.fromEntries((cgu.spec.manifestWorkTemplates as string[]).map((tpl) => [`/${cgu.metadata.namespace}.${tpl}`, safeName(`${cgu.metadata.namespace}.${tpl}-${suffix ?? randomSuffix()}`)]));
    status.conditions = putCondition(status.conditions, { type: 'Progressing', status: 'True', reason: 'InProgress', message: 'Rolling out manifestworks' }, now);
    const add = cgu.spec.actions?.beforeEnable?.addClusterAnnotations ?? {};
    if (Object.keys(add).length) for (const c of plan.flat()) this.annotateCluster(c, add, []);
    this.startBatch(status, 1, now);
    return true;
  }

  private startBatch(status: KubeObject, batch: number, now: string, cguKey?: string): void {
    if (cguKey) this.started.get(cguKey)!.batch = this.ctx.clock.now();
    status.status.currentBatch = batch;
    status.status.currentBatchStartedAt = now;
    status.status.currentBatchRemediationProgress = Object.fromEntries((status.remediationPlan[batch - 1] as string[]).map((c) => [c, { state: 'NotStarted' }]));
  }

  /** Moves every cluster of the current batch along, then handles batch completion and the timeouts. */
  private advance(cgu: KubeObject, status: KubeObject): void {
    const clock = this.ctx.clock;
    const templates: string[] = cgu.spec.manifestWorkTemplates;
    const timeout: number = cgu.spec.remediationStrategy?.timeout ?? 240;
    const k = `${cgu.metadata.namespace}/${cgu.metadata.name}`;
    let anchors = this.started.get(k);
    if (!anchors) this.started.set(k, (anchors = { step: clock.now(), batch: clock.now() }));
    const startedAt = anchors.step;
    for (;;) {
      const now = clock.now();
      const batchIndex = status.status.currentBatch - 1;
      const progress: Record<string, Progress> = status.status.currentBatchRemediationProgress;
      for (const cluster of status.remediationPlan[batchIndex] as string[]) {
        const p = progress[cluster]!;
        if (p.state === 'NotStarted') {
          this.createManifestWork(cgu, status, cluster, 0);
          progress[cluster] = { state: 'InProgress', manifestWorkIndex: 0 };
          continue;
        }
        if (p.state !== 'InProgress') continue;
        let index = p.manifestWorkIndex ?? 0;
        // Actions of a step run one after another per cluster: the next MW only once the current one is done.
        while (index < templates.length && this.manifestWorkCompleted(this.manifestWork(status, cgu, cluster, index))) {
          this.deleteManifestWork(status, cgu, cluster, index);
          index++;
          if (index < templates.length) this.createManifestWork(cgu, status, cluster, index);
        }
        if (index >= templates.length) {
          progress[cluster] = { state: 'Completed' };
          (status.clusters ??= []).push({ name: cluster, state: 'complete' });
          const remove: string[] = cgu.spec.actions?.afterCompletion?.removeClusterAnnotations ?? [];
          if (remove.length) this.annotateCluster(cluster, {}, remove);
        } else progress[cluster] = { state: 'InProgress', manifestWorkIndex: index };
      }

      const batchCount = status.remediationPlan.length;
      const batchStart = anchors.batch;
      const elapsedMinutes = (batchStart - startedAt) / 60_000;
      const batchDeadline = batchStart + batchTimeoutMinutes(timeout, elapsedMinutes, batchCount - batchIndex) * 60_000;
      const stepDeadline = startedAt + timeout * 60_000;
      const stamp = clock.timestamp();
      const allDone = Object.values(progress).every((p) => p.state === 'Completed');

      if (!allDone && now >= Math.min(batchDeadline, stepDeadline)) this.timeOutBatch(cgu, status);
      if (allDone || now >= Math.min(batchDeadline, stepDeadline)) {
        if (batchIndex + 1 < batchCount && now < stepDeadline) {
          this.startBatch(status, batchIndex + 2, stamp, k);
          continue;
        }
        delete status.status.currentBatchRemediationProgress;
        status.status.completedAt = stamp;
        this.started.delete(k);
        const timedOut = !allDone || batchIndex + 1 < batchCount;
        if (timedOut) {
          // Clusters of batches that never started are not recorded, as upstream.
          status.conditions = putCondition(status.conditions, { type: 'Progressing', status: 'False', reason: 'TimedOut', message: TIMED_OUT_MESSAGE }, stamp);
          status.conditions = putCondition(status.conditions, { type: 'Succeeded', status: 'False', reason: 'TimedOut', message: TIMED_OUT_MESSAGE }, stamp);
        } else {
          status.conditions = putCondition(status.conditions, { type: 'Progressing', status: 'False', reason: 'Completed', message: SUCCEEDED_MESSAGE }, stamp);
          status.conditions = putCondition(status.conditions, { type: 'Succeeded', status: 'True', reason: 'Completed', message: SUCCEEDED_MESSAGE }, stamp);
        }
        return;
      }
      this.timers.set(k, clock.at(Math.min(batchDeadline, stepDeadline), () => this.cgus.add(k)));
      return;
    }
  }

  /** The clusters of the batch still in progress are recorded as timed out, with their current work's status. */
  private timeOutBatch(cgu: KubeObject, status: KubeObject): void {
    const templates: string[] = cgu.spec.manifestWorkTemplates;
    const progress: Record<string, Progress> = status.status.currentBatchRemediationProgress;
    for (const [cluster, p] of Object.entries(progress)) {
      if (p.state === 'Completed') continue;
      const entry: KubeObject = { name: cluster, state: 'timedout' };
      if (p.state === 'InProgress') {
        const index = p.manifestWorkIndex ?? 0;
        const mw = this.manifestWork(status, cgu, cluster, index);
        entry.currentManifestWork = { name: templates[index], ...(mw?.status?.resourceStatus ? { status: mw.status.resourceStatus } : {}) };
        this.deleteManifestWork(status, cgu, cluster, index);
      }
      (status.clusters ??= []).push(entry);
      progress[cluster] = { state: 'Completed' };
    }
  }

  private manifestWorkName(status: KubeObject, cgu: KubeObject, index: number): string {
    const tpl = cgu.spec.manifestWorkTemplates[index];
    return status.safeResourceNames?.[`/${cgu.metadata.namespace}.${tpl}`] ?? safeName(`${cgu.metadata.namespace}.${tpl}`);
  }

  /** The stored ManifestWork (read only: the CGU's status copies from it, the store copies on write). */
  private manifestWork(status: KubeObject, cgu: KubeObject, cluster: string, index: number): Readonly<KubeObject> | undefined {
    return this.ctx.hub.peek(this.type('ManifestWork'), cluster, this.manifestWorkName(status, cgu, index));
  }

  private createManifestWork(cgu: KubeObject, status: KubeObject, cluster: string, index: number): void {
    const hub = this.ctx.hub;
    const tpl: string = cgu.spec.manifestWorkTemplates[index];
    // Read without copies (the store copies what it is given to create).
    const mwrs = hub.peek(this.type('ManifestWorkReplicaSet'), cgu.metadata.namespace, tpl);
    if (!mwrs) throw new Error(`ManifestWorkReplicaSet ${cgu.metadata.namespace}/${tpl} not found`);
    const name = this.manifestWorkName(status, cgu, index);
    if (hub.peek(this.type('ManifestWork'), cluster, name)) return;
    if (!hub.peek(this.type('Namespace'), undefined, cluster)) throw new Error(`namespace ${cluster} of the managed cluster not found`);
    hub.create(this.type('ManifestWork'), cluster, {
      metadata: {
        name,
        labels: { [CGU_LABEL]: cgu.metadata.name, [CGU_NAMESPACE_LABEL]: cgu.metadata.namespace },
        annotations: { [EXPECTED_VALUES]: mwrs.metadata.annotations?.[EXPECTED_VALUES] ?? '[]' },
      },
      spec: mwrs.spec.manifestWorkTemplate,
    }, { fieldManager: TALM_MANAGER });
  }

  private deleteManifestWork(status: KubeObject, cgu: KubeObject, cluster: string, index: number): void {
    const t = this.type('ManifestWork');
    const name = this.manifestWorkName(status, cgu, index);
    if (this.ctx.hub.peek(t, cluster, name)) this.ctx.hub.delete(t, cluster, name);
  }

  /** A deleted CGU leaves no ManifestWork behind. */
  private deleteManifestWorks(cgu: KubeObject): void {
    const t = this.type('ManifestWork');
    for (const c of (cgu.status?.remediationPlan ?? []).flat() as string[]) {
      for (const mw of this.ctx.hub.list(t, c)) if (mw.metadata.labels?.[CGU_LABEL] === cgu.metadata.name) this.ctx.hub.delete(t, c, mw.metadata.name);
    }
  }

  /** `utils.IsManifestWorkCompleted`: applied, available, and the expected feedback value is "True". */
  private manifestWorkCompleted(mw: KubeObject | undefined): boolean {
    if (!mw) return false;
    if (findCondition(mw, 'Applied')?.status !== 'True' || findCondition(mw, 'Available')?.status !== 'True') return false;
    let expected: { manifestIndex: number; name: string; value: string }[];
    try {
      expected = JSON.parse(mw.metadata.annotations?.[EXPECTED_VALUES] ?? '[]');
    } catch {
      return false;
    }
    const manifests: KubeObject[] = mw.status?.resourceStatus?.manifests ?? [];
    return expected.every((want) => {
      const m = manifests.find((x) => x.resourceMeta?.ordinal === want.manifestIndex);
      if (!m) return false;
      const ok = (type: string) => (m.conditions ?? []).some((c: Condition) => c.type === type && c.status === 'True');
      if (!ok('Applied') || !ok('Available') || !ok('StatusFeedbackSynced')) return false;
      const value = (m.statusFeedback?.values ?? []).find((v: KubeObject) => v.name === want.name);
      return value !== undefined && fieldValueText(value.fieldValue) === want.value;
    });
  }

  private annotateCluster(cluster: string, add: Record<string, string>, remove: readonly string[]): void {
    const t = this.type('ManagedCluster');
    const stored = this.ctx.hub.peek(t, undefined, cluster);
    if (!stored) return;
    const annotations: Record<string, string> = { ...(stored.metadata.annotations ?? {}), ...add };
    for (const r of remove) delete annotations[r];
    if (same(annotations, stored.metadata.annotations ?? {})) return;
    const mc = this.ctx.hub.get(t, undefined, cluster)!;
    const metadata = { ...mc.metadata, annotations };
    if (!Object.keys(annotations).length) delete (metadata as KubeObject).annotations;
    this.ctx.hub.update(t, undefined, cluster, { ...mc, metadata }, { fieldManager: TALM_MANAGER });
  }
}

/** `same` for label maps: the same keys in the same order with the same values (what JSON equality means). */
function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}

/** A feedback `fieldValue` as TALM compares it: String, Boolean, Integer or JsonRaw rendered as text. */
export function fieldValueText(v: KubeObject | undefined): string {
  if (!v) return '';
  switch (v.type) {
    case 'Boolean': return String(v.boolean);
    case 'Integer': return String(v.integer);
    case 'JsonRaw': return String(v.jsonRaw);
    default: return String(v.string ?? '');
  }
}
