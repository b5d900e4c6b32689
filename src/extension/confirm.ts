import * as vscode from 'vscode';

/**
 * The one question a write to a cluster asks before it happens. It is answered by the notification's
 * buttons, or by **IBGU: Confirm Pending Change** / **Cancel Pending Change** (the apply diff's title bar
 * carries them), so the change can be looked at in full — a diff, a report — before the answer. A new
 * question cancels the one still open.
 */
export class Confirmation implements vscode.Disposable {
  private pending: { resolve: (ok: boolean) => void; question: string } | undefined;

  /** The question waiting for an answer, if any (what the notification says). */
  get question(): string | undefined {
    return this.pending?.question;
  }

  ask(question: string, action: string): Promise<boolean> {
    this.pending?.resolve(false);
    return new Promise<boolean>((resolve) => {
      const pending = {
        question,
        resolve: (ok: boolean) => {
          if (this.pending !== pending) return;
          this.pending = undefined;
          void vscode.commands.executeCommand('setContext', 'ibgu.applyPending', false);
          resolve(ok);
        },
      };
      this.pending = pending;
      void vscode.commands.executeCommand('setContext', 'ibgu.applyPending', true);
      void vscode.window.showInformationMessage(question, action, vscode.l10n.t('Cancel')).then((choice) => pending.resolve(choice === action));
    });
  }

  settle(ok: boolean): void {
    this.pending?.resolve(ok);
  }

  dispose(): void {
    this.pending?.resolve(false);
  }
}
