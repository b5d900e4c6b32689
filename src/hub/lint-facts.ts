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

/**
 * Reads what the lint of `workspace` needs from the hub behind `connection`, one request at a time (the first
 * failure is the one reported, and a hub is not flooded). `request` wraps each call (the CLI turns failures into
 * one line). A Secret's data is dropped at once: only whether it exists is kept.
 */
export async function readHubFacts(connection: HubConnection, workspace: Workspace, context: { name: string; namespace?: string }, request: <T>(what: () => Promise<T>) => Promise<T> = (what) => what()): Promise<HubRead> {
  const name = context.name;
  const lookups = hubLookups(workspace.ofType('IBGU'), context.namespace ?? 'default');
  const ibguApi = apiVersionOf(IBGU_TYPE);
  const cmApi = apiVersionOf(CONFIG_MAP_TYPE);
  const previous: ParsedFile[] = [];
  for (const ibgu of lookups.ibgus) {
    const live = await request(() => connection.read(ibguApi, IBGU_TYPE.kind, ibgu.namespace, ibgu.name));
    if (live) previous.push(asFile(hubPath(name, ibgu.namespace, IBGU_TYPE.plural, ibgu.name), { ...live, apiVersion: live.apiVersion ?? ibguApi, kind: live.kind ?? IBGU_TYPE.kind }));
  }
  const configMaps = new Map<string, boolean>();
  const files: ParsedFile[] = [];
  for (const cm of lookups.configMaps) {
    const live = await request(() => connection.read(cmApi, CONFIG_MAP_TYPE.kind, cm.namespace, cm.name));
    configMaps.set(hubKey(cm.namespace, cm.name), !!live);
    // The files' own version of a ConfigMap is what will be applied: the hub's is added only when they have none.
    if (live && !workspace.find('ConfigMap', cm.namespace, cm.name)) {
      files.push(asFile(hubPath(name, cm.namespace, CONFIG_MAP_TYPE.plural, cm.name), { ...live, apiVersion: cmApi, kind: CONFIG_MAP_TYPE.kind }));
    }
  }
  const secrets = new Map<string, boolean>();
  for (const s of lookups.secrets) {
    const found = await request(async () => !!(await connection.read(SECRET_TYPE.apiVersion, SECRET_TYPE.kind, s.namespace, s.name)));
    secrets.set(hubKey(s.namespace, s.name), found);
  }
  return { context: name, facts: { context: name, namespace: context.namespace ?? 'default', configMaps, secrets }, previous, configMaps: files };
}
