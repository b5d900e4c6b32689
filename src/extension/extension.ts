import type * as vscode from 'vscode';
import { IbguExtension, type HubParts } from './context';

let extension: IbguExtension | undefined;

/** When this bundle started to load (set by the build's banner), to report the whole activation cost. */
declare const __ibguLoadStart: number | undefined;
/** Evaluating the bundle (this line runs after every module it imports). */
const loadMs = typeof __ibguLoadStart === 'number' ? performance.now() - __ibguLoadStart : 0;

export interface IbguApi {
  /** Milliseconds spent evaluating the bundle and in activate(). */
  readonly activationMs: number;
  /** Of activationMs, the part spent setting up the hub view, its commands and lenses. */
  readonly hubSetupMs: number;
  /** Settles when the language server has started (or failed to). */
  readonly serverReady: Promise<void>;
  /**
   * The hub side's parts, read by the extension-host tests to compare what the view holds with what the hub
   * lists (the user sees the same through the tree, the dashboard and the notifications).
   */
  readonly hub: HubParts | undefined;
}

export function activate(context: vscode.ExtensionContext): IbguApi {
  const start = performance.now();
  extension = new IbguExtension(context);
  extension.start();
  const hubMs = extension.hubSetupMs;
  // Our own cost: evaluating the bundle plus activate(); not the time VS Code spends between the two.
  const activationMs = Math.round((loadMs + performance.now() - start) * 10) / 10;
  extension.log.info(`Activated in ${activationMs} ms (bundle evaluation ${Math.round(loadMs)} ms, hub view ${hubMs.toFixed(1)} ms); the language server is starting.`);
  return { activationMs, hubSetupMs: Math.round(hubMs * 10) / 10, serverReady: extension.ready, hub: extension.hub };
}

export async function deactivate(): Promise<void> {
  await extension?.dispose();
  extension = undefined;
}
