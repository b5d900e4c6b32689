/**
 * The hub model as the informers deliver it, indexed by which objects relate to which IBGU; each IBGU's
 * rollout is read back by the core (src/core/talm/readback.ts).
 */
import { clusterRow, frameOf, IncrementalRollout, isNamed, namedClusters, readIbgu, rolloutFrame, selectsCluster, stepChanges, stepFacts, withStep, type RolloutFrame } from '../core/talm/readback';
import type { Rollout } from '../core/talm/readback-model';
import { CGU_LABEL, CGU_NAMESPACE_LABEL, IBGU_OWNER_LABEL } from '../core/talm/wire';
import type { KubeObject, ModelChange } from './types';

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const keyOf = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
/** What of an IBGU its rollout's rows depend on: the plan and the selectors. */
const specOf = (ibgu: KubeObject) => JSON.stringify(readIbgu(ibgu));

function addTo(index: Map<string, Set<string>>, group: string | undefined, member: string): void {
  if (group === undefined) return;
  let set = index.get(group);
  if (!set) index.set(group, (set = new Set()));
  set.add(member);
}

function removeFrom(index: Map<string, Set<string>>, group: string | undefined, member: string): void {
  if (group === undefined) return;
  const set = index.get(group);
  set?.delete(member);
  if (set?.size === 0) index.delete(group);
}

/** `ns/<ibgu>` of a CGU's owner, from its `ibgu` label. */
const ownerOf = (cgu: KubeObject | undefined) => (cgu?.metadata.labels?.[IBGU_OWNER_LABEL] !== undefined ? `${cgu.metadata.namespace ?? ''}/${cgu.metadata.labels[IBGU_OWNER_LABEL]}` : undefined);
/** `ns/<cgu>` a ManifestWork belongs to, from TALM's two labels. */
function cguOf(work: KubeObject | undefined): string | undefined {
  const labels = work?.metadata.labels;
  return labels?.[CGU_LABEL] !== undefined && labels[CGU_NAMESPACE_LABEL] !== undefined ? `${labels[CGU_NAMESPACE_LABEL]}/${labels[CGU_LABEL]}` : undefined;
}

/**
 * An IBGU's rollout kept between events (readback.ts IncrementalRollout: the frame and one row per cluster),
 * with what changed since it was last read: clusters whose row must be recomputed and steps whose CGU changed.
 */
interface Kept {
  live: IncrementalRollout;
  /** readIbgu of the IBGU it was built from: a different plan or selectors rebuild it whole. */
  spec: string;
  /** A newer IBGU object with the same plan and selectors (its status, labels, ...). */
  ibgu?: KubeObject;
  clusters: Set<string>;
  steps: Set<number>;
  /**
   * A CGU of a step left the IBGU since (deleted, or its `ibgu` label changed): the ManifestWork events of the
   * meantime were not routed here, so the rollout is rebuilt whole.
   */
  lost: boolean;
}

export interface HubIndexOptions {
  /**
   * `whole`: any change to an IBGU's inputs recomputes its frame, every row and the assembly, as before issue
   * 18 (a ManagedCluster change excepted, which recomputed that row only, and now also assembles whole). Only for
   * measuring the incremental reducer against (bench/hub.bench.ts) and as a reference in tests.
   */
  recompute?: 'incremental' | 'whole';
}

/**
 * The hub model as the informers deliver it, indexed so that one IBGU's inputs are found without a scan
 * (CGUs by owner label and name, ManifestWorks by CGU labels and cluster, ManagedClusters by name), with
 * each IBGU's rollout kept and updated by what changed:
 *
 * - a ManagedCluster: that cluster's row (readback.ts clusterRow depends on nothing else);
 * - a ManifestWork: the row of its cluster (its namespace) in the rollout its CGU's owner runs: a step's
 *   ManifestWorks are read through a view of this index, so no step facts change;
 * - a CGU: that step's facts, and the rows of the clusters whose result in the step can change
 *   (readback.ts stepChanges); all rows when the step started or stopped being started, or when the CGU left
 *   the IBGU in between;
 * - an IBGU: its rollout's header when only its status or metadata changed; all rows when its plan or
 *   selectors did (every step and every cluster's selection depend on them).
 *
 * The rows' changes are folded into the kept Rollout without walking the others (IncrementalRollout).
 * Objects may arrive in any order: a CGU is filed under its owner's name before the IBGU exists, a
 * ManifestWork under its CGU's before the CGU does.
 */
export class HubIndex {
  private readonly ibgus = new Map<string, KubeObject>();
  private readonly keyOfUid = new Map<string, string>();
  private readonly cgus = new Map<string, KubeObject>();
  private readonly cgusByOwner = new Map<string, Set<string>>();
  private readonly works = new Map<string, KubeObject>();
  /** `ns/<cgu>` → cluster (the ManifestWork's namespace) → its ManifestWorks of that CGU. */
  private readonly worksByCgu = new Map<string, Map<string, KubeObject[]>>();
  private readonly clusters = new Map<string, KubeObject>();
  private clusterList: KubeObject[] | undefined;
  private readonly memo = new Map<string, Kept>();
  private readonly whole: boolean;

  constructor(options: HubIndexOptions = {}) {
    this.whole = options.recompute === 'whole';
  }

  /** Takes one informer change into the model. */
  apply(change: ModelChange): void {
    const o = change.object;
    const gone = change.type === 'delete';
    switch (change.kind) {
      case 'ImageBasedGroupUpgrade': {
        const k = keyOf(o);
        const old = this.ibgus.get(k);
        if (old?.metadata.uid) this.keyOfUid.delete(old.metadata.uid);
        const kept = this.memo.get(k);
        if (gone) {
          this.ibgus.delete(k);
          this.memo.delete(k);
        } else {
          this.ibgus.set(k, o);
          this.keyOfUid.set(o.metadata.uid ?? k, k);
          if (kept && old?.metadata.uid === o.metadata.uid && kept.spec === specOf(o)) kept.ibgu = o;
          else this.memo.delete(k);
        }
        return;
      }
      case 'ClusterGroupUpgrade': {
        const k = keyOf(o);
        const old = this.cgus.get(k);
        const from = ownerOf(old);
        const to = gone ? undefined : ownerOf(o);
        removeFrom(this.cgusByOwner, from, k);
        if (gone) this.cgus.delete(k);
        else {
          this.cgus.set(k, o);
          addTo(this.cgusByOwner, to, k);
        }
        this.touchStep(from, o.metadata.name, from !== to);
        if (to !== from) this.touchStep(to, o.metadata.name, false);
        return;
      }
      case 'ManifestWork': {
        const k = keyOf(o);
        const old = this.works.get(k);
        const cluster = o.metadata.namespace ?? '';
        if (old) {
          this.fileWork(cguOf(old), cluster, old.metadata.name, undefined);
          this.touchCluster(ownerOf(this.cgus.get(cguOf(old) ?? '')), cluster);
        }
        if (gone) this.works.delete(k);
        else {
          this.works.set(k, o);
          this.fileWork(cguOf(o), cluster, o.metadata.name, o);
          this.touchCluster(ownerOf(this.cgus.get(cguOf(o) ?? '')), cluster);
        }
        return;
      }
      case 'ManagedCluster': {
        if (gone) this.clusters.delete(o.metadata.name);
        else this.clusters.set(o.metadata.name, o);
        this.clusterList = undefined;
        // Every kept rollout re-reads this cluster's row: a cluster named by a CGU counts whatever its labels.
        for (const kept of this.memo.values()) kept.clusters.add(o.metadata.name);
      }
    }
  }

  /** Files (or, with `work` undefined, unfiles) a ManifestWork under its CGU and cluster; the lists are replaced, never changed. */
  private fileWork(cgu: string | undefined, cluster: string, name: string, work: KubeObject | undefined): void {
    if (cgu === undefined) return;
    let byCluster = this.worksByCgu.get(cgu);
    if (!byCluster) this.worksByCgu.set(cgu, (byCluster = new Map()));
    const list = (byCluster.get(cluster) ?? []).filter((w) => w.metadata.name !== name);
    if (work) list.push(work);
    if (list.length) byCluster.set(cluster, list);
    else {
      byCluster.delete(cluster);
      if (!byCluster.size) this.worksByCgu.delete(cgu);
    }
  }

  private touchCluster(ibguKey: string | undefined, cluster: string): void {
    if (ibguKey !== undefined) this.memo.get(ibguKey)?.clusters.add(cluster);
  }

  private touchStep(ibguKey: string | undefined, cguName: string, left: boolean): void {
    const kept = ibguKey === undefined ? undefined : this.memo.get(ibguKey);
    if (!kept) return;
    const i = kept.live.frame.cguNames.indexOf(cguName);
    if (i < 0) return;
    kept.steps.add(i);
    if (left) kept.lost = true;
  }

  /** The CGU of a step of the IBGU `ibguKey`: in its namespace, with its name in the `ibgu` label. */
  private stepCgu(ibguKey: string, namespace: string, cguName: string): KubeObject | undefined {
    const cgu = this.cgus.get(`${namespace}/${cguName}`);
    return cgu && ownerOf(cgu) === ibguKey ? cgu : undefined;
  }

  /** The frame, every row, the assembly. */
  private build(k: string, ibgu: KubeObject): Kept {
    const namespace = ibgu.metadata.namespace ?? '';
    let frame: RolloutFrame;
    if (this.whole) {
      // As before issue 18: the related objects gathered into lists, then read by rolloutFrame.
      const cguKeys = [...(this.cgusByOwner.get(k) ?? [])];
      frame = rolloutFrame(ibgu, {
        cgus: cguKeys.map((c) => this.cgus.get(c)!),
        manifestWorks: cguKeys.flatMap((c) => [...(this.worksByCgu.get(c)?.values() ?? [])].flat()),
      });
    } else {
      frame = frameOf(ibgu, (cguName) => {
        const cguKey = `${namespace}/${cguName}`;
        return { cgu: this.stepCgu(k, namespace, cguName), works: { get: (cluster: string) => this.worksByCgu.get(cguKey)?.get(cluster) } };
      });
    }
    const live = new IncrementalRollout(frame);
    const named = namedClusters(frame);
    const candidates = new Set(named);
    for (const [name, mc] of this.clusters) if (selectsCluster(frame.selectors, mc.metadata.labels ?? {})) candidates.add(name);
    for (const name of candidates) {
      const row = clusterRow(frame, name, this.labelsOf(name), named.has(name));
      if (row) live.setRow(name, row);
    }
    return { live, spec: specOf(ibgu), clusters: new Set(), steps: new Set(), lost: false };
  }

  private labelsOf(cluster: string) {
    const mc = this.clusters.get(cluster);
    return mc ? mc.metadata.labels ?? {} : undefined;
  }

  /** The rollout of the IBGU with this uid, updated by what changed since it was last read. */
  rolloutOf(ibguUid: string): Rollout | undefined {
    const k = this.keyOfUid.get(ibguUid);
    const ibgu = k === undefined ? undefined : this.ibgus.get(k);
    if (k === undefined || !ibgu) return undefined;
    let kept = this.memo.get(k);
    const changed = kept && (kept.ibgu || kept.steps.size || kept.clusters.size);
    if (!kept || kept.lost || (this.whole && changed)) this.memo.set(k, (kept = this.build(k, ibgu)));
    else if (changed) {
      const { live } = kept;
      let frame = kept.ibgu ? { ...live.frame, ibgu: kept.ibgu } : live.frame;
      const dirty = kept.clusters;
      for (const i of kept.steps) {
        const old = frame.steps[i]!;
        const next = stepFacts(frame.plan[i]!, i, this.stepCgu(k, ibgu.metadata.namespace ?? '', frame.cguNames[i]!), old.works);
        const touched = stepChanges(old, next);
        if (touched === 'all') {
          this.memo.set(k, (kept = this.build(k, ibgu)));
          return kept.live.rollout();
        }
        frame = withStep(frame, next);
        for (const c of touched) dirty.add(c);
      }
      if (frame !== live.frame) live.setFrame(frame, kept.steps);
      for (const name of dirty) live.setRow(name, clusterRow(frame, name, this.labelsOf(name), isNamed(frame, name)));
      kept.ibgu = undefined;
      kept.steps.clear();
      kept.clusters.clear();
    }
    return kept.live.rollout();
  }

  /** Every IBGU's rollout, sorted by namespace/name. */
  rollouts(): Rollout[] {
    const order = (a: KubeObject, b: KubeObject) => compare(a.metadata.namespace ?? '', b.metadata.namespace ?? '') || compare(a.metadata.name, b.metadata.name);
    return [...this.ibgus.values()].sort(order).map((o) => this.rolloutOf(o.metadata.uid ?? keyOf(o))!);
  }

  /** The ManagedClusters, in arrival order (the same array until one changes). */
  managedClusters(): readonly KubeObject[] {
    return (this.clusterList ??= [...this.clusters.values()]);
  }
}
