/**
 * The hub index's incremental rollouts (src/hub/hub-index.ts over readback.ts IncrementalRollout), as a
 * property: any sequence of informer changes — IBGUs, CGUs, ManifestWorks and ManagedClusters added, updated
 * and deleted, in any order (a ManifestWork before its CGU, a CGU before its IBGU, a CGU moving to another
 * IBGU) — leaves every kept rollout deep-equal to a from-scratch reduceRollout of the same objects, read after
 * every change or after several; and a Rollout once handed out never changes afterwards (the views compare
 * the previous one with the next: src/hub/news.ts).
 *
 *   IBGU_FUZZ_RUNS=20000   runs per property (default 200)
 *   IBGU_FUZZ_SEED=123     replay a failure with the seed fast-check printed
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { HubIndex } from '../../src/hub/hub-index';
import { reduceRollout } from '../../src/core/talm/readback';
import { CGU_LABEL, CGU_NAMESPACE_LABEL, IBGU_OWNER_LABEL } from '../../src/core/talm/wire';
import type { KubeObject, ModelChange, Rollout } from '../../src/hub/types';
import { CLEANUP_FAILED, cgu, cond, ibgu, ibuManifest, mc, mw, NS, succeeded, timedOut, type Data, type Step } from '../helpers/talm-objects';

const RUNS = Math.max(1, Number(process.env.IBGU_FUZZ_RUNS ?? 200));
const SEED = process.env.IBGU_FUZZ_SEED === undefined ? undefined : Number(process.env.IBGU_FUZZ_SEED);
const params = <T>(): fc.Parameters<T> => ({ numRuns: RUNS, includeErrorInReport: true, ...(SEED !== undefined ? { seed: SEED } : {}) });

const NAMES = ['c0', 'c1', 'c2', 'c3', 'c4', 'c5'];
/** Named in CGUs only: never a ManagedCluster. */
const GHOST = 'ghost';
const LABELS = ['lcm.openshift.io/ibgu-prep-completed', 'lcm.openshift.io/ibgu-prep-failed', 'lcm.openshift.io/ibgu-upgrade-completed', 'lcm.openshift.io/ibgu-upgrade-failed'];
const PLANS: Step[][] = [
  [[['Prep'], 2, 240], [['Upgrade'], 2, 240], [['AbortOnFailure'], 3, 60], [['FinalizeUpgrade'], 3, 60]],
  // The same CGU names, another maxConcurrency: a changed spec.
  [[['Prep'], 1, 240], [['Upgrade'], 2, 240], [['AbortOnFailure'], 3, 60], [['FinalizeUpgrade'], 3, 60]],
  [[['Prep', 'Upgrade'], 2, 240], [['FinalizeUpgrade'], 3, 60]],
];
const IBGUS = ['w', 'v'];
const FEEDBACK: Data[] = [
  ibuManifest({}),
  ibuManifest({ isPrepCompleted: 'True' }),
  ibuManifest({ isPrepCompleted: 'False', prepCompletedConditionMessages: 'Prep failed' }),
  ibuManifest({ isUpgradeCompleted: 'False', upgradeCompletedConditionMessages: 'Upgrade failed' }),
  ibuManifest({ isIdle: 'False', idleConditionMessages: CLEANUP_FAILED }),
  ibuManifest({}, { status: 'False', message: 'the spoke refused the manifest' }),
];

const name = fc.constantFrom(...NAMES);
const planned = fc.constantFrom(...NAMES, GHOST);
const actionsOf = (plan: number, step: number) => PLANS[plan]![step % PLANS[plan]!.length]![0];

const ibguOp = fc.record({
  op: fc.constant('ibgu' as const),
  owner: fc.constantFrom(...IBGUS),
  remove: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  plan: fc.integer({ min: 0, max: PLANS.length - 1 }),
  selector: fc.constantFrom('common', 'wave', 'broken'),
  message: fc.constantFrom(undefined, 'Waiting for the first step', 'Step 1 running'),
  newUid: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
});

const cguOp = fc.record({
  op: fc.constant('cgu' as const),
  owner: fc.constantFrom(...IBGUS),
  /** The `ibgu` label: usually the owner, sometimes the other IBGU (a CGU that moves), or none. */
  label: fc.constantFrom('owner', 'owner', 'owner', 'other', 'none'),
  remove: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  plan: fc.integer({ min: 0, max: PLANS.length - 1 }),
  step: fc.integer({ min: 0, max: 3 }),
  batches: fc.option(fc.array(fc.uniqueArray(planned, { maxLength: 4 }), { minLength: 1, maxLength: 3 }), { nil: undefined }),
  currentBatch: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
  progress: fc.dictionary(planned, fc.record({ state: fc.constantFrom('InProgress', 'Completed', 'NotStarted'), manifestWorkIndex: fc.option(fc.integer({ min: 0, max: 1 }), { nil: undefined }) }), { maxKeys: 4 }),
  recorded: fc.array(fc.record({ name: planned, state: fc.constantFrom('complete', 'timedout', 'other'), feedback: fc.integer({ min: 0, max: FEEDBACK.length - 1 }), withWork: fc.boolean() }), { maxLength: 4 }),
  condition: fc.constantFrom('none', 'none', 'succeeded', 'timedOut', 'notSelected'),
  safeNames: fc.boolean(),
  startedAt: fc.constantFrom(undefined, '2025-01-01T00:00:10Z', '2025-01-01T00:01:10Z'),
});

/** One thing of an existing CGU's status changes, as TALM moves a step on (the rest stays as it was). */
const cguTweak = fc.record({
  op: fc.constant('tweak' as const),
  /** Which of the CGUs there are. */
  pick: fc.nat(),
  what: fc.oneof(
    fc.record({ currentBatch: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }) }),
    fc.record({ progress: planned, entry: fc.option(fc.record({ state: fc.constantFrom('InProgress', 'Completed', 'NotStarted'), manifestWorkIndex: fc.option(fc.integer({ min: 0, max: 1 }), { nil: undefined }) }), { nil: undefined }) }),
    fc.record({ recorded: planned, state: fc.option(fc.constantFrom('complete', 'timedout', 'other'), { nil: undefined }), feedback: fc.integer({ min: 0, max: FEEDBACK.length - 1 }) }),
    fc.record({ condition: fc.constantFrom('none', 'succeeded', 'timedOut', 'notSelected') }),
    fc.record({ safeNames: fc.boolean() }),
    fc.record({ templates: fc.constantFrom('reversed', 'renamed') }),
    fc.record({ completedAt: fc.constantFrom(undefined, '2025-01-01T00:09:00Z') }),
  ),
});

/**
 * A CGU or ManifestWork there is (or was: deleted ones are kept) moves, keeping its content: a CGU to the
 * other IBGU, to none or back, deleted or brought back as it was; a ManifestWork to another CGU there is or
 * to a CGU namespace where there is none.
 */
const moveOp = fc.record({
  op: fc.constant('move' as const),
  work: fc.boolean(),
  pick: fc.nat(),
  to: fc.constantFrom('owner', 'other', 'none', 'delete', 'restore'),
  target: fc.nat(),
});

const workOp = fc.record({
  op: fc.constant('work' as const),
  /** Usually one of the CGUs there are (its name and a template of it), else from owner, plan and step. */
  pick: fc.option(fc.nat(), { nil: undefined, freq: 4 }),
  owner: fc.constantFrom(...IBGUS),
  plan: fc.integer({ min: 0, max: PLANS.length - 1 }),
  step: fc.integer({ min: 0, max: 3 }),
  action: fc.integer({ min: 0, max: 1 }),
  cluster: planned,
  remove: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
  feedback: fc.integer({ min: 0, max: FEEDBACK.length - 1 }),
  elsewhere: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
});

const clusterOp = fc.record({
  op: fc.constant('cluster' as const),
  name,
  remove: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
  common: fc.integer({ min: 0, max: 5 }).map((n) => n > 0),
  wave: fc.boolean(),
  labels: fc.subarray(LABELS),
});

/** One change, and whether the rollouts are read after it (else the next changes pile up first). */
const event = fc.tuple(fc.oneof({ arbitrary: ibguOp, weight: 1 }, { arbitrary: cguOp, weight: 2 }, { arbitrary: cguTweak, weight: 4 }, { arbitrary: moveOp, weight: 2 }, { arbitrary: workOp, weight: 5 }, { arbitrary: clusterOp, weight: 3 }), fc.boolean());
type Op = (typeof event extends fc.Arbitrary<infer T> ? T : never)[0];

/** Where a sequence starts: both IBGUs (not deleted) and every cluster, with random plans and labels. */
const start = fc.tuple(...IBGUS.map((owner) => ibguOp.map((o) => ({ ...o, owner, remove: false, newUid: false }))), ...NAMES.map((n) => clusterOp.map((o) => ({ ...o, name: n, remove: false }))));

/** The objects as the hub holds them, by kind and `ns/name`, from which a change is made and the reference computed. */
class Hub {
  readonly objects = { ImageBasedGroupUpgrade: new Map<string, KubeObject>(), ClusterGroupUpgrade: new Map<string, KubeObject>(), ManifestWork: new Map<string, KubeObject>(), ManagedCluster: new Map<string, KubeObject>() };
  private rv = 0;
  /** What was deleted, by kind and key, to be brought back by a `move` to `restore`. */
  private readonly deleted = { ClusterGroupUpgrade: new Map<string, KubeObject>(), ManifestWork: new Map<string, KubeObject>() };

  /** The change an op makes (undefined: deleting what is not there, or changing a CGU that is not there). */
  change(op: Op): ModelChange | undefined {
    if (op.op === 'tweak') return this.tweak(op);
    if (op.op === 'move') return this.move(op);
    const { kind, object } = this.objectOf(op);
    return this.put(kind, object, op.remove);
  }

  private put(kind: ModelChange['kind'], object: KubeObject, remove: boolean): ModelChange | undefined {
    const store = this.objects[kind];
    const key = `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
    const had = store.get(key);
    if (remove) {
      if (!had) return undefined;
      store.delete(key);
      if (kind === 'ClusterGroupUpgrade' || kind === 'ManifestWork') this.deleted[kind].set(key, had);
      return { kind, type: 'delete', object: had };
    }
    object.metadata.resourceVersion = String(++this.rv);
    store.set(key, object);
    return { kind, type: had ? 'update' : 'add', object };
  }

  private move(op: Extract<Op, { op: 'move' }>): ModelChange | undefined {
    const kind = op.work ? 'ManifestWork' : 'ClusterGroupUpgrade';
    const there = [...this.objects[kind].values()];
    const gone = [...this.deleted[kind].values()];
    if (op.to === 'restore') return gone.length ? this.put(kind, structuredClone(gone[op.pick % gone.length]!), false) : undefined;
    if (!there.length) return undefined;
    const o: KubeObject = structuredClone(there[op.pick % there.length]!);
    if (op.to === 'delete') return this.put(kind, o, true);
    if (op.work) {
      const cgus = [...this.objects.ClusterGroupUpgrade.values()];
      const labels = o.metadata.labels!;
      if (op.to === 'none' || !cgus.length) labels[CGU_NAMESPACE_LABEL] = 'other-ns';
      else Object.assign(labels, { [CGU_LABEL]: cgus[op.target % cgus.length]!.metadata.name, [CGU_NAMESPACE_LABEL]: NS });
    } else {
      const owner = IBGUS.find((i) => o.metadata.name.startsWith(`${i}-`))!;
      o.metadata.labels = op.to === 'none' ? {} : { [IBGU_OWNER_LABEL]: op.to === 'owner' ? owner : IBGUS.find((i) => i !== owner)! };
    }
    return this.put(kind, o, false);
  }

  private tweak(op: Extract<Op, { op: 'tweak' }>): ModelChange | undefined {
    const there = [...this.objects.ClusterGroupUpgrade.values()];
    if (!there.length) return undefined;
    const o: KubeObject = structuredClone(there[op.pick % there.length]!);
    const key = `${NS}/${o.metadata.name}`;
    const template: string = o.spec.manifestWorkTemplates[0];
    o.metadata.resourceVersion = String(++this.rv);
    const status = (o.status ??= {});
    const inner = (status.status ??= {});
    const what = op.what;
    if ('currentBatch' in what) {
      if (what.currentBatch === undefined) delete inner.currentBatch;
      else inner.currentBatch = what.currentBatch;
    } else if ('progress' in what) {
      const progress = (inner.currentBatchRemediationProgress ??= {});
      if (what.entry) progress[what.progress] = what.entry;
      else delete progress[what.progress];
    } else if ('recorded' in what) {
      const list: Data[] = (status.clusters ?? []).filter((c: Data) => c.name !== what.recorded);
      if (what.state) list.push({ name: what.recorded, state: what.state, currentManifestWork: { name: template, status: { manifests: [FEEDBACK[what.feedback]] } } });
      status.clusters = list;
    } else if ('condition' in what) {
      status.conditions = { none: [], succeeded: [succeeded], timedOut: [timedOut], notSelected: [cond('ClustersSelected', 'False', 'NotFound', 'no cluster matches')] }[what.condition];
    } else if ('templates' in what) {
      o.spec.manifestWorkTemplates = what.templates === 'reversed' ? [...o.spec.manifestWorkTemplates].reverse() : o.spec.manifestWorkTemplates.map((t: string) => `${t}-renamed`);
    } else if ('safeNames' in what) {
      status.safeResourceNames = what.safeNames ? Object.fromEntries(o.spec.manifestWorkTemplates.map((t: string) => [`/${NS}.${t}`, `${NS}.${t}-kuttl`])) : {};
    } else if (what.completedAt === undefined) delete inner.completedAt;
    else inner.completedAt = what.completedAt;
    this.objects.ClusterGroupUpgrade.set(key, o);
    return { kind: 'ClusterGroupUpgrade', type: 'update', object: o };
  }

  private objectOf(op: Exclude<Op, { op: 'tweak' | 'move' }>): { kind: ModelChange['kind']; object: KubeObject } {
    switch (op.op) {
      case 'ibgu': {
        const selector: Record<string, string> = op.selector === 'wave' ? { common: 'true', wave: '1' } : { common: 'true' };
        const o = ibgu(op.owner, PLANS[op.plan]!, selector, op.message ? { status: { conditions: [cond('Progressing', 'True', 'InProgress', op.message)] } } : {});
        if (op.selector === 'broken') o.spec.clusterLabelSelectors = [{ matchExpressions: [{ key: 'common', operator: 'Sometimes', values: ['true'] }] }];
        if (op.newUid) o.metadata.uid = `uid-${op.owner}-again`;
        return { kind: 'ImageBasedGroupUpgrade', object: o };
      }
      case 'cgu': {
        const actions = actionsOf(op.plan, op.step);
        const status: Data = {};
        if (op.batches) status.remediationPlan = op.batches;
        status.status = { ...(op.currentBatch !== undefined ? { currentBatch: op.currentBatch } : {}), currentBatchRemediationProgress: op.progress, ...(op.startedAt ? { startedAt: op.startedAt } : {}) };
        status.clusters = op.recorded.map((r) => ({
          name: r.name,
          state: r.state,
          ...(r.withWork ? { currentManifestWork: { name: `${op.owner}-${actions[0]!.toLowerCase()}`, status: { manifests: [FEEDBACK[r.feedback]] } } } : {}),
        }));
        const conditions = { none: [], succeeded: [succeeded], timedOut: [timedOut], notSelected: [cond('ClustersSelected', 'False', 'NotFound', 'no cluster matches')] }[op.condition];
        if (conditions.length) status.conditions = conditions;
        const o = cgu(op.owner, op.step % PLANS[op.plan]!.length, actions, status);
        if (!op.safeNames) o.status.safeResourceNames = {};
        if (op.label === 'other') o.metadata.labels = { [IBGU_OWNER_LABEL]: IBGUS.find((i) => i !== op.owner)! };
        if (op.label === 'none') o.metadata.labels = {};
        return { kind: 'ClusterGroupUpgrade', object: o };
      }
      case 'work': {
        const there = [...this.objects.ClusterGroupUpgrade.values()];
        if (op.pick !== undefined && there.length) {
          const c = there[op.pick % there.length]!;
          const templates: string[] = c.spec.manifestWorkTemplates;
          return { kind: 'ManifestWork', object: mw(op.cluster, c.metadata.name, templates[op.action % templates.length]!, [FEEDBACK[op.feedback]!], op.elsewhere ? 'other-ns' : NS) };
        }
        const actions = actionsOf(op.plan, op.step);
        const action = actions[op.action % actions.length]!.toLowerCase();
        const cguName = `${op.owner}-${actions.map((a) => a.toLowerCase()).join('-')}-${op.step % PLANS[op.plan]!.length}`;
        return { kind: 'ManifestWork', object: mw(op.cluster, cguName, `${op.owner}-${action}`, [FEEDBACK[op.feedback]!], op.elsewhere ? 'other-ns' : NS) };
      }
      case 'cluster': {
        const labels: Record<string, string> = { common: op.common ? 'true' : 'false' };
        if (op.wave) labels.wave = '1';
        for (const l of op.labels) labels[l] = '';
        return { kind: 'ManagedCluster', object: mc(op.name, labels) };
      }
    }
  }

  /** Every IBGU's rollout computed from scratch, sorted as HubIndex.rollouts() sorts them. */
  reference(): Rollout[] {
    const related = { cgus: [...this.objects.ClusterGroupUpgrade.values()], manifestWorks: [...this.objects.ManifestWork.values()], managedClusters: [...this.objects.ManagedCluster.values()] };
    return [...this.objects.ImageBasedGroupUpgrade.values()].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1)).map((i) => reduceRollout(i, related));
  }
}

describe('HubIndex incremental rollouts (property)', () => {
  test('equal a from-scratch reduceRollout after any sequence of changes, and never change once handed out', () => {
    fc.assert(fc.property(start, fc.array(event, { minLength: 1, maxLength: 60, size: 'max' }), (setup, events) => {
      const hub = new Hub();
      const index = new HubIndex();
      for (const op of setup) {
        const change = hub.change(op);
        if (change) index.apply(change);
      }
      let handedOut: { rollouts: Rollout[]; copy: Rollout[] } | undefined;
      events.forEach(([op, read], n) => {
        const change = hub.change(op);
        if (change) index.apply(change);
        if (!read && n < events.length - 1) return;
        const expected = hub.reference();
        const actual = index.rollouts();
        assert.deepEqual(actual, expected, `after event ${n}: ${JSON.stringify(op)}`);
        if (handedOut) assert.deepEqual(handedOut.rollouts, handedOut.copy, `a rollout handed out before event ${n} changed`);
        handedOut = { rollouts: actual, copy: structuredClone(actual) };
      });
    }), params());
  });

  test('an IBGU read alone: the others keep their changes until they are read', () => {
    fc.assert(fc.property(start, fc.array(event, { minLength: 1, maxLength: 40, size: 'max' }), fc.array(fc.constantFrom(...IBGUS), { minLength: 40, maxLength: 40 }), (setup, events, reads) => {
      const hub = new Hub();
      const index = new HubIndex();
      for (const op of setup) {
        const change = hub.change(op);
        if (change) index.apply(change);
      }
      events.forEach(([op, read], n) => {
        const change = hub.change(op);
        if (change) index.apply(change);
        if (!read) return;
        const which = hub.objects.ImageBasedGroupUpgrade.get(`${NS}/${reads[n]}`);
        if (!which) return;
        const expected = hub.reference().find((r) => r.name === reads[n]);
        assert.deepEqual(index.rolloutOf(which.metadata.uid!), expected, `after event ${n}`);
      });
      assert.deepEqual(index.rollouts(), hub.reference());
    }), params());
  });
});
