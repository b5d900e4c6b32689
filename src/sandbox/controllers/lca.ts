/**
 * The Lifecycle Agent of each simulated spoke: moves the IBU `upgrade` through its stages when
 * `spec.stage` changes, with the conditions, validNextStages and history LCA writes (the core's stage
 * machine, src/core/lca/stages.ts), over durations and faults from the scenario, in simulated time.
 *
 * What it simulates beyond the stage machine, because users meet it in real upgrades:
 * - Prep validates `oadpContent` and `extraManifests` ConfigMaps on the spoke, with LCA's messages.
 * - Upgrade creates the Velero Backups from the OADP ConfigMaps before the pivot (they fail validation when
 *   the BackupStorageLocation is unavailable, which fails the Upgrade) and the Restores after it. LVM
 *   Storage volumes survive only if a Backup includes `logicalvolumes.topolvm.io` (and the scenario does
 *   not lose them): the data loss our linter warns about happens here for real. The PVs and claims come
 *   back either way (Velero recreates them), so a lost volume shows as the guide describes it: a PV without
 *   its logicalvolume and a kubelet FailedMount Event "VolumeID is not found".
 * - Abort and finalize can fail (AbortFailed / FinalizeFailed) until `lca.openshift.io/manual-cleanup-done`.
 */
import { randomUUID } from 'node:crypto';
import { parseAllDocuments } from 'yaml';
import { manualCleanupApplies, nextStatus, retryCleanup, type IbuEvent, type IbuObject, type IbuStage } from '../../core/lca/stages';
import { faultOf, type ClusterPlan, type DurationKey, type FaultKind } from '../scenario';
import { APP_CLAIMS, APP_NAMESPACE, appVolumeName } from '../seed';
import { IBU_NAME, OADP_NAMESPACE } from '../../core/lca/names';
import type { KubeObject, Store, StoreEvent } from '../store';
import type { ApiSurface } from '../surface';
import { sameFields, type Condition, type ControllerContext } from './context';
import { QueuedController, type WorkQueue } from './queue';
import { BACKUP_TYPE } from '../../core/kube/types';

/** The label the simulated LCA marks the Backups and Restores it applied with (its value: the IBU's name). */
const BACKUP_OWNER_LABEL = 'lca.openshift.io/backup-owner';

const LCA = 'lifecycle-agent';
const LVM_RESOURCE = 'logicalvolumes.topolvm.io';

/** Failure texts used when a scenario's fault gives none: what LCA reports in such cases. */
export const DEFAULT_FAULT_MESSAGES: Record<FaultKind, string> = {
  Prep: 'failed to run precache: 3 images failed to be pulled, see the lca-prep-precache job logs in openshift-lifecycle-agent',
  Upgrade: 'failed to complete pre-pivot steps: timed out waiting for the export of the cluster configuration',
  Rollback: 'failed to boot the previous stateroot: ostree admin set-default failed',
  Abort: 'failed to delete the new stateroot rhcos_4.17.2: device or resource busy',
  Finalize: 'failed to delete the old stateroot rhcos_4.16.12: device or resource busy',
  BackupStorageLocationUnavailable: '',
  LogicalVolumesLost: '',
};

interface SpokeState {
  /** The desired stage LCA last acted on. */
  handled: string;
  afterPivot: boolean;
  cancel: (() => void)[];
  cleanupAttempts: number;
  retryPending: boolean;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class Lca extends QueuedController {
  private readonly queue: WorkQueue;
  private readonly states = new Map<string, SpokeState>();
  /** Per spoke, inside `oneWrite`: the IBU status to write when the pass ends. */
  private readonly pending = new Map<string, KubeObject | undefined>();
  private readonly plans: Map<string, ClusterPlan>;

  constructor(private readonly ctx: ControllerContext) {
    super();
    this.plans = new Map(ctx.scenario.clusters.map((c) => [c.name, c]));
    this.queue = this.newQueue((k) => this.reconcile(k), (k, e) => ctx.log(`lca ${k}: ${errorText(e)}`), ctx.clock);
    ctx.spokes.onCreate((spoke) => {
      this.unsubscribers.push(spoke.store.subscribe((e) => this.onEvent(spoke, e)));
      this.queue.add(spoke.name);
    });
  }

  protected override stopped(): void {
    for (const s of this.states.values()) for (const c of s.cancel) c();
  }

  private onEvent(spoke: ApiSurface, e: StoreEvent): void {
    // LCA reconciles on spec changes and on the annotations it watches, not on its own status writes.
    if (e.resource.kind !== 'ImageBasedUpgrade') return;
    if (e.type === 'MODIFIED' && e.object.metadata.generation === e.previous?.metadata.generation && JSON.stringify(e.object.metadata.annotations) === JSON.stringify(e.previous?.metadata.annotations)) return;
    this.queue.add(spoke.name);
  }

  private state(cluster: string): SpokeState {
    let s = this.states.get(cluster);
    if (!s) this.states.set(cluster, (s = { handled: 'Idle', afterPivot: false, cancel: [], cleanupAttempts: 0, retryPending: false }));
    return s;
  }

  private minutes(cluster: string, key: DurationKey): number {
    return this.plans.get(cluster)?.durations[key] ?? 1;
  }

  private reconcile(cluster: string): void {
    const spoke = this.ctx.spokes.get(cluster);
    if (!spoke) return;
    this.oneWrite(spoke, () => this.reconcileSpoke(spoke, cluster));
  }

  private reconcileSpoke(spoke: ApiSurface, cluster: string): void {
    const t = spoke.types.kind('ImageBasedUpgrade');
    let ibu = spoke.store.peek(t, undefined, 'upgrade');
    const state = this.state(cluster);
    if (!ibu) {
      // LCA recreates its singleton in Idle.
      spoke.store.create(t, undefined, { metadata: { name: 'upgrade' }, spec: { stage: 'Idle' } }, { fieldManager: LCA });
      this.writeStatus(spoke, (i) => nextStatus(i, { type: 'setStage', stage: 'Idle' }));
      state.handled = 'Idle';
      return;
    }
    if (manualCleanupApplies(ibu as IbuObject) && !state.retryPending) {
      state.retryPending = true;
      state.cancel.push(this.ctx.clock.after(this.minutes(cluster, 'cleanupRetry'), () => this.retry(spoke)));
    }
    const desired = String(ibu.spec?.stage ?? 'Idle');
    if (desired !== state.handled && ['Idle', 'Prep', 'Upgrade', 'Rollback'].includes(desired)) {
      const before = JSON.stringify(ibu.status?.conditions ?? []);
      ibu = this.writeStatus(spoke, (i) => nextStatus(i, { type: 'setStage', stage: desired as IbuStage, afterPivot: state.afterPivot }));
      state.handled = desired;
      const invalid = (ibu.status?.conditions as Condition[] | undefined)?.some((c) => c.reason === 'InvalidTransition') && JSON.stringify(ibu.status?.conditions) !== before;
      if (!invalid) this.begin(spoke, desired as IbuStage);
    } else if (ibu.status?.observedGeneration !== ibu.metadata.generation) {
      this.writeStatus(spoke, (i) => i);
    }
  }

  /**
   * Runs `work` as one pass of LCA's reconcile: the status changes it makes are written once, at its end.
   * LCA's Reconcile changes the IBU's status in memory (conditions, history, messages) and updates it once
   * after handling the stage (openshift-kni/lifecycle-agent controllers/ibu_controller.go, "Update status"
   * after handleStage); writing each change on its own made three to four writes of every stage step.
   */
  private oneWrite(spoke: ApiSurface, work: () => void): void {
    if (this.pending.has(spoke.name)) return work();
    const t = spoke.types.kind('ImageBasedUpgrade');
    const before = spoke.store.peek(t, undefined, 'upgrade');
    if (!before) return work();
    this.pending.set(spoke.name, before.status);
    try {
      work();
    } finally {
      const status = this.pending.get(spoke.name);
      this.pending.delete(spoke.name);
      const current = spoke.store.peek(t, undefined, 'upgrade');
      if (current && status !== current.status) spoke.store.update(t, undefined, 'upgrade', { ...current, status }, { subresource: 'status', fieldManager: LCA });
    }
  }

  /** The IBU's status as this pass has it: the one still to write inside `oneWrite`, else the stored one. */
  private statusOf(spoke: ApiSurface): KubeObject | undefined {
    if (this.pending.has(spoke.name)) return this.pending.get(spoke.name);
    return spoke.store.peek(spoke.types.kind('ImageBasedUpgrade'), undefined, 'upgrade')?.status;
  }

  /**
   * Writes the IBU's status through the subresource, stamping conditions as LCA does; returns the result.
   * Inside `oneWrite` the status is only kept, and written when the pass ends.
   */
  private writeStatus(spoke: ApiSurface, change: (ibu: IbuObject) => IbuObject): Readonly<KubeObject> {
    const t = spoke.types.kind('ImageBasedUpgrade');
    const stored = spoke.store.peek(t, undefined, 'upgrade')!;
    const pending = this.pending.has(spoke.name);
    const current: Readonly<KubeObject> = pending ? { ...stored, status: this.pending.get(spoke.name) } : stored;
    const next = change(current as IbuObject) as KubeObject;
    const now = this.ctx.clock.timestamp();
    const old: Condition[] = current.status?.conditions ?? [];
    const conditions = ((next.status?.conditions ?? []) as Condition[]).map((c) => {
      const prev = old.find((o) => o.type === c.type);
      const { lastTransitionTime: _t, observedGeneration: _g, ...rest } = c;
      const unchanged = prev && prev.status === c.status && prev.reason === c.reason && prev.message === c.message;
      const stamped = { ...rest, lastTransitionTime: unchanged ? (prev.lastTransitionTime ?? now) : now, observedGeneration: current.metadata.generation };
      // An unchanged condition stays the stored one (see putCondition).
      return prev && sameFields(prev, stamped) ? prev : stamped;
    });
    const status = { ...(next.status ?? {}), conditions, observedGeneration: current.metadata.generation };
    if (pending) {
      this.pending.set(spoke.name, status);
      return { ...stored, status };
    }
    spoke.store.update(t, undefined, 'upgrade', { ...current, status }, { subresource: 'status', fieldManager: LCA });
    // The stored result, read only (the update's own result would be a copy).
    return spoke.store.peek(t, undefined, 'upgrade')!;
  }

  private history(spoke: ApiSurface, change: (h: KubeObject[]) => KubeObject[]): void {
    // The entries are the stored ones: `change` builds new ones for what it changes (endPhase), never edits them.
    this.writeStatus(spoke, (ibu) => ({ ...ibu, status: { ...ibu.status, history: change([...(ibu.status?.history ?? [])]) } }));
  }

  private message(spoke: ApiSurface, type: string, message: string): void {
    this.writeStatus(spoke, (ibu) => {
      const conditions = (ibu.status?.conditions ?? []).map((c) => (c.type === type && String(c.status) === 'True' ? { ...c, message } : c));
      return { ...ibu, status: { ...ibu.status, conditions } };
    });
  }

  private finish(spoke: ApiSurface, event: IbuEvent): void {
    this.writeStatus(spoke, (ibu) => nextStatus(ibu, event));
  }

  /** Runs `steps` at fractions of the stage's duration; a later stage change cancels the rest. */
  private schedule(spoke: ApiSurface, minutes: number, steps: [number, () => boolean | void][]): void {
    const state = this.state(spoke.name);
    const stage = state.handled;
    let stopped = false;
    for (const [fraction, run] of steps) {
      state.cancel.push(this.ctx.clock.after(minutes * fraction, () => {
        if (stopped || state.handled !== stage) return;
        try {
          this.oneWrite(spoke, () => {
            if (run() === false) stopped = true;
          });
        } catch (error) {
          this.ctx.log(`lca ${spoke.name}: ${errorText(error)}`);
        }
      }));
    }
  }

  private begin(spoke: ApiSurface, stage: IbuStage): void {
    const state = this.state(spoke.name);
    for (const c of state.cancel) c();
    state.cancel = [];
    state.retryPending = false;
    const now = () => this.ctx.clock.timestamp();
    const plan = this.plans.get(spoke.name);
    const fault = (kind: FaultKind) => faultOf(plan, kind);
    const failWith = (kind: FaultKind) => fault(kind)?.message ?? DEFAULT_FAULT_MESSAGES[kind];
    const cluster = spoke.name;

    if (stage === 'Prep') {
      this.history(spoke, () => [{ stage: 'Prep', startTime: now(), phases: [{ phase: 'Stateroot', startTime: now() }] }]);
      this.message(spoke, 'PrepInProgress', 'Stateroot setup job in progress. job-name: lca-prep-stateroot-setup, job-namespace: openshift-lifecycle-agent');
      const problem = this.validateSpec(spoke);
      this.schedule(spoke, this.minutes(cluster, 'prep'), [
        [problem ? 0.05 : 0.5, () => {
          if (problem) {
            this.finish(spoke, { type: 'stageFailed', message: `failed to validate IBU spec: ${problem}` });
            return false;
          }
          this.history(spoke, (h) => endPhase(h, 'Stateroot', 'Precache', now()));
          this.message(spoke, 'PrepInProgress', 'Precache job in progress. job-name: lca-prep-precache, job-namespace: openshift-lifecycle-agent. total: 96 (pulled: 48, failed: 0)');
        }],
        [1, () => {
          this.history(spoke, (h) => endPhase(h, 'Precache', undefined, now(), true));
          if (fault('Prep')) this.finish(spoke, { type: 'stageFailed', message: failWith('Prep') });
          else this.finish(spoke, { type: 'stageSucceeded' });
        }],
      ]);
    } else if (stage === 'Upgrade') {
      this.history(spoke, (h) => [...h, { stage: 'Upgrade', startTime: now(), phases: [{ phase: 'PrePivot', startTime: now() }] }]);
      const backups = this.oadpObjects(spoke, 'Backup');
      if (backups.length) this.message(spoke, 'UpgradeInProgress', 'Backing up Application Data');
      this.schedule(spoke, this.minutes(cluster, 'upgrade'), [
        [0.1, () => {
          const failed = this.runBackups(spoke, backups);
          if (failed.length) {
            this.finish(spoke, { type: 'stageFailed', message: `Failed backup CRs: ${failed.join(',')}` });
            return false;
          }
          this.message(spoke, 'UpgradeInProgress', 'Exporting Application Configuration');
        }],
        [0.3, () => {
          if (!fault('Upgrade')) return;
          this.finish(spoke, { type: 'stageFailed', message: failWith('Upgrade') });
          return false;
        }],
        [0.5, () => {
          // The pivot: the cluster reboots into the new stateroot; what was not backed up is gone.
          state.afterPivot = true;
          this.history(spoke, (h) => endPhase(h, 'PrePivot', 'PostPivot', now()));
          this.restoreAfterPivot(spoke, backups);
          if (backups.length) this.message(spoke, 'UpgradeInProgress', 'Restore of Application Data is in progress');
        }],
        [1, () => {
          this.history(spoke, (h) => endPhase(h, 'PostPivot', undefined, now(), true));
          this.finish(spoke, { type: 'stageSucceeded' });
        }],
      ]);
    } else if (stage === 'Rollback') {
      this.history(spoke, (h) => [...h, { stage: 'Rollback', startTime: now() }]);
      this.schedule(spoke, this.minutes(cluster, 'rollback'), [[1, () => {
        state.afterPivot = false;
        this.history(spoke, (h) => endPhase(h, undefined, undefined, now(), true));
        if (fault('Rollback')) this.finish(spoke, { type: 'stageFailed', message: failWith('Rollback') });
        else this.finish(spoke, { type: 'stageSucceeded' });
      }]]);
    } else {
      const reason = (this.statusOf(spoke)?.conditions as Condition[] | undefined)?.find((c) => c.type === 'Idle')?.reason;
      if (reason !== 'Aborting' && reason !== 'Finalizing') return;
      const kind: FaultKind = reason === 'Aborting' ? 'Abort' : 'Finalize';
      state.cleanupAttempts = 0;
      this.schedule(spoke, this.minutes(cluster, reason === 'Aborting' ? 'abort' : 'finalize'), [[1, () => {
        if (fault(kind)) this.finish(spoke, { type: 'cleanupFailed', errors: [failWith(kind)] });
        else this.cleanedUp(spoke);
      }]]);
    }
  }

  /** Idle again: history reset, LCA's Backups and Restores deleted, the pivot forgotten. */
  private cleanedUp(spoke: ApiSurface): void {
    const state = this.state(spoke.name);
    state.afterPivot = false;
    this.writeStatus(spoke, (ibu) => {
      const next = nextStatus(ibu, { type: 'stageSucceeded' });
      const { history: _h, ...status } = next.status ?? {};
      return { ...next, status };
    });
    for (const kind of ['Backup', 'Restore']) {
      const t = spoke.types.kind(kind);
      for (const o of spoke.store.peekList(t, OADP_NAMESPACE)) if (o.metadata.labels?.[BACKUP_OWNER_LABEL] === IBU_NAME) spoke.store.delete(t, OADP_NAMESPACE, o.metadata.name);
    }
  }

  /** `manual-cleanup-done`: LCA removes the annotation and runs the cleanup again. */
  private retry(spoke: ApiSurface): void {
    const state = this.state(spoke.name);
    state.retryPending = false;
    const t = spoke.types.kind('ImageBasedUpgrade');
    const ibu = spoke.store.peek(t, undefined, 'upgrade');
    if (!ibu || !manualCleanupApplies(ibu as IbuObject)) return;
    const reason = (ibu.status?.conditions as Condition[] | undefined)?.find((c) => c.type === 'Idle')?.reason;
    const fault = faultOf(this.plans.get(spoke.name), reason === 'AbortFailed' ? 'Abort' : 'Finalize');
    state.cleanupAttempts++;
    const fails = fault !== undefined && state.cleanupAttempts <= (fault.retriesFailing ?? 0);
    const next = retryCleanup(ibu as IbuObject, fails ? [fault.message ?? DEFAULT_FAULT_MESSAGES[fault.kind]] : []) as KubeObject;
    spoke.store.update(t, undefined, 'upgrade', { ...ibu, metadata: next.metadata }, { fieldManager: LCA });
    if (fails) this.writeStatus(spoke, () => next as IbuObject);
    else this.cleanedUp(spoke);
  }

  /** Prep's spec validation (facts §5): the referenced ConfigMaps and the Backup/Restore pairing. */
  private validateSpec(spoke: ApiSurface): string | undefined {
    const ibu = spoke.store.peek(spoke.types.kind('ImageBasedUpgrade'), undefined, 'upgrade')!;
    const cmType = spoke.types.kind('ConfigMap');
    const refs = (list: unknown): { name: string; namespace: string }[] => (Array.isArray(list) ? list.filter((r) => r && typeof r.name === 'string') : []);
    const oadp = refs(ibu.spec?.oadpContent);
    if (oadp.length) {
      const seen = new Set<string>();
      const backups: KubeObject[] = [];
      const restores: KubeObject[] = [];
      for (const ref of oadp) {
        if (seen.has(`${ref.namespace}/${ref.name}`)) continue;
        seen.add(`${ref.namespace}/${ref.name}`);
        const cm = spoke.store.peek(cmType, ref.namespace, ref.name);
        if (!cm) return `failed to validate oadp configMap: OADP configmap not found, error: failed to get configMap configmaps "${ref.name}" not found. Please create the configmap.`;
        for (const text of Object.values<string>(cm.data ?? {})) {
          for (const doc of parseAllDocuments(text) as ReturnType<typeof parseAllDocuments> & unknown[]) {
            if ('errors' in doc && doc.errors.length) return `failed to validate oadp configMap: failed to decode file: ${doc.errors[0]!.message}`;
            const obj = doc.toJS({ maxAliasCount: 100 }) as KubeObject | null;
            if (obj?.apiVersion !== BACKUP_TYPE.apiVersion) continue;
            if (obj.kind === 'Backup') backups.push(obj);
            if (obj.kind === 'Restore') restores.push(obj);
          }
        }
      }
      for (const r of restores) {
        if (!backups.some((b) => b.metadata?.name === r.spec?.backupName)) return `failed to validate oadp configMap: The backup CR ${r.spec?.backupName} defined in restore CR ${r.metadata?.name} not found in OADP configmaps`;
      }
      if (!backups.length || !restores.length || backups.length !== restores.length) {
        return 'failed to validate oadp configMap: Both backup and restore CRs should be specified in OADP configmaps and each backup CR should be paired with a corresponding restore CR.';
      }
    }
    for (const ref of refs(ibu.spec?.extraManifests)) {
      if (!spoke.store.peek(cmType, ref.namespace, ref.name)) return `failed to validate extramanifest cms: the extraManifests configMap is not found, error: configmaps "${ref.name}" not found. Please create the configMap.`;
    }
    return undefined;
  }

  /** The Backups or Restores of the IBU's OADP ConfigMaps on the spoke, in apply-wave order. */
  private oadpObjects(spoke: ApiSurface, kind: 'Backup' | 'Restore'): KubeObject[] {
    const ibu = spoke.store.peek(spoke.types.kind('ImageBasedUpgrade'), undefined, 'upgrade')!;
    const out: KubeObject[] = [];
    for (const ref of Array.isArray(ibu.spec?.oadpContent) ? ibu.spec.oadpContent : []) {
      const cm = spoke.store.peek(spoke.types.kind('ConfigMap'), ref.namespace, ref.name);
      for (const text of Object.values<string>(cm?.data ?? {})) {
        for (const doc of parseAllDocuments(text) as unknown as { toJS(o: object): unknown }[]) {
          const obj = doc.toJS({ maxAliasCount: 100 }) as KubeObject | null;
          if (obj?.apiVersion === BACKUP_TYPE.apiVersion && obj.kind === kind && typeof obj.metadata?.name === 'string') out.push(obj);
        }
      }
    }
    const wave = (o: KubeObject) => {
      const w = Number.parseInt(o.metadata?.annotations?.['lca.openshift.io/apply-wave'] ?? '', 10);
      return Number.isFinite(w) ? w : 2147483647;
    };
    return out.sort((a, b) => wave(a) - wave(b) || (a.metadata.name < b.metadata.name ? -1 : 1));
  }

  /** Velero's side of the backups: Completed, or FailedValidation when the storage location is unavailable. */
  private runBackups(spoke: ApiSurface, backups: readonly KubeObject[]): string[] {
    const store = spoke.store;
    const bsl = store.peek(spoke.types.kind('BackupStorageLocation'), OADP_NAMESPACE, 'default');
    const failed: string[] = [];
    for (const b of backups) {
      const ns = b.metadata.namespace ?? OADP_NAMESPACE;
      const location = b.spec?.storageLocation || 'default';
      const unavailable = bsl?.status?.phase !== 'Available';
      const status = unavailable
        ? { phase: 'FailedValidation', validationErrors: [`backup can't be created because BackupStorageLocation ${location} is in Unavailable status.`] }
        : { phase: 'Completed', startTimestamp: this.ctx.clock.timestamp(), completionTimestamp: this.ctx.clock.timestamp(), itemsBackedUp: 42, totalItems: 42 };
      if (unavailable) failed.push(b.metadata.name);
      this.put(store, spoke, 'Backup', ns, { ...b, metadata: { ...b.metadata, namespace: ns, labels: { ...(b.metadata.labels ?? {}), [BACKUP_OWNER_LABEL]: IBU_NAME } }, status });
    }
    return failed;
  }

  /** After the pivot: Restores are created and complete; LVM volumes come back only if they were backed up. */
  private restoreAfterPivot(spoke: ApiSurface, backups: readonly KubeObject[]): void {
    const store = spoke.store;
    const lvType = spoke.types.kind('LogicalVolume');
    const includes = (b: KubeObject) => [...(b.spec?.includedClusterScopedResources ?? []), ...(b.spec?.includedResources ?? [])].some((r: string) => r === '*' || r === LVM_RESOURCE || r === 'logicalvolumes');
    const kept = backups.some(includes) && !faultOf(this.plans.get(spoke.name), 'LogicalVolumesLost');
    if (!kept) {
      for (const lv of store.peekList(lvType)) if (lv.metadata.labels?.['app.kubernetes.io/part-of'] === APP_NAMESPACE) store.delete(lvType, undefined, lv.metadata.name);
    }
    this.restoreClaims(spoke, backups.length > 0, kept);
    for (const r of this.oadpObjects(spoke, 'Restore')) {
      const ns = r.metadata.namespace ?? OADP_NAMESPACE;
      this.put(store, spoke, 'Restore', ns, {
        ...r,
        metadata: { ...r.metadata, namespace: ns, labels: { ...(r.metadata.labels ?? {}), [BACKUP_OWNER_LABEL]: IBU_NAME } },
        status: { phase: 'Completed', startTimestamp: this.ctx.clock.timestamp(), completionTimestamp: this.ctx.clock.timestamp() },
      });
    }
  }

  /**
   * The application's PVs and claims after the pivot: Velero recreates them from the Backup (new uids and
   * timestamps, same spec), or nothing does when there was no Backup. A restored PV whose logicalvolume
   * is gone points at a volume id LVM Storage no longer has: the kubelet cannot mount it.
   */
  private restoreClaims(spoke: ApiSurface, restored: boolean, volumesKept: boolean): void {
    const store = spoke.store;
    const pvType = spoke.types.kind('PersistentVolume');
    const pvcType = spoke.types.kind('PersistentVolumeClaim');
    for (const claim of APP_CLAIMS) {
      const name = appVolumeName(spoke.name, claim);
      const pv = store.peek(pvType, undefined, name);
      const pvc = store.peek(pvcType, APP_NAMESPACE, claim);
      if (pv) store.delete(pvType, undefined, name);
      if (pvc) store.delete(pvcType, APP_NAMESPACE, claim);
      if (!restored || !pv || !pvc) continue;
      const strip = (o: KubeObject): KubeObject => {
        const { uid: _u, resourceVersion: _r, creationTimestamp: _c, managedFields: _m, ...metadata } = o.metadata;
        return { ...o, metadata };
      };
      store.create(pvType, undefined, strip(pv), { fieldManager: 'velero' });
      store.create(pvcType, APP_NAMESPACE, strip(pvc), { fieldManager: 'velero' });
      if (!volumesKept) this.failedMount(spoke, claim, name);
    }
  }

  /** The kubelet's Warning on the application pod that uses a volume whose LVM volume is gone. */
  private failedMount(spoke: ApiSurface, claim: string, volume: string): void {
    const now = this.ctx.clock.timestamp();
    const pod = `${claim.split('-')[0]}-0`;
    spoke.store.create(spoke.types.kind('Event'), APP_NAMESPACE, {
      metadata: { name: `${pod}.${randomUUID().replace(/-/g, '').slice(0, 16)}`, namespace: APP_NAMESPACE },
      involvedObject: { apiVersion: 'v1', kind: 'Pod', namespace: APP_NAMESPACE, name: pod },
      reason: 'FailedMount',
      message: `MountVolume.SetUp failed for volume "${volume}" : rpc error: code = Unknown desc = VolumeID is not found`,
      type: 'Warning',
      source: { component: 'kubelet', host: spoke.name },
      reportingComponent: 'kubelet',
      reportingInstance: spoke.name,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    }, { fieldManager: 'kubelet' });
  }

  private put(store: Store, spoke: ApiSurface, kind: string, ns: string, obj: KubeObject): void {
    const t = spoke.types.kind(kind);
    if (!store.peek(spoke.types.kind('Namespace'), undefined, ns)) store.create(spoke.types.kind('Namespace'), undefined, { metadata: { name: ns } }, { fieldManager: LCA });
    const { resourceVersion: _rv, uid: _uid, ...metadata } = obj.metadata;
    const existing = store.peek(t, ns, obj.metadata.name);
    if (existing) store.update(t, ns, obj.metadata.name, { ...obj, metadata: { ...existing.metadata, ...metadata } }, { fieldManager: 'velero' });
    else store.create(t, ns, { ...obj, metadata }, { fieldManager: 'velero' });
  }
}

/** Ends the running phase of the last history entry and optionally starts the next (or ends the entry). */
function endPhase(history: KubeObject[], phase: string | undefined, next: string | undefined, now: string, completeEntry = false): KubeObject[] {
  const last = history[history.length - 1];
  if (!last) return history;
  // A new last entry and phase list: the stored ones are shared with earlier versions and never changed.
  let ended = false;
  const phases: KubeObject[] = (last.phases ?? []).map((p: KubeObject) => {
    if (ended || p.phase !== phase || p.completionTime) return p;
    ended = true;
    return { ...p, completionTime: now };
  });
  if (next) phases.push({ phase: next, startTime: now });
  const entry: KubeObject = { ...last };
  if (phases.length) entry.phases = phases;
  if (completeEntry) entry.completionTime = now;
  return [...history.slice(0, -1), entry];
}
