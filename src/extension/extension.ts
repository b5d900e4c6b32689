import type * as vscode from 'vscode';
import { IbguExtension } from './context';

let extension: IbguExtension | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extension = new IbguExtension(context);
  await extension.start();
}

export async function deactivate(): Promise<void> {
  await extension?.dispose();
  extension = undefined;
}
