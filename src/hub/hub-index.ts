/**
 * The hub model as the informers deliver it, indexed by which objects relate to which IBGU; each IBGU's
 * rollout is read back by the core (src/core/talm/readback.ts).
 */
import { readIbgu, reduceRollout, selectsCluster, type RolloutRelated } from '../core/talm/readback';
import type { Rollout } from '../core/talm/readback-model';
import type { LabelSelector } from '../core/talm/select';
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
 * The hub model as the informers deliver it, indexed so that one IBGU's inputs are found without a scan
 * (CGUs by owner label, ManifestWorks by CGU labels, ManagedClusters by name), with each IBGU's rollout
 * memoised until one of its inputs changes. Objects may arrive in any order: a CGU is filed under its
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
  private readonly memo = new Map<string, { version: number; rollout: Rollout }>();
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
        const old = this.clusters.get(o.metadata.name);
        if (gone) this.clusters.delete(o.metadata.name);
        else this.clusters.set(o.metadata.name, o);
        this.clusterList = undefined;
        // Only the IBGUs whose selectors match the cluster before or after the change can see it.
        for (const [k, selectors] of this.baseSelectors) {
          if ((old && selectsCluster(selectors, old.metadata.labels ?? {})) || selectsCluster(selectors, o.metadata.labels ?? {})) this.bump(k);
        }
      }
    }
  }

  private bump(ibguKey: string | undefined): void {
    if (ibguKey !== undefined) this.versions.set(ibguKey, ++this.tick);
  }

  /** The rollout of the IBGU with this uid, recomputed only when one of its inputs changed since the last call. */
  rolloutOf(ibguUid: string): Rollout | undefined {
    const k = this.keyOfUid.get(ibguUid);
    const ibgu = k === undefined ? undefined : this.ibgus.get(k);
    if (k === undefined || !ibgu) return undefined;
    const version = this.versions.get(k) ?? 0;
    const cached = this.memo.get(k);
    if (cached?.version === version) return cached.rollout;
    const cguKeys = [...(this.cgusByOwner.get(k) ?? [])];
    const related: RolloutRelated = {
      cgus: cguKeys.map((c) => this.cgus.get(c)!),
      manifestWorks: cguKeys.flatMap((c) => [...(this.worksByCgu.get(c) ?? [])].map((w) => this.works.get(w)!)),
      managedClusters: this.managedClusters(),
    };
    const rollout = reduceRollout(ibgu, related);
    this.memo.set(k, { version, rollout });
    return rollout;
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
