import type * as vscode from 'vscode';
import type { Confirmation } from '../confirm';
import type { Hubs } from '../hubs';
import type { SandboxProcess } from '../sandbox-process';
import type { HubContent } from '../views/hub-content';
import type { HubTree } from '../views/hub-tree';

/** What the hub commands work with, made once by HubCommands and handed to each (not context.ts's HubParts, which is what the extension exposes). */
export interface HubCommandParts {
  readonly context: vscode.ExtensionContext;
  readonly hubs: Hubs;
  readonly tree: HubTree;
  readonly sandbox: SandboxProcess;
  readonly content: HubContent;
  readonly log: vscode.LogOutputChannel;
  readonly confirmation: Confirmation;
}
