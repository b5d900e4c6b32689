import * as vscode from 'vscode';
import type { HubSession, Hubs } from './hubs';
import type { SpokeClient } from '../hub/spoke';

/** How a cluster is reached, remembered per hub and cluster for the workspace. */
type Choice = { kind: 'context'; context: string } | { kind: 'hubSecret' };

const CHOICES_KEY = 'ibgu.spoke.choices';

/**
 * Reaching a managed cluster, in the order the user would want: a kubeconfig context mapped to the cluster
 * (`ibgu.spoke.contexts`, or chosen once and remembered), then the ZTP admin kubeconfig Secret on the hub,
 * read only after the user agrees (or `ibgu.spoke.useHubSecret` says always). That kubeconfig is cluster
 * data: only its server, CA and inline credential are used (hub/admin-kubeconfig.ts), and only they stay in
 * memory, or in VS Code's secret storage when the user asks to remember them; never in settings or logs.
 * Every failure says which path was tried and why it did not work.
 */
export class Spokes implements vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly clients = new Map<string, SpokeClient>();
  /** Clusters whose admin kubeconfig the user asked to keep in secret storage once it is read. */
  private readonly rememberSecret = new Set<string>();

  constructor(
    private readonly hubs: Hubs,
    private readonly memory: vscode.Memento,
    private readonly secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** A client for the cluster, checked by reading its IBU; undefined (after saying why) when it cannot be reached. */
  async client(session: HubSession, cluster: string): Promise<SpokeClient | undefined> {
    const key = `${session.context.name}/${cluster}`;
    const cached = this.clients.get(key);
    if (cached) return cached;
    const layer = this.hubs.load();
    const mapped = vscode.workspace.getConfiguration('ibgu.spoke').get<Record<string, string>>('contexts', {})[cluster];
    let choice: Choice | undefined = mapped ? { kind: 'context', context: mapped } : this.choices()[key];
    if (!choice) choice = await this.ask(session, cluster);
    if (!choice) return undefined;
    let client: SpokeClient;
    let keep: (() => Promise<void>) | undefined;
    try {
      if (choice.kind === 'context') {
        const view = this.hubs.contexts();
        client = new layer.SpokeClient(cluster, layer.kubeconfigFor(view, choice.context), vscode.l10n.t('the kubeconfig context {0}', choice.context));
      } else {
        const found = await this.adminKubeconfig(session, cluster, key);
        if (!found) return undefined;
        // Reduced to server, CA and inline credential, and so checked again, wherever the text came from
        // (the hub, memory, or secret storage, which an older version filled with the Secret as it was).
        const reduced = layer.adminSpokeClient(cluster, found.text, vscode.l10n.t('the admin kubeconfig Secret {0}/{0}-admin-kubeconfig on {1}', cluster, session.context.name));
        keep = () => this.keep(key, reduced.kubeconfigText(), found.stored);
        client = reduced;
      }
      await client.ibu();
      await keep?.();
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      const path = choice.kind === 'context' ? vscode.l10n.t('the kubeconfig context {0}', choice.context) : vscode.l10n.t('the admin kubeconfig Secret on {0}', session.context.name);
      this.log.warn(`Reaching ${cluster} through ${path} failed: ${why}`);
      await this.forget(key);
      const other = vscode.l10n.t('Choose Another Way');
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not reach {0} through {1}: {2}', cluster, path, why), other).then(async (c) => {
        if (c) await this.ask(session, cluster);
      });
      return undefined;
    }
    this.log.info(`Reaching ${cluster} at ${client.server} through ${client.via}.`);
    this.clients.set(key, client);
    return client;
  }

  /** Forgets how a cluster is reached (its kubeconfig too), e.g. after a failure. */
  async forget(key: string): Promise<void> {
    this.clients.get(key)?.dispose();
    this.clients.delete(key);
    this.texts.delete(key);
    const choices = this.choices();
    delete choices[key];
    await this.memory.update(CHOICES_KEY, choices);
    await this.secrets.delete(secretKey(key));
  }

  private choices(): Record<string, Choice> {
    return { ...this.memory.get<Record<string, Choice>>(CHOICES_KEY, {}) };
  }

  private async remember(key: string, choice: Choice): Promise<void> {
    await this.memory.update(CHOICES_KEY, { ...this.choices(), [key]: choice });
  }

  /** Asks how to reach the cluster: a context of the kubeconfig, or the hub's admin kubeconfig Secret. */
  private async ask(session: HubSession, cluster: string): Promise<Choice | undefined> {
    const key = `${session.context.name}/${cluster}`;
    const useSecret = vscode.workspace.getConfiguration('ibgu.spoke').get<string>('useHubSecret', 'ask');
    if (useSecret === 'always') return { kind: 'hubSecret' };
    type Item = vscode.QuickPickItem & { choice?: Choice; remember?: boolean };
    const contexts = this.hubs.contexts().contexts.filter((c) => c.name !== session.context.name);
    if (useSecret === 'never' && !contexts.length) {
      void vscode.window.showErrorMessage(vscode.l10n.t('{0} cannot be reached: ibgu.spoke.useHubSecret is "never" and the kubeconfig has no other context to map to it.', cluster));
      return undefined;
    }
    const secretItems: Item[] = useSecret === 'never' ? [] : [
      {
        label: `$(key) ${vscode.l10n.t('Use its admin kubeconfig from the hub, this time')}`,
        detail: vscode.l10n.t('Reads Secret {0}/{0}-admin-kubeconfig (cluster-admin on {0}) and keeps it in memory until VS Code closes.', cluster),
        choice: { kind: 'hubSecret' },
      },
      {
        label: `$(key) ${vscode.l10n.t('Use its admin kubeconfig from the hub, and remember')}`,
        detail: vscode.l10n.t("Keeps it in VS Code's secret storage for this hub and cluster; never in settings or logs."),
        choice: { kind: 'hubSecret' },
        remember: true,
      },
    ];
    const items: Item[] = [
      ...secretItems,
      { label: vscode.l10n.t('Kubeconfig contexts'), kind: vscode.QuickPickItemKind.Separator },
      ...contexts.map((c) => ({ label: `$(plug) ${c.name}`, description: c.server, choice: { kind: 'context', context: c.name } as Choice, remember: true })),
    ];
    const picked = await vscode.window.showQuickPick(items, {
      title: vscode.l10n.t('How should IBGU Tools reach {0}?', cluster),
      placeHolder: vscode.l10n.t('The IBU lives on the managed cluster: choose a kubeconfig context for it, or its ZTP admin kubeconfig on the hub'),
      ignoreFocusOut: true,
    });
    if (!picked?.choice) return undefined;
    if (picked.remember) await this.remember(key, picked.choice);
    if (picked.choice.kind === 'hubSecret' && picked.remember) this.rememberSecret.add(key);
    return picked.choice;
  }

  /** The admin kubeconfig text as it is kept: from memory, secret storage, or else the hub; `stored` when in secret storage. */
  private async adminKubeconfig(session: HubSession, cluster: string, key: string): Promise<{ text: string; stored: boolean } | undefined> {
    const inMemory = this.texts.get(key);
    const stored = inMemory === undefined ? await this.secrets.get(secretKey(key)) : undefined;
    const known = inMemory ?? stored;
    if (known) return { text: known, stored: stored !== undefined };
    const layer = this.hubs.load();
    const text = await layer.readAdminKubeconfig(session.connection, cluster);
    if (!text) {
      void vscode.window.showErrorMessage(vscode.l10n.t('{0} has no Secret {1}/{1}-admin-kubeconfig, so the admin kubeconfig path cannot reach {1}. Choose a kubeconfig context for it.', session.context.name, cluster));
      return undefined;
    }
    return { text, stored: false };
  }

  /** Keeps the reduced admin kubeconfig in memory, and in secret storage when it is there already or the user asked. */
  private async keep(key: string, reduced: string, stored: boolean): Promise<void> {
    this.texts.set(key, reduced);
    if (this.rememberSecret.delete(key) || stored) await this.secrets.store(secretKey(key), reduced);
  }

  dispose(): void {
    for (const c of this.clients.values()) c.dispose();
    this.clients.clear();
    this.texts.clear();
  }
}

function secretKey(key: string): string {
  return `ibgu.spoke.kubeconfig/${key}`;
}
