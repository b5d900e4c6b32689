import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { STATUS_NOTIFICATION, VALIDATE_WORKSPACE_REQUEST, type StatusParams, type ValidateWorkspaceResult } from '../shared/lsp-protocol';
import { createClient } from './client';
import { createLog } from './log';
import { Status } from './status';
import { registerSchemas, yamlExtensionValidates } from './yaml-extension';
import { Confirmation } from './confirm';
import { HubCommands } from './hub-commands';
import { HubDiagnostics } from './hub-diagnostics';
import { Hubs } from './hubs';
import { SandboxProcess } from './sandbox-process';
import { Spokes } from './spokes';
import { TroubleCommands } from './trouble-commands';
import { HubContent } from './views/hub-content';
import { HubTree } from './views/hub-tree';
import { IbguLenses } from './views/ibgu-lenses';
import { RolloutWatch } from './views/rollout-watch';

export interface HubParts {
  hubs: Hubs;
  tree: HubTree;
  watch: RolloutWatch;
  sandbox: SandboxProcess;
  commands: HubCommands;
  confirmation: Confirmation;
  trouble: TroubleCommands;
  diagnostics: HubDiagnostics;
}

/**
 * The one object that owns everything the extension creates: the log, the status item, the commands and
 * the language client. It alone creates and disposes them.
 */
export class IbguExtension implements vscode.Disposable {
  readonly log = createLog();
  private readonly status = new Status();
  private readonly disposables: vscode.Disposable[] = [this.log, this.status];
  private client: LanguageClient | undefined;
  /** The hub side: created at activation, but nothing is loaded or contacted until a view or command needs it. */
  hub: HubParts | undefined;

  constructor(private readonly context: vscode.ExtensionContext) {}

  /**
   * Registers what the user can reach at once and returns; the language server starts in the background, so
   * activation never waits for a process to spawn. `ready` settles when the server is up (or failed).
   */
  start(): void {
    this.registerCommands();
    this.startHub();
    this.disposables.push(vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('ibgu')) void this.client?.sendNotification('workspace/didChangeConfiguration', { settings: null });
    }));
    if (!vscode.workspace.isTrusted) this.log.info('Untrusted workspace: validation only.');
    this.ready = registerSchemas(this.log).then(() => this.startClient());
  }

  ready: Promise<void> = Promise.resolve();

  private registerCommands(): void {
    const command = (id: string, run: () => unknown) => this.disposables.push(vscode.commands.registerCommand(id, run));
    command('ibgu.showLogs', () => this.log.show(true));
    command('ibgu.restartServer', () => this.restart());
    command('ibgu.validateWorkspace', () => this.validateWorkspace());
  }

  /** What setting up the hub side took in activate() (nothing is loaded or contacted then). */
  hubSetupMs = 0;

  private startHub(): void {
    const started = performance.now();
    const sandbox = new SandboxProcess(this.context.extensionPath, this.context.globalStorageUri, this.log);
    const hubs = new Hubs(this.context.extensionPath, this.log, sandbox, this.context.workspaceState);
    const tree = new HubTree(hubs);
    const content = new HubContent();
    const confirmation = new Confirmation();
    const commands = new HubCommands(this.context, hubs, tree, sandbox, content, this.log, confirmation);
    const spokes = new Spokes(hubs, this.context.workspaceState, this.context.secrets, this.log);
    const trouble = new TroubleCommands(hubs, spokes, content, confirmation, this.log);
    const watch = new RolloutWatch(hubs);
    const lenses = new IbguLenses(hubs);
    const diagnostics = new HubDiagnostics(hubs, this.log, this.context.workspaceState);
    // Disposed in reverse: the views before the hubs, the hubs before the sandbox process they read.
    this.disposables.push(sandbox, hubs, tree, content, confirmation, commands, spokes, trouble, watch, lenses, diagnostics);
    this.hub = { hubs, tree, watch, sandbox, commands, confirmation, trouble, diagnostics };
    this.hubSetupMs = performance.now() - started;
    if (vscode.workspace.isTrusted && vscode.workspace.getConfiguration('ibgu.hub').get<boolean>('openViewOnStart', false)) void vscode.commands.executeCommand('ibgu.hubs.focus');
  }

  private async startClient(): Promise<void> {
    this.status.starting();
    const client = createClient(this.context, this.log, yamlExtensionValidates());
    this.client = client;
    client.onDidChangeState((e) => {
      if (e.newState === State.Stopped && this.client === client) this.status.stopped(vscode.l10n.t('The language server stopped. See the logs.'));
    });
    try {
      await client.start();
      client.onNotification(STATUS_NOTIFICATION, (params: StatusParams) => this.status.update(params));
      this.hub?.diagnostics.attach(client);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.log.error(`The language server did not start: ${message}`);
      this.status.stopped(message);
    }
  }

  private async restart(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) {
      try {
        await client.stop();
      } catch (error) {
        this.log.warn(`Stopping the language server: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    await this.startClient();
    this.log.info('Language server restarted.');
  }

  private async validateWorkspace(): Promise<ValidateWorkspaceResult | undefined> {
    const client = this.client;
    if (!client || client.state !== State.Running) {
      void vscode.window.showWarningMessage(vscode.l10n.t('The IBGU language server is not running.'), vscode.l10n.t('Restart')).then((choice) => {
        if (choice) void this.restart();
      });
      return undefined;
    }
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Validating IBGU files'), cancellable: true },
      async (_progress, token) => {
        const result = await client.sendRequest<ValidateWorkspaceResult>(VALIDATE_WORKSPACE_REQUEST, {}, token);
        const summary = vscode.l10n.t('{0} files validated in {1} ms: {2} errors, {3} warnings in {4} files.', result.files, result.ms, result.errors, result.warnings, result.filesWithProblems);
        this.log.info(summary);
        if (!result.cancelled) void vscode.window.showInformationMessage(summary);
        return result;
      },
    );
  }

  async dispose(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.stop().catch(() => undefined);
    for (const d of this.disposables.reverse()) d.dispose();
  }
}
