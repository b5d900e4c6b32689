/**
 * `ibgu lint --hub`: which hub (the kubeconfig and context, as kubectl reads them), and every failure as one
 * line for a terminal. What is read from the hub is the hub layer's (src/hub/lint-facts.ts), shared with the
 * extension's Apply. Loaded only when `--hub` is given.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Workspace } from '../core/index';
import { HubConnection, HubError, kubeconfigFor, readKubeconfig } from '../hub/index';
import { readHubFacts, type HubRead } from '../hub/lint-facts';

export { hubPath } from '../core/index';
export type { HubRead } from '../hub/lint-facts';

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
  const request = async <T>(what: () => Promise<T>): Promise<T> => {
    try {
      return await what();
    } catch (error) {
      throw new HubProblem(name, describe(error, server));
    }
  };
  try {
    return await readHubFacts(connection, workspace, { name, ...(context.namespace ? { namespace: context.namespace } : {}) }, request);
  } finally {
    connection.dispose();
  }
}
