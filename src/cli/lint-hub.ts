/**
 * `ibgu lint --hub`: what the lint needs from the live hub, read once before linting. The core never talks to
 * a hub: this gathers the live IBGUs (the previous versions, as `--previous` gives them), whether the OADP
 * ConfigMaps and seed pull secrets exist (LintOptions.hub), and the OADP ConfigMaps themselves (added to the
 * workspace under virtual paths, so the cross-document rules see them). Loaded only when `--hub` is given.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { hubKey, hubLookups, parseFile, CONFIG_MAP_TYPE, IBGU_TYPE, type HubFacts, type KubeObject, type ParsedFile, type Workspace } from '../core/index';
import { HubConnection, HubError, kubeconfigFor, readKubeconfig } from '../hub/index';

/** A hub that cannot be used: its message is the whole line after `ibgu: hub <context>: `. */
export class HubProblem extends Error {
  constructor(readonly context: string, message: string) {
    super(message);
  }
}

export interface HubReadOptions {
  context?: string;
  kubeconfig?: string;
}

export interface HubRead {
  context: string;
  facts: HubFacts;
  /** The live IBGUs, as files `hub:<context>/<ns>/imagebasedgroupupgrades/<name>`. */
  previous: ParsedFile[];
  /** The referenced OADP ConfigMaps found on the hub and not among the files, as `hub:<context>/<ns>/configmaps/<name>`. */
  configMaps: ParsedFile[];
}

const apiVersionOf = (t: { group: string; version: string }) => (t.group ? `${t.group}/${t.version}` : t.version);

/** The virtual path of a hub object in the lint's output. */
export const hubPath = (context: string, namespace: string, plural: string, name: string) => `hub:${context}/${namespace}/${plural}/${name}`;

/** The object as a YAML file, without status and server-managed metadata (the rules read spec and data). */
function asFile(path: string, object: KubeObject): ParsedFile {
  const { name, namespace, labels, annotations } = object.metadata ?? {};
  const metadata = { name, namespace, ...(labels && Object.keys(labels).length ? { labels } : {}), ...(annotations && Object.keys(annotations).length ? { annotations } : {}) };
  const { status: _status, metadata: _metadata, apiVersion, kind, ...rest } = object as KubeObject & { status?: unknown };
  return parseFile(path, stringify({ apiVersion, kind, metadata, ...rest }, { lineWidth: 0 }));
}

/** The message for a failed request, in words for a terminal (HubError's are written for the VS Code view). */
function describe(error: unknown, server: string): string {
  if (error instanceof HubError) {
    if (error.reason === 'unauthorised') return `unauthorised: ${server} rejected the credentials (401 Unauthorized); the token may have expired, log in again (e.g. oc login ${server})`;
    if (error.reason === 'forbidden') return `forbidden: ${error.message}`;
    if (error.reason === 'unreachable') return `unreachable: ${error.message}`;
    return error.message;
  }
  return `the request to ${server} failed: ${error instanceof Error ? error.message : String(error)}`;
}

/** Reads what the lint of `workspace` needs from the hub. Throws HubProblem, never a token or the kubeconfig's text. */
export async function readHub(workspace: Workspace, options: HubReadOptions): Promise<HubRead> {
  // kubectl refuses a --kubeconfig that does not exist (readKubeconfig skips a missing file, as in KUBECONFIG's list).
  if (options.kubeconfig && !existsSync(options.kubeconfig)) throw new HubProblem(options.context ?? '(none)', `kubeconfig ${path.resolve(options.kubeconfig)} does not exist`);
  const view = readKubeconfig({ ...(options.kubeconfig ? { pinnedFile: options.kubeconfig } : {}), ...(options.context ? { pinnedContext: options.context } : {}) });
  const name = options.context ?? view.current ?? '';
  const label = name || '(none)';
  if (view.problems.length) throw new HubProblem(label, `kubeconfig ${view.problems[0].message}`);
  if (!name) throw new HubProblem(label, `no current context in ${view.files.join(', ')} (give --context NAME or --kubeconfig PATH)`);
  const context = view.contexts.find((c) => c.name === name);
  if (!context) throw new HubProblem(label, `the kubeconfig (${view.files.join(', ')}) has no context named "${name}"`);
  let connection: HubConnection;
  try {
    connection = new HubConnection(context, kubeconfigFor(view, name), { kinds: [] });
  } catch (error) {
    // kubeconfigFor's messages name contexts, clusters and files, never credentials.
    throw new HubProblem(name, `kubeconfig: ${error instanceof Error ? error.message : String(error)}`);
  }
  const server = context.server;
  const lookups = hubLookups(workspace, context.namespace ?? 'default');
  const request = async <T>(what: () => Promise<T>): Promise<T> => {
    try {
      return await what();
    } catch (error) {
      throw new HubProblem(name, describe(error, server));
    }
  };
  const ibguApi = apiVersionOf(IBGU_TYPE);
  const cmApi = apiVersionOf(CONFIG_MAP_TYPE);
  // One at a time: the first failure (unreachable, 401, 403) is the one reported, and a hub is not flooded.
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
    // Only whether it exists is kept; its data is dropped at once and never printed.
    const found = await request(async () => !!(await connection.read('v1', 'Secret', s.namespace, s.name)));
    secrets.set(hubKey(s.namespace, s.name), found);
  }
  connection.dispose();
  return { context: name, facts: { context: name, namespace: context.namespace ?? 'default', configMaps, secrets }, previous, configMaps: files };
}
