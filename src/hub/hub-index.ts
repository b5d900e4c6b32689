/**
 * The hub model as the informers deliver it, indexed by which objects relate to which IBGU; each IBGU's
 * rollout is read back by the core (src/core/talm/readback.ts).
 */
import { assembleRollout, clusterRow, namedClusters, readIbgu, rolloutFrame, selectsCluster, type ClusterRow, type RolloutFrame } from '../core/talm/readback';
import type { Rollout } from '../core/talm/readback-model';
import { sortClusterNames, type LabelSelector } from '../core/talm/select';
import { CGU_LABEL, CGU_NAMESPACE_LABEL, IBGU_OWNER_LABEL } from '../core/talm/wire';
import type { KubeObject, ModelChange } from './types';

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const keyOf = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

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
 * An IBGU's rollout kept between events: the frame (IBGU, CGUs, ManifestWorks) and one row per cluster.
 * A ManagedCluster change recomputes only that cluster's row (readback.ts clusterRow depends on nothing else)
 * and re-assembles; any other input recomputes the frame and every row.
 */
interface LiveRollout {
  version: number;
  frame: RolloutFrame;
  named: Set<string>;
  rows: Map<string, ClusterRow>;
  /** The rows' names sorted, until a cluster joins or leaves the rollout. */
  order: string[] | undefined;
  /** Clusters changed since the rollout was last assembled. */
  dirty: Set<string>;
  rollout: Rollout | undefined;
}

/**
 * The hub model as the informers deliver it, indexed so that one IBGU's inputs are found without a scan
 * (CGUs by owner label, ManifestWorks by CGU labels, ManagedClusters by name), with each IBGU's rollout
 * kept until one of its inputs changes (see LiveRollout). Objects may arrive in any order: a CGU is filed under its
 * owner's name before the IBGU exists, a ManifestWork under its CGU's before the CGU does.
 */
export class HubIndex {
  private readonly ibgus = new Map<string, KubeObject>();
  private readonly keyOfUid = new Map<string, string>();
  private readonly baseSelectors = new Map<string, LabelSelector[]>();
  private readonly cgus = new Map<string, KubeObject>();
  private readonly cgusByOwner = new Map<string, Set<string>>();
  private readonly works = new Map<string, KubeObject>();
  private readonly worksByCgu = new Map<string, Set<string>>();
  private readonly clusters = new Map<string, KubeObject>();
  private clusterList: KubeObject[] | undefined;
  /** Per IBGU `ns/name`: bumped whenever an input of its rollout changes. */
  private readonly versions = new Map<string, number>();
  private readonly memo = new Map<string, LiveRollout>();
  private tick = 0;

  /** Takes one informer change into the model. */
  apply(change: ModelChange): void {
    const o = change.object;
    const gone = change.type === 'delete';
    switch (change.kind) {
      case 'ImageBasedGroupUpgrade': {
        const k = keyOf(o);
        const old = this.ibgus.get(k);
        if (old?.metadata.uid) this.keyOfUid.delete(old.metadata.uid);
        if (gone) {
          this.ibgus.delete(k);
          this.baseSelectors.delete(k);
          this.memo.delete(k);
        } else {
          this.ibgus.set(k, o);
          this.keyOfUid.set(o.metadata.uid ?? k, k);
          this.baseSelectors.set(k, readIbgu(o).selectors);
        }
        this.bump(k);
        return;
      }
      case 'ClusterGroupUpgrade': {
        const k = keyOf(o);
        const old = this.cgus.get(k);
        removeFrom(this.cgusByOwner, ownerOf(old), k);
        this.bump(ownerOf(old));
        if (gone) this.cgus.delete(k);
        else {
          this.cgus.set(k, o);
          addTo(this.cgusByOwner, ownerOf(o), k);
          this.bump(ownerOf(o));
        }
        return;
      }
      case 'ManifestWork': {
        const k = keyOf(o);
        const old = this.works.get(k);
        removeFrom(this.worksByCgu, cguOf(old), k);
        this.bump(ownerOf(this.cgus.get(cguOf(old) ?? '')));
        if (gone) this.works.delete(k);
        else {
          this.works.set(k, o);
          addTo(this.worksByCgu, cguOf(o), k);
          this.bump(ownerOf(this.cgus.get(cguOf(o) ?? '')));
        }
        return;
      }
      case 'ManagedCluster': {
        if (gone) this.clusters.delete(o.metadata.name);
        else this.clusters.set(o.metadata.name, o);
        this.clusterList = undefined;
        // Every kept rollout re-reads this cluster's row: a cluster named by a CGU counts whatever its labels.
        for (const live of this.memo.values()) live.dirty.add(o.metadata.name);
      }
    }
  }

  private bump(ibguKey: string | undefined): void {
    if (ibguKey !== undefined) this.versions.set(ibguKey, ++this.tick);
  }

  /** The rollout of the IBGU with this uid: reassembled from the rows that changed, or recomputed when its frame did. */
  rolloutOf(ibguUid: string): Rollout | undefined {
    const k = this.keyOfUid.get(ibguUid);
    const ibgu = k === undefined ? undefined : this.ibgus.get(k);
    if (k === undefined || !ibgu) return undefined;
    const version = this.versions.get(k) ?? 0;
    let live = this.memo.get(k);
    if (live?.version !== version) {
      const cguKeys = [...(this.cgusByOwner.get(k) ?? [])];
      const frame = rolloutFrame(ibgu, {
        cgus: cguKeys.map((c) => this.cgus.get(c)!),
        manifestWorks: cguKeys.flatMap((c) => [...(this.worksByCgu.get(c) ?? [])].map((w) => this.works.get(w)!)),
      });
      const named = namedClusters(frame);
      const rows = new Map<string, ClusterRow>();
      const candidates = new Set(named);
      for (const [name, mc] of this.clusters) if (selectsCluster(frame.selectors, mc.metadata.labels ?? {})) candidates.add(name);
      for (const name of candidates) {
        const row = clusterRow(frame, name, this.clusters.get(name)?.metadata.labels ?? (this.clusters.has(name) ? {} : undefined), named.has(name));
        if (row) rows.set(name, row);
      }
      live = { version, frame, named, rows, order: undefined, dirty: new Set(), rollout: undefined };
      this.memo.set(k, live);
    } else if (live.dirty.size) {
      for (const name of live.dirty) {
        const mc = this.clusters.get(name);
        const row = clusterRow(live.frame, name, mc ? mc.metadata.labels ?? {} : undefined, live.named.has(name));
        const had = live.rows.has(name);
        if (row) live.rows.set(name, row);
        else live.rows.delete(name);
        if (had !== !!row) live.order = undefined;
        // A cluster the rollout never had, nor has now, leaves it as it was.
        if (had || row) live.rollout = undefined;
      }
      live.dirty.clear();
    }
    if (live.rollout) return live.rollout;
    live.order ??= sortClusterNames(live.rows.keys());
    const rows = live.rows;
    live.rollout = assembleRollout(live.frame, live.order.map((n) => rows.get(n)!));
    return live.rollout;
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
