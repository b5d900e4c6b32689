import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import type { InitializationOptions, ServerSettings } from '../shared/lsp-protocol';

/** The settings the server reads, as the user has them now. */
export function currentSettings(): Partial<ServerSettings> {
  const config = vscode.workspace.getConfiguration('ibgu');
  return {
    lvms: config.get('lvms'),
    rules: config.get('rules'),
    workspaceContext: config.get('workspaceContext'),
    maxFileSizeKb: config.get('maxFileSizeKb'),
  };
}

export function createClient(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, yamlExtensionActive: boolean): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const initializationOptions: InitializationOptions = { yamlExtensionActive, settings: currentSettings() };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { language: 'yaml', scheme: 'file' },
      { language: 'yaml', scheme: 'untitled' },
    ],
    synchronize: {
      // The server reads workspace YAML for cross-file rules, and hears about changes made outside the editor.
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{yaml,yml}'),
    },
    initializationOptions,
    outputChannel: log,
    diagnosticCollectionName: 'ibgu',
  };
  return new LanguageClient('ibgu', 'IBGU Tools', serverOptions, clientOptions);
}
