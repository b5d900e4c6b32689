import type * as vscode from 'vscode';
import type { Confirmation } from '../confirm';
import type { Hubs } from '../hubs';
import type { SandboxProcess } from '../sandbox-process';
import type { HubContent } from '../views/hub-content';
import type { HubTree } from '../views/hub-tree';

/** What the hub commands work with, made once by the extension's context and handed to each command. */
export interface HubParts {
  readonly context: vscode.ExtensionContext;
  readonly hubs: Hubs;
  readonly tree: HubTree;
  readonly sandbox: SandboxProcess;
  readonly content: HubContent;
  readonly log: vscode.LogOutputChannel;
  readonly confirmation: Confirmation;
}
