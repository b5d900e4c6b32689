/**
 * TALM's ClusterGroupUpgrade controller as the sandbox runs it: rolls ManifestWorks out to the selected
 * clusters in batches under the step's timeout, one action after another per cluster, and records each
 * cluster's result (`controllers/clustergroupupgrade_controller.go`, `controllers/manifestwork.go`).
 *
 * Selection, batches and batch timeouts are the core's (src/core/talm); names, labels, annotations and
 * condition texts are TALM's wire vocabulary (src/core/talm/wire.ts).
 */
import { batches, batchSize, batchTimeoutMinutes } from '../../core/talm/batches';
import { anySelectorMatches, SelectorError, type LabelSelector } from '../../core/talm/select';
import {
  CGU_CLUSTERS_SELECTED_MESSAGE, CGU_IN_PROGRESS_MESSAGE, CGU_LABEL, CGU_NAMESPACE_LABEL, CGU_NO_CLUSTER_SPECIFIED, CGU_NO_CLUSTERS_MESSAGE, CGU_NOT_FOUND_PREFIX,
  CGU_SUCCEEDED_MESSAGE, CGU_TIMED_OUT_MESSAGE, CGU_VALIDATED_MESSAGE, EXPECTED_VALUES_ANNOTATION, fieldValueText, manifestWorkName, NAME_SUFFIX_ANNOTATION,
  safeResourceName, safeResourceNameKey,
} from '../../core/talm/wire';
import type { KubeObject, StoreEvent } from '../store';
import { findCondition, objectKey, putCondition, same, splitKey as split, TALM_MANAGER, type Condition, type ControllerContext } from './context';
import { QueuedController, type WorkQueue } from './queue';
import { deepEqual, type Json } from '../patch';

/**
 * A CGU's status to work on: a copy of the parts reconcile changes in place (the status, its `status`, the
 * current batch's progress and the `clusters` list), sharing the rest (the plan, names) with the stored CGU.
 */
function workingCopy(stored: Readonly<KubeObject> | undefined): KubeObject {
  if (!stored) return {};
  const status: KubeObject = { ...stored };
  if (stored.status) {
    status.status = { ...stored.status };
    if (stored.status.currentBatchRemediationProgress) status.status.currentBatchRemediationProgress = { ...stored.status.currentBatchRemediationProgress };
  }
  if (stored.clusters) status.clusters = [...stored.clusters];
  return status;
}

/** An entry of a CGU's `status.status.currentBatchRemediationProgress`. */
export interface Progress { state: 'NotStarted' | 'InProgress' | 'Completed'; manifestWorkIndex?: number }

function randomSuffix(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let out = '';
  for (let i = 0; i < 5; i++) out += alphabet[Math.floor(Math.random() * alphabet.length)];
  return out;
}

export class CguController extends QueuedController {
  private readonly cgus: WorkQueue;
  private readonly timers = new Map<string, () => void>();
  /** When each CGU and its current batch started, in simulated ms (status carries wall-clock times). */
  private readonly started = new Map<string, { step: number; batch: number }>();

  constructor(private readonly ctx: ControllerContext) {
    super();
    this.cgus = this.newQueue((k) => this.reconcile(k), (k, error) => ctx.log(`talm: reconcile of ClusterGroupUpgrade ${k}: ${error instanceof Error ? error.message : String(error)}`), ctx.clock);
    this.unsubscribers.push(ctx.hub.subscribe((e) => this.onEvent(e)));
    // A CGU that has succeeded needs no look (reconcile leaves it): an ACM hub holds a completed day-0 CGU of
    // ZTP's for every cluster.
    for (const cgu of ctx.hub.peekList(this.type('ClusterGroupUpgrade'))) if (!findCondition(cgu, 'Succeeded')) this.cgus.add(objectKey(cgu));
  }

  protected override stopped(): void {
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
  }

  private type(kind: string) {
    return this.ctx.hub.types.kind(kind);
  }

  /** The watches of TALM's CGU controller: CGUs (spec changes) and the ManifestWorks it labelled. */
  private onEvent(e: StoreEvent): void {
    const kind = e.resource.kind;
    if (kind === 'ClusterGroupUpgrade') {
      if (e.type === 'DELETED') this.deleteManifestWorks(e.object);
      // Its own status writes need no second look; a new or changed spec does.
      else if (e.type === 'ADDED' || e.object.metadata.generation !== e.previous?.metadata.generation) this.cgus.add(objectKey(e.object));
    } else if (kind === 'ManifestWork') {
      const cgu = e.object.metadata.labels?.[CGU_LABEL];
      const ns = e.object.metadata.labels?.[CGU_NAMESPACE_LABEL];
      if (cgu && ns && e.type === 'MODIFIED') this.cgus.add(`${ns}/${cgu}`);
    }
  }

  private reconcile(k: string): void {
    const [ns, name] = split(k);
    const t = this.type('ClusterGroupUpgrade');
    // Read only: the stored CGU is never changed; its status is worked on as a copy of the parts that change.
    const cgu = this.ctx.hub.peek(t, ns, name);
    this.timers.get(k)?.();
    this.timers.delete(k);
    if (!cgu || cgu.metadata.deletionTimestamp || findCondition(cgu, 'Succeeded')) return;
    const status = workingCopy(cgu.status);
    if (!status.remediationPlan) {
      this.started.set(k, { step: this.ctx.clock.now(), batch: this.ctx.clock.now() });
      if (!this.start(cgu, status)) return this.writeCgu(cgu, status);
    }
    this.advance(cgu, status);
    this.writeCgu(cgu, status);
  }

  private writeCgu(cgu: KubeObject, status: KubeObject): void {
    // Unchanged parts are the stored ones, so the comparison stops at each of them at once.
    if (deepEqual(status as Json, (cgu.status ?? {}) as Json)) return;
    this.ctx.hub.update(this.type('ClusterGroupUpgrade'), cgu.metadata.namespace, cgu.metadata.name, { ...cgu, status }, { subresource: 'status', fieldManager: TALM_MANAGER });
  }

  /** Selects the clusters and plans the batches; false when the CGU cannot start (or is already done). */
  private start(cgu: KubeObject, status: KubeObject): boolean {
    const now = this.ctx.clock.timestamp();
    const selectors: LabelSelector[] = cgu.spec.clusterLabelSelectors ?? [];
    const notFound = (detail: string) => {
      status.conditions = putCondition(status.conditions, { type: 'ClustersSelected', status: 'False', reason: 'ClusterNotFound', message: CGU_NOT_FOUND_PREFIX + detail }, now);
      return false;
    };
    if (!selectors.length) return notFound(CGU_NO_CLUSTER_SPECIFIED);
    let names: string[];
    try {
      names = this.ctx.hub.peekList(this.type('ManagedCluster')).filter((mc) => anySelectorMatches(selectors, mc.metadata.labels ?? {})).map((mc) => mc.metadata.name);
    } catch (error) {
      if (error instanceof SelectorError) return notFound(error.message);
      throw error;
    }
    const plan = batches(names, cgu.spec.remediationStrategy?.maxConcurrency ?? 0);
    status.conditions = putCondition(status.conditions, { type: 'ClustersSelected', status: 'True', reason: 'ClusterSelectionCompleted', message: CGU_CLUSTERS_SELECTED_MESSAGE }, now);
    status.conditions = putCondition(status.conditions, { type: 'Validated', status: 'True', reason: 'ValidationCompleted', message: CGU_VALIDATED_MESSAGE }, now);
    status.computedMaxConcurrency = batchSize(cgu.spec.remediationStrategy?.maxConcurrency ?? 0, names.length);
    status.remediationPlan = plan;
    status.status = { startedAt: now };
    if (!plan.length) {
      status.conditions = putCondition(status.conditions, { type: 'Progressing', status: 'False', reason: 'Completed', message: CGU_NO_CLUSTERS_MESSAGE }, now);
      status.conditions = putCondition(status.conditions, { type: 'Succeeded', status: 'True', reason: 'Completed', message: CGU_NO_CLUSTERS_MESSAGE }, now);
      status.status.completedAt = now;
      return false;
    }
    const suffix = cgu.metadata.annotations?.[NAME_SUFFIX_ANNOTATION];
    status.safeResourceNames = Object.fromEntries((cgu.spec.manifestWorkTemplates as string[]).map((tpl) => [safeResourceNameKey(cgu.metadata.namespace, tpl), manifestWorkName(cgu.metadata.namespace, tpl, suffix ?? randomSuffix())]));
    status.conditions = putCondition(status.conditions, { type: 'Progressing', status: 'True', reason: 'InProgress', message: CGU_IN_PROGRESS_MESSAGE }, now);
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
          status.conditions = putCondition(status.conditions, { type: 'Progressing', status: 'False', reason: 'TimedOut', message: CGU_TIMED_OUT_MESSAGE }, stamp);
          status.conditions = putCondition(status.conditions, { type: 'Succeeded', status: 'False', reason: 'TimedOut', message: CGU_TIMED_OUT_MESSAGE }, stamp);
        } else {
          status.conditions = putCondition(status.conditions, { type: 'Progressing', status: 'False', reason: 'Completed', message: CGU_SUCCEEDED_MESSAGE }, stamp);
          status.conditions = putCondition(status.conditions, { type: 'Succeeded', status: 'True', reason: 'Completed', message: CGU_SUCCEEDED_MESSAGE }, stamp);
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
    return status.safeResourceNames?.[safeResourceNameKey(cgu.metadata.namespace, tpl)] ?? safeResourceName(`${cgu.metadata.namespace}.${tpl}`);
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
        annotations: { [EXPECTED_VALUES_ANNOTATION]: mwrs.metadata.annotations?.[EXPECTED_VALUES_ANNOTATION] ?? '[]' },
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
      for (const mw of this.ctx.hub.peekList(t, c)) if (mw.metadata.labels?.[CGU_LABEL] === cgu.metadata.name) this.ctx.hub.delete(t, c, mw.metadata.name);
    }
  }

  /** `utils.IsManifestWorkCompleted`: applied, available, and the expected feedback value is "True". */
  private manifestWorkCompleted(mw: KubeObject | undefined): boolean {
    if (!mw) return false;
    if (findCondition(mw, 'Applied')?.status !== 'True' || findCondition(mw, 'Available')?.status !== 'True') return false;
    let expected: { manifestIndex: number; name: string; value: string }[];
    try {
      expected = JSON.parse(mw.metadata.annotations?.[EXPECTED_VALUES_ANNOTATION] ?? '[]');
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
    const metadata: KubeObject = { ...stored.metadata, annotations };
    if (!Object.keys(annotations).length) delete metadata.annotations;
    this.ctx.hub.update(t, undefined, cluster, { ...stored, metadata }, { fieldManager: TALM_MANAGER });
  }
}
