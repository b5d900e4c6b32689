/**
 * The kubeconfig as kubectl reads it: the KUBECONFIG list (or ~/.kube/config, or a pinned file), merged with
 * the first file to name an entry winning, relative file paths resolved against the file that named them.
 * A file that cannot be read is reported, never quoted: kubeconfigs hold bearer tokens.
 */
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { KubeConfig } from '@kubernetes/client-node';
import type { HubContext, KubeconfigView } from './types';

/** Larger files are refused unread: no real kubeconfig comes near it. */
export const MAX_KUBECONFIG_BYTES = 5 * 1024 * 1024;
/** A kubeconfig has no use for aliases; a handful is tolerated, an expansion attack is not. */
const MAX_ALIASES = 20;

/** Where to read from: kubectl's defaults unless a setting pins a file or a context. */
export interface ReadKubeconfigOptions {
  /** Read this file only (a setting that pins one), instead of KUBECONFIG or ~/.kube/config. */
  pinnedFile?: string;
  /** Use this context as the current one, when the merged kubeconfig has it. */
  pinnedContext?: string;
  /** Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Default the user's home directory. */
  home?: string;
}

type Entry = { name: string; body: Record<string, unknown>; file: string };

/** What kubeconfigFor needs beyond the view: the raw merged entries and where each came from. */
interface Merged {
  clusters: Map<string, Entry>;
  users: Map<string, Entry>;
  contexts: Map<string, Entry>;
}

const merged = new WeakMap<KubeconfigView, Merged>();

/** The files kubectl would read, in its order: duplicates dropped, empty KUBECONFIG entries skipped. */
function candidateFiles(options: ReadKubeconfigOptions): string[] {
  if (options.pinnedFile) return [path.resolve(options.pinnedFile)];
  const env = options.env ?? process.env;
  const list = env.KUBECONFIG;
  if (list) return [...new Set(list.split(path.delimiter).filter((f) => f.trim() !== '').map((f) => path.resolve(f)))];
  return [path.join(options.home ?? homedir(), '.kube', 'config')];
}

/** Why a file's text is not usable, in words that never quote the text itself. */
class FileProblem extends Error {}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The parsed document, undefined when the file does not exist (kubectl skips those silently). */
function readDocument(file: string): unknown {
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new FileProblem('is not a regular file');
    size = stat.size;
  } catch (error) {
    if (error instanceof FileProblem) throw error;
    if (errorCode(error) === 'ENOENT') return undefined;
    throw new FileProblem(`cannot be read (${errorCode(error) ?? 'unknown error'})`);
  }
  if (size > MAX_KUBECONFIG_BYTES) throw new FileProblem(`is ${(size / 1024 / 1024).toFixed(1)} MB, larger than the ${MAX_KUBECONFIG_BYTES / 1024 / 1024} MB a kubeconfig may be`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new FileProblem(`cannot be read (${errorCode(error) ?? 'unknown error'})`);
  }
  if (bytes.length > MAX_KUBECONFIG_BYTES) throw new FileProblem(`is larger than the ${MAX_KUBECONFIG_BYTES / 1024 / 1024} MB a kubeconfig may be`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new FileProblem('is not a text file (it is not valid UTF-8)');
  }
  if (text.includes('\u0000')) throw new FileProblem('is not a text file (it contains NUL bytes)');
  try {
    // logLevel 'error': errors throw, warnings (which could quote the text) are not printed.
    return parse(text, { maxAliasCount: MAX_ALIASES, prettyErrors: false, logLevel: 'error' });
  } catch (error) {
    // yaml's own messages quote the offending line: only the position and the error code are safe to show.
    if (error instanceof ReferenceError || /alias/i.test(String((error as Error)?.message))) {
      throw new FileProblem('uses too many YAML aliases (a possible alias bomb); it was not expanded');
    }
    const e = error as { code?: unknown; pos?: [number, number] };
    const where = typeof e.pos?.[0] === 'number' ? ` at line ${text.slice(0, e.pos[0]).split('\n').length}` : '';
    const code = typeof e.code === 'string' ? ` (${e.code})` : '';
    throw new FileProblem(`is not valid YAML${where}${code}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Adds the named entries of one list (`clusters`, `users`, `contexts`) that no earlier file named. */
function mergeEntries(into: Map<string, Entry>, list: unknown, field: string, file: string): void {
  if (!Array.isArray(list)) return;
  for (const item of list) {
    if (!isRecord(item) || typeof item.name !== 'string' || !item.name || into.has(item.name)) continue;
    into.set(item.name, { name: item.name, body: isRecord(item[field]) ? item[field] : {}, file });
  }
}

/** The merged kubeconfig as kubectl sees it; files it cannot use are listed in `problems`, the rest still count. */
export function readKubeconfig(options: ReadKubeconfigOptions = {}): KubeconfigView {
  const files = candidateFiles(options);
  const problems: KubeconfigView['problems'] = [];
  const m: Merged = { clusters: new Map(), users: new Map(), contexts: new Map() };
  let current: string | undefined;
  for (const file of files) {
    let doc: unknown;
    try {
      doc = readDocument(file);
    } catch (error) {
      problems.push({ file, message: `${file} ${error instanceof FileProblem ? error.message : 'cannot be read'}` });
      continue;
    }
    if (doc === undefined || doc === null) continue;
    if (!isRecord(doc)) {
      problems.push({ file, message: `${file} is not a kubeconfig (its top level is not a mapping)` });
      continue;
    }
    mergeEntries(m.clusters, doc.clusters, 'cluster', file);
    mergeEntries(m.users, doc.users, 'user', file);
    mergeEntries(m.contexts, doc.contexts, 'context', file);
    if (current === undefined && typeof doc['current-context'] === 'string' && doc['current-context']) current = doc['current-context'];
  }
  const contexts: HubContext[] = [...m.contexts.values()].map((entry) => {
    const cluster = typeof entry.body.cluster === 'string' ? entry.body.cluster : '';
    const user = typeof entry.body.user === 'string' ? entry.body.user : '';
    const server = m.clusters.get(cluster)?.body.server;
    const namespace = entry.body.namespace;
    const timeScale = sandboxTimeScale(m.clusters.get(cluster)?.body.extensions);
    return {
      name: entry.name, cluster, user, server: typeof server === 'string' ? server : '', file: entry.file,
      ...(typeof namespace === 'string' && namespace ? { namespace } : {}),
      ...(timeScale !== undefined ? { timeScale } : {}),
    };
  });
  if (options.pinnedContext && m.contexts.has(options.pinnedContext)) current = options.pinnedContext;
  const view: KubeconfigView = { files, contexts, problems, ...(current !== undefined ? { current } : {}) };
  merged.set(view, m);
  return view;
}

/** A copy of `body` with the listed path fields made absolute against the defining file's folder, as kubectl does. */
function resolvePaths(body: Record<string, unknown>, fields: string[], file: string): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...body };
  const base = path.dirname(file);
  for (const field of fields) {
    const value = copy[field];
    if (typeof value === 'string' && value && !path.isAbsolute(value)) copy[field] = path.resolve(base, value);
  }
  const exec = copy.exec;
  // kubectl resolves an exec plugin's command only when it is a path, not a name looked up on PATH.
  if (isRecord(exec) && typeof exec.command === 'string' && exec.command.includes(path.sep) && !path.isAbsolute(exec.command)) {
    copy.exec = { ...exec, command: path.resolve(base, exec.command) };
  }
  return copy;
}

/**
 * A client-node KubeConfig holding just `context`, its cluster and its user. Throws when the view was not
 * made by readKubeconfig, the context is unknown or its cluster is missing, or a token file cannot be read.
 */
export function kubeconfigFor(view: KubeconfigView, context: string): KubeConfig {
  const m = merged.get(view);
  if (!m) throw new Error('kubeconfigFor needs a view returned by readKubeconfig');
  const ctx = m.contexts.get(context);
  if (!ctx) throw new Error(`The kubeconfig has no context named "${context}"`);
  const clusterName = typeof ctx.body.cluster === 'string' ? ctx.body.cluster : '';
  const cluster = m.clusters.get(clusterName);
  if (!cluster || typeof cluster.body.server !== 'string') throw new Error(`The context "${context}" names the cluster "${clusterName}", which the kubeconfig does not define with a server`);
  const userName = typeof ctx.body.user === 'string' ? ctx.body.user : '';
  const user = m.users.get(userName);
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: cluster.name, cluster: resolvePaths(cluster.body, ['certificate-authority'], cluster.file) }],
    users: [{ name: userName || 'anonymous', user: user ? resolvePaths(user.body, ['client-certificate', 'client-key', 'token-file'], user.file) : {} }],
    contexts: [{ name: context, context: { ...ctx.body, user: userName || 'anonymous' } }],
    'current-context': context,
  };
  const kc = new KubeConfig();
  // JSON is YAML: client-node's own loader turns the entries into its types (and reads a token file).
  kc.loadFromString(JSON.stringify(doc));
  return kc;
}

/** The kubeconfig cluster extension the sandbox hub writes (src/sandbox/kubeconfig.ts SANDBOX_EXTENSION). */
const SANDBOX_EXTENSION = 'sandbox.ibgu.io';

/**
 * The sandbox hub's time scale (wall seconds per simulated minute) from a cluster's extensions, when it is a
 * number in (0, 3600]; anything else is ignored. It only changes how the dashboard labels its time axis.
 */
export function sandboxTimeScale(extensions: unknown): number | undefined {
  if (!Array.isArray(extensions)) return undefined;
  const entry = extensions.find((e): e is { extension?: unknown } => isRecord(e) && e.name === SANDBOX_EXTENSION);
  const scale = isRecord(entry?.extension) ? entry.extension.timeScale : undefined;
  return typeof scale === 'number' && Number.isFinite(scale) && scale > 0 && scale <= 3600 ? scale : undefined;
}
