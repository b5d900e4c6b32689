/**
 * The OCM work agent of each simulated spoke: applies a ManifestWork's manifests to the spoke's API server
 * (create, or update keeping the object's other labels and annotations) and reports back on the hub the
 * per-manifest conditions and the status feedback TALM reads (JSONPaths evaluated on the spoke's IBU).
 * A manifest the spoke refuses (e.g. the IBU CRD's stage-transition rule) shows as `Applied=False` with
 * the spoke's message, which is how such refusals reach an IBGU's `failedActions`.
 */
import { apiVersionOf } from '../registry';
import { ApiError } from '../status';
import type { KubeObject, StoreEvent } from '../store';
import type { ApiSurface } from '../surface';
import { putCondition, same, type Condition, type ControllerContext } from './context';
import { QueuedController, type WorkQueue } from './queue';

const AGENT = 'work-agent';

interface Applied { ordinal: number; meta: KubeObject; error?: string }

/**
 * The JSONPath forms TALM's feedback rules use: `.a.b[?(@.k=="v")].c`. Like the Kubernetes parser with
 * missing keys allowed, a path that does not resolve gives no value (upstream's stray quote in
 * `.message'` makes that field name not exist, so those values are never reported).
 */
export function evaluateJsonPath(obj: unknown, path: string): string | undefined {
  const tokens = path.match(/\.[^.[\]]+|\[\?\(@\.[A-Za-z0-9_]+=="[^"]*"\)\]/g);
  if (!tokens || tokens.join('') !== path) return undefined;
  let current: unknown[] = [obj];
  for (const token of tokens) {
    const next: unknown[] = [];
    for (const c of current) {
      if (token.startsWith('.')) {
        if (c && typeof c === 'object' && !Array.isArray(c) && Object.prototype.hasOwnProperty.call(c, token.slice(1))) next.push((c as Record<string, unknown>)[token.slice(1)]);
      } else if (Array.isArray(c)) {
        const [, field, value] = /^\[\?\(@\.([A-Za-z0-9_]+)=="([^"]*)"\)\]$/.exec(token)!;
        for (const item of c) if (item && typeof item === 'object' && String((item as Record<string, unknown>)[field!]) === value) next.push(item);
      }
    }
    current = next;
  }
  if (!current.length || current[0] === undefined || current[0] === null) return undefined;
  return current.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(' ');
}

/**
 * A work another agent has applied: its status already reports its current generation Applied and this agent
 * never applied it. Such are an ACM fleet's add-on and klusterlet works (acm-fleet.ts), seeded as the real
 * agents left them; the simulated spoke serves only what the image-based upgrade needs, so they stay as
 * reported (and their spoke is not created for them): they are not queued at start, and only a change of
 * their spec (a new generation) queues them. Then this agent applies them.
 */
function appliedElsewhere(mw: Readonly<KubeObject>): boolean {
  const applied = (mw.status?.conditions as Condition[] | undefined)?.find((c) => c.type === 'Applied');
  return applied?.status === 'True' && (applied as Condition & { observedGeneration?: number }).observedGeneration === mw.metadata.generation;
}

export class WorkAgent extends QueuedController {
  private readonly queue: WorkQueue;
  /** Per ManifestWork (cluster/name): the generation applied and what each manifest gave. */
  private readonly applied = new Map<string, { generation: number; results: Applied[] }>();
  /** The works applied to each cluster, so that a spoke change looks only at its own. */
  private readonly byCluster = new Map<string, Set<string>>();

  constructor(private readonly ctx: ControllerContext) {
    super();
    this.queue = this.newQueue((k) => this.reconcile(k), (k, e) => ctx.log(`work-agent: ${k}: ${e instanceof Error ? e.message : String(e)}`), ctx.clock);
    this.unsubscribers.push(ctx.hub.subscribe((e) => this.onHubEvent(e)));
    ctx.spokes.onCreate((spoke) => this.unsubscribers.push(spoke.store.subscribe((e) => this.onSpokeEvent(spoke, e))));
    // Only the works still to apply are copied: an ACM fleet's hub holds hundreds of KB of add-on works per cluster.
    const pending = ctx.hub.page(ctx.hub.types.kind('ManifestWork'), undefined, { match: (mw) => !appliedElsewhere(mw) }).items;
    for (const mw of pending) this.queue.add(`${mw.metadata.namespace}/${mw.metadata.name}`);
  }


  private onHubEvent(e: StoreEvent): void {
    if (e.resource.kind !== 'ManifestWork') return;
    const k = `${e.object.metadata.namespace}/${e.object.metadata.name}`;
    if (e.type === 'DELETED') {
      this.applied.delete(k);
      this.byCluster.get(e.object.metadata.namespace)?.delete(k);
    }
    else if (e.type === 'ADDED' || e.object.metadata.generation !== e.previous?.metadata.generation) this.queue.add(k);
  }

  /** A change on the spoke refreshes the status feedback of the works targeting it. */
  private onSpokeEvent(spoke: ApiSurface, e: StoreEvent): void {
    if (e.resource.kind !== 'ImageBasedUpgrade') return;
    for (const k of this.byCluster.get(spoke.name) ?? []) this.queue.add(k);
  }

  private reconcile(k: string): void {
    const slash = k.indexOf('/');
    const cluster = k.slice(0, slash);
    const name = k.slice(slash + 1);
    const hub = this.ctx.hub;
    const t = hub.types.kind('ManifestWork');
    // The stored object, read only: the store copies what it is given to write.
    const mw = hub.peek(t, cluster, name);
    // A namespace without a simulated spoke is a cluster whose agent never answers: no status at all.
    const spoke = this.ctx.spokes.get(cluster);
    if (!mw || !spoke) return;
    let record = this.applied.get(k);
    if (!record || record.generation !== mw.metadata.generation) {
      record = { generation: mw.metadata.generation, results: this.apply(spoke, mw) };
      this.applied.set(k, record);
      let keys = this.byCluster.get(cluster);
      if (!keys) this.byCluster.set(cluster, (keys = new Set()));
      keys.add(k);
    }
    const status = this.statusOf(spoke, mw, record.results);
    if (status === mw.status || same(status, mw.status)) return;
    hub.update(t, cluster, name, { ...mw, status }, { subresource: 'status', fieldManager: AGENT });
  }

  private apply(spoke: ApiSurface, mw: KubeObject): Applied[] {
    const manifests: KubeObject[] = mw.spec?.workload?.manifests ?? [];
    return manifests.map((m, ordinal) => {
      const t = spoke.types.byApiVersionKind(String(m.apiVersion ?? ''), String(m.kind ?? ''));
      const meta: KubeObject = { ordinal, group: '', version: '', kind: String(m.kind ?? ''), resource: '', name: String(m.metadata?.name ?? ''), namespace: '' };
      if (!t) return { ordinal, meta, error: `no matches for kind "${m.kind}" in version "${m.apiVersion}"` };
      const namespace = t.namespaced ? String(m.metadata?.namespace ?? 'default') : undefined;
      Object.assign(meta, { group: t.group, version: t.version, resource: t.plural, namespace: namespace ?? '' });
      try {
        const existing = spoke.store.peek(t, namespace, meta.name);
        const { status: _ignored, ...desired } = m;
        if (!existing) spoke.store.create(t, namespace, desired, { fieldManager: AGENT });
        else {
          const next: KubeObject = { ...existing, ...desired, apiVersion: apiVersionOf(t) };
          next.metadata = {
            ...existing.metadata,
            labels: { ...(existing.metadata.labels ?? {}), ...(desired.metadata?.labels ?? {}) },
            annotations: { ...(existing.metadata.annotations ?? {}), ...(desired.metadata?.annotations ?? {}) },
          };
          if (!Object.keys(next.metadata.labels).length) delete next.metadata.labels;
          if (!Object.keys(next.metadata.annotations).length) delete next.metadata.annotations;
          spoke.store.update(t, namespace, meta.name, next, { fieldManager: AGENT });
        }
        return { ordinal, meta };
      } catch (error) {
        if (error instanceof ApiError) return { ordinal, meta, error: error.message };
        throw error;
      }
    });
  }

  private statusOf(spoke: ApiSurface, mw: KubeObject, results: readonly Applied[]): KubeObject {
    const now = this.ctx.clock.timestamp();
    const old: KubeObject = mw.status ?? {};
    const configs: KubeObject[] = mw.spec?.manifestConfigs ?? [];
    const manifests = results.map((r) => {
      const previous = (old.resourceStatus?.manifests ?? []).find((m: KubeObject) => m.resourceMeta?.ordinal === r.ordinal);
      let conditions: Condition[] = previous?.conditions ?? [];
      const exists = !r.error && this.lookup(spoke, r.meta) !== undefined;
      conditions = putCondition(conditions, r.error
        ? { type: 'Applied', status: 'False', reason: 'AppliedManifestFailed', message: r.error }
        : { type: 'Applied', status: 'True', reason: 'AppliedManifestComplete', message: 'Apply manifest complete' }, now);
      conditions = putCondition(conditions, exists
        ? { type: 'Available', status: 'True', reason: 'ResourceAvailable', message: 'Resource is available' }
        : { type: 'Available', status: 'False', reason: 'ResourceNotAvailable', message: 'Resource is not available' }, now);
      const entry: KubeObject = { resourceMeta: r.meta, conditions };
      const config = configs.find((c) => c.resourceIdentifier?.group === r.meta.group && c.resourceIdentifier?.resource === r.meta.resource && c.resourceIdentifier?.name === r.meta.name);
      if (config) {
        const obj = exists ? this.lookup(spoke, r.meta) : undefined;
        const values: KubeObject[] = [];
        for (const rule of config.feedbackRules ?? []) {
          for (const p of rule.jsonPaths ?? []) {
            const value = obj ? evaluateJsonPath(obj, p.path) : undefined;
            if (value !== undefined) values.push({ name: p.name, fieldValue: { type: 'String', string: value } });
          }
        }
        entry.statusFeedback = sameValues(previous?.statusFeedback?.values, values) ? previous.statusFeedback : { values };
        entry.conditions = putCondition(entry.conditions, { type: 'StatusFeedbackSynced', status: 'True', reason: 'StatusFeedbackSynced', message: '' }, now);
      }
      // What did not change stays the stored part itself (see putCondition).
      const unchanged = previous && previous.resourceMeta === entry.resourceMeta && previous.conditions === entry.conditions && previous.statusFeedback === entry.statusFeedback && Object.keys(previous).length === Object.keys(entry).length;
      return unchanged ? previous : entry;
    });
    const allApplied = results.every((r) => !r.error);
    const allAvailable = manifests.every((m) => m.conditions.some((c: Condition) => c.type === 'Available' && c.status === 'True'));
    let conditions: Condition[] = old.conditions ?? [];
    const generation = mw.metadata.generation;
    conditions = putCondition(conditions, allApplied
      ? { type: 'Applied', status: 'True', reason: 'AppliedManifestWorkComplete', message: 'Apply manifest work complete', observedGeneration: generation }
      : { type: 'Applied', status: 'False', reason: 'AppliedManifestWorkFailed', message: 'Failed to apply manifest work', observedGeneration: generation }, now);
    conditions = putCondition(conditions, allAvailable
      ? { type: 'Available', status: 'True', reason: 'ResourcesAvailable', message: 'All resources are available', observedGeneration: generation }
      : { type: 'Available', status: 'False', reason: 'ResourcesNotAvailable', message: 'One or more resources are not available', observedGeneration: generation }, now);
    const before: KubeObject[] | undefined = old.resourceStatus?.manifests;
    const sameManifests = before?.length === manifests.length && manifests.every((m, i) => m === before[i]);
    if (sameManifests && conditions === old.conditions && Object.keys(old).length === 2 && Object.keys(old.resourceStatus).length === 1) return old;
    return { conditions, resourceStatus: sameManifests ? old.resourceStatus : { manifests } };
  }

  private lookup(spoke: ApiSurface, meta: KubeObject): KubeObject | undefined {
    const t = spoke.types.byPlural(meta.group, meta.version, meta.resource);
    return t ? spoke.store.peek(t, meta.namespace || undefined, meta.name) : undefined;
  }
}

/** Feedback values with the same names and strings, in the same order. */
function sameValues(a: readonly KubeObject[] | undefined, b: readonly KubeObject[]): boolean {
  return !!a && a.length === b.length && a.every((x, i) => x.name === b[i]!.name && x.fieldValue?.type === b[i]!.fieldValue.type && x.fieldValue?.string === b[i]!.fieldValue.string && Object.keys(x).length === 2 && Object.keys(x.fieldValue ?? {}).length === 2);
}
