/**
 * What a lint against the live hub needs from it, read once before linting: the live IBGUs (the previous
 * versions, as `ibgu lint --previous` gives them), whether the OADP ConfigMaps and seed pull secrets the files
 * reference exist (LintOptions.hub), and those ConfigMaps themselves (as files under virtual paths, so the
 * cross-document rules see them). The core never talks to a hub; `ibgu lint --hub` and the extension's Apply
 * both read through this.
 */
import { stringify } from 'yaml';
import { hubKey, hubLookups, hubPath, parseFile, CONFIG_MAP_TYPE, IBGU_TYPE, SECRET_TYPE, type HubFacts, type KubeObject, type ParsedFile, type Workspace } from '../core/index';
import type { HubConnection } from './connection';

export interface HubRead {
  context: string;
  facts: HubFacts;
  /** The live IBGUs, as files `hub:<context>/<ns>/imagebasedgroupupgrades/<name>`. */
  previous: ParsedFile[];
  /** The referenced OADP ConfigMaps found on the hub and not among the files, as `hub:<context>/<ns>/configmaps/<name>`. */
  configMaps: ParsedFile[];
}

const apiVersionOf = (t: { group: string; version: string }) => (t.group ? `${t.group}/${t.version}` : t.version);

/**
 * A hub object as the rules read it, as YAML: without status and server-managed metadata (the rules read spec
 * and data, and a status update then changes nothing).
 */
export function rulesYaml(object: KubeObject): string {
  const { name, namespace, labels, annotations } = object.metadata ?? {};
  const metadata = { name, namespace, ...(labels && Object.keys(labels).length ? { labels } : {}), ...(annotations && Object.keys(annotations).length ? { annotations } : {}) };
  const { status: _status, metadata: _metadata, apiVersion, kind, ...rest } = object as KubeObject & { status?: unknown };
  return stringify({ apiVersion, kind, metadata, ...rest }, { lineWidth: 0 });
}

const asFile = (path: string, object: KubeObject): ParsedFile => parseFile(path, rulesYaml(object));

/** Requests in flight at once: a tree of a hundred IBGUs is read in a few round trips, and a hub is not flooded. */
const PARALLEL_REQUESTS = 8;

/**
 * `read` of every item, at most PARALLEL_REQUESTS at a time, in the items' order. When reads fail, the
 * failure of the first item in order is the one thrown (the same one whatever the timing), once the reads
 * started have ended; none starts after a failure.
 */
async function readAll<I, T>(items: readonly I[], read: (item: I) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(items.length);
  const failures = new Map<number, unknown>();
  let next = 0;
  const worker = async () => {
    while (next < items.length && failures.size === 0) {
      const i = next++;
      try {
        results[i] = await read(items[i]!);
      } catch (error) {
        failures.set(i, error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_REQUESTS, items.length) }, worker));
  if (failures.size) throw failures.get(Math.min(...failures.keys()));
  return results;
}

/**
 * Reads what the lint of `workspace` needs from the hub behind `connection`, a few requests at a time (see
 * readAll). `request` wraps each call (the CLI turns failures into one line). A Secret is read as its metadata
 * only (PartialObjectMetadata): its data never reaches this process, and only whether it exists is kept.
 */
export async function readHubFacts(connection: HubConnection, workspace: Workspace, context: { name: string; namespace?: string }, request: <T>(what: () => Promise<T>) => Promise<T> = (what) => what()): Promise<HubRead> {
  const name = context.name;
  const lookups = hubLookups(workspace.ofType('IBGU'), context.namespace ?? 'default');
  const ibguApi = apiVersionOf(IBGU_TYPE);
  const cmApi = apiVersionOf(CONFIG_MAP_TYPE);
  type Read = { kind: 'ibgu' | 'cm'; ref: { namespace: string; name: string }; live: KubeObject | undefined } | { kind: 'secret'; ref: { namespace: string; name: string }; found: boolean };
  const reads = await readAll<{ kind: 'ibgu' | 'cm' | 'secret'; ref: { namespace: string; name: string } }, Read>(
    [...lookups.ibgus.map((ref) => ({ kind: 'ibgu' as const, ref })), ...lookups.configMaps.map((ref) => ({ kind: 'cm' as const, ref })), ...lookups.secrets.map((ref) => ({ kind: 'secret' as const, ref }))],
    async ({ kind, ref }) => {
      if (kind === 'secret') return { kind, ref, found: await request(async () => !!(await connection.read(SECRET_TYPE.apiVersion, SECRET_TYPE.kind, ref.namespace, ref.name, { metadataOnly: true }))) };
      const [api, k] = kind === 'ibgu' ? [ibguApi, IBGU_TYPE.kind] : [cmApi, CONFIG_MAP_TYPE.kind];
      return { kind, ref, live: await request(() => connection.read(api, k, ref.namespace, ref.name)) };
    },
  );
  const previous: ParsedFile[] = [];
  const configMaps = new Map<string, boolean>();
  const secrets = new Map<string, boolean>();
  const files: ParsedFile[] = [];
  for (const r of reads) {
    const { namespace, name: object } = r.ref;
    if (r.kind === 'secret') secrets.set(hubKey(namespace, object), r.found);
    else if (r.kind === 'ibgu') {
      if (r.live) previous.push(asFile(hubPath(name, namespace, IBGU_TYPE.plural, object), { ...r.live, apiVersion: r.live.apiVersion ?? ibguApi, kind: r.live.kind ?? IBGU_TYPE.kind }));
    } else {
      configMaps.set(hubKey(namespace, object), !!r.live);
      // The files' own version of a ConfigMap is what will be applied: the hub's is added only when they have none.
      if (r.live && !workspace.find('ConfigMap', namespace, object)) {
        files.push(asFile(hubPath(name, namespace, CONFIG_MAP_TYPE.plural, object), { ...r.live, apiVersion: cmApi, kind: CONFIG_MAP_TYPE.kind }));
      }
    }
  }
  return { context: name, facts: { context: name, namespace: context.namespace ?? 'default', configMaps, secrets }, previous, configMaps: files };
}
