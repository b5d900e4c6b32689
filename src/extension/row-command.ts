import * as vscode from 'vscode';

/**
 * Registers a command of the IBGU view's rows. VS Code passes the row's element; when the view refreshed the
 * row between the menu opening and the choice, the element arrives as undefined (with the selection beside
 * it, so the call still has arguments). Asking "which cluster?" then would act on whatever the user picks
 * next, not on the row they chose: the command says what happened instead, and does nothing. Called with no
 * arguments at all (the Command Palette, a keybinding), `run` gets undefined and asks as usual.
 */
export function registerRowCommand<T>(id: string, title: string, run: (node: T | undefined, ...rest: any[]) => unknown): vscode.Disposable {
  return vscode.commands.registerCommand(id, (...args: any[]) => {
    if (args.length > 0 && (args[0] === undefined || args[0] === null)) {
      const message = vscode.l10n.t('The IBGU view changed while its menu was open, so "{0}" did not reach the row you chose. Nothing was done: choose it again.', title);
      void vscode.window.showWarningMessage(message);
      return { outcome: 'nothing', message };
    }
    return run(args[0] as T | undefined, ...args.slice(1));
  });
}
