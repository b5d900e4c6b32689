/**
 * TALM's IBGU controller as the sandbox runs it: turns each plan step into a ClusterGroupUpgrade (and one
 * ManifestWorkReplicaSet per action, as a template store), then aggregates the CGUs into `status.clusters`,
 * the Progressing condition and the ManagedCluster labels (`controllers/imagebasedgroupupgrade.go`).
 *
 * Aggregation, labels and messages are the core's (src/core/talm), the same functions `ibgu preview` and
 * the linter use; names, labels and annotations are TALM's wire vocabulary (src/core/talm/wire.ts).
 */
import { CLUSTER_ROLE_TYPE, CONFIG_MAP_TYPE, IBU_TYPE, SECRET_TYPE } from '../../core/kube/types';
import { labelsAfterStatus } from '../../core/talm/batches';
import { stepSelectors } from '../../core/talm/select';
import { aggregateClusters, progressingCondition, type Feedback, type StepClusterResult, type StepOutcome } from '../../core/talm/status';
import {
  ACTION_FEEDBACK, actionOfTemplate, AGGREGATE_TO_WORK_LABEL, clusterGroupUpgradeName, DISABLE_AUTO_IMPORT_ANNOTATION, EXPECTED_VALUES_ANNOTATION, fieldValueText,
  IBGU_OWNER_LABEL, IBU_ROLE_NAME, LCA_ANNOTATION_MARK, manifestWorkReplicaSetName, NAME_SUFFIX_ANNOTATION,
} from '../../core/talm/wire';
import { IBU_NAME, LCA_NAMESPACE } from '../../core/lca/names';
import type { KubeObject, StoreEvent } from '../store';
import { findCondition, objectKey as key, putCondition, splitKey as split, TALM_MANAGER, type Condition, type ControllerContext } from './context';
import type { Progress } from './cgu-controller';
import { QueuedController, type WorkQueue } from './queue';
import { deepEqual, type Json } from '../patch';

export class IbguController extends QueuedController {
  private readonly ibgus: WorkQueue;

  constructor(private readonly ctx: ControllerContext) {
    super();
    this.ibgus = this.newQueue((k) => this.reconcile(k), (k, error) => ctx.log(`talm: reconcile of ImageBasedGroupUpgrade ${k}: ${error instanceof Error ? error.message : String(error)}`), ctx.clock);
    this.unsubscribers.push(ctx.hub.subscribe((e) => this.onEvent(e)));
    for (const ibgu of ctx.hub.peekList(this.type('ImageBasedGroupUpgrade'))) this.ibgus.add(key(ibgu));
  }

  private type(kind: string) {
    return this.ctx.hub.types.kind(kind);
  }

  /** The watches of TALM's IBGU controller: IBGUs (generation changes) and the CGUs it owns. */
  private onEvent(e: StoreEvent): void {
    const kind = e.resource.kind;
    if (kind === 'ImageBasedGroupUpgrade') {
      if (e.type === 'DELETED') this.collect(e.object);
      else if (e.type === 'ADDED' || e.object.metadata.generation !== e.previous?.metadata.generation) this.ibgus.add(key(e.object));
    } else if (kind === 'ClusterGroupUpgrade') {
      const owner = e.object.metadata.labels?.[IBGU_OWNER_LABEL];
      if (owner) this.ibgus.add(`${e.object.metadata.namespace}/${owner}`);
    }
  }

  private reconcile(k: string): void {
    const [ns, name] = split(k);
    const hub = this.ctx.hub;
    // Read only: what is written is a new status (the store copies it), and the templates' and CGU's bodies.
    const ibgu = hub.peek(this.type('ImageBasedGroupUpgrade'), ns, name);
    if (!ibgu || ibgu.metadata.deletionTimestamp) return;
    this.ensureClusterLabels(ibgu.status?.clusters ?? []);
    const plan: { actions: string[]; rolloutStrategy?: { maxConcurrency?: number; timeout?: number } }[] = Array.isArray(ibgu.spec?.plan) ? ibgu.spec.plan : [];
    const cgus = new Map(hub.peekList(this.type('ClusterGroupUpgrade'), ns).filter((c) => c.metadata.labels?.[IBGU_OWNER_LABEL] === name).map((c) => [c.metadata.name as string, c]));

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
    if (deepEqual(status as Json, ibgu.status as Json)) return;
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
      this.ctx.hub.update(t, undefined, status.name, { ...stored, metadata: { ...stored.metadata, labels } }, { fieldManager: TALM_MANAGER });
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
      const mwrsName = manifestWorkReplicaSetName(name, action);
      templates.push(mwrsName);
      if (!hub.peek(this.type('ManifestWorkReplicaSet'), ns, mwrsName)) {
        hub.create(this.type('ManifestWorkReplicaSet'), ns, this.replicaSet(ibgu, action, mwrsName, owner), { fieldManager: TALM_MANAGER });
      }
    }
    const upgrade = actions.includes('Upgrade');
    const annotations: Record<string, string> = {};
    const suffix = ibgu.metadata.annotations?.[NAME_SUFFIX_ANNOTATION];
    if (suffix !== undefined) annotations[NAME_SUFFIX_ANNOTATION] = suffix;
    const cgu = {
      metadata: { name: clusterGroupUpgradeName(name, actions, index), labels: { [IBGU_OWNER_LABEL]: name }, ...(suffix !== undefined ? { annotations } : {}), ownerReferences: [owner] },
      spec: {
        enable: true,
        manifestWorkTemplates: templates,
        remediationStrategy: { maxConcurrency: step.rolloutStrategy?.maxConcurrency ?? 0, timeout: step.rolloutStrategy?.timeout ?? 240 },
        clusterLabelSelectors: stepSelectors(ibgu.spec.clusterLabelSelectors ?? [], actions[0] ?? ''),
        actions: upgrade
          ? { beforeEnable: { addClusterAnnotations: { [DISABLE_AUTO_IMPORT_ANNOTATION]: 'true' } }, afterCompletion: { removeClusterAnnotations: [DISABLE_AUTO_IMPORT_ANNOTATION] } }
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
        const cm = hub.peek(this.type('ConfigMap'), ref.namespace, ref.name);
        if (!cm) {
          this.ctx.log(`talm: oadpContent ConfigMap ${ref.namespace}/${ref.name} is not on the hub; not copied to the spokes`);
          continue;
        }
        manifests.push({ apiVersion: CONFIG_MAP_TYPE.apiVersion, kind: CONFIG_MAP_TYPE.kind, metadata: { name: cm.metadata.name, namespace: cm.metadata.namespace }, data: cm.data ?? {} });
      }
      const secretName = ibuSpec.seedImageRef?.pullSecretRef?.name;
      const secret = secretName ? hub.peek(this.type('Secret'), ns, secretName) : undefined;
      if (secret) manifests.push({ apiVersion: SECRET_TYPE.apiVersion, kind: SECRET_TYPE.kind, metadata: { name: secret.metadata.name, namespace: LCA_NAMESPACE }, type: secret.type, data: secret.data ?? {} });
    }
    manifests.push({
      apiVersion: CLUSTER_ROLE_TYPE.apiVersion, kind: CLUSTER_ROLE_TYPE.kind,
      metadata: { name: IBU_ROLE_NAME, labels: { [AGGREGATE_TO_WORK_LABEL]: 'true' } },
      rules: [{ apiGroups: [IBU_TYPE.group], resources: [IBU_TYPE.plural], verbs: ['*'] }],
    });
    const lcaAnnotations = Object.fromEntries(Object.entries<string>(ibgu.metadata.annotations ?? {}).filter(([k]) => k.includes(LCA_ANNOTATION_MARK)));
    const def = ACTION_FEEDBACK[action]!;
    manifests.push({
      apiVersion: IBU_TYPE.apiVersion, kind: IBU_TYPE.kind,
      metadata: { name: IBU_NAME, ...(Object.keys(lcaAnnotations).length ? { annotations: lcaAnnotations } : {}) },
      spec: { ...ibuSpec, stage: def.stage },
    });
    return {
      metadata: {
        name: mwrsName,
        annotations: { [EXPECTED_VALUES_ANNOTATION]: JSON.stringify([{ manifestIndex: manifests.length - 1, name: def.done, value: 'True' }]) },
        ownerReferences: [owner],
      },
      spec: {
        placementRefs: [{ name: 'dummy' }],
        manifestWorkTemplate: {
          deleteOption: { propagationPolicy: 'Orphan' },
          workload: { manifests },
          manifestConfigs: [{
            resourceIdentifier: { group: IBU_TYPE.group, resource: IBU_TYPE.plural, name: IBU_NAME, namespace: '' },
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
      for (const o of hub.peekList(t, ibgu.metadata.namespace)) {
        if ((o.metadata.ownerReferences ?? []).some((r: KubeObject) => r.uid === ibgu.metadata.uid)) hub.delete(t, o.metadata.namespace, o.metadata.name);
      }
    }
  }
}

/** `same` for label maps: the same keys in the same order with the same values (what JSON equality means). */
function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}
