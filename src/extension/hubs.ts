import * as vscode from 'vscode';
import { watch, type FSWatcher } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import type * as Layer from '../hub/bundle';
import type { ConnectionState, HubContext, KubeconfigView, KubeObject, Rollout, WatchedKind } from '../hub/types';

/** The hub bundle (dist/hub.js): @kubernetes/client-node and the hub layer, required on first use only. */
export type HubLayer = typeof Layer;

/** One hub shown in the view: a kubeconfig context, its connection and the index its views read. */
export class HubSession implements vscode.Disposable {
  readonly index: Layer.HubIndex;
  private readonly unsubscribe: (() => void)[] = [];
  /** Set when the session's informers have listed once since it (re)started: transitions after it are news. */
  synced = false;

  constructor(
    readonly context: HubContext,
    readonly connection: Layer.HubConnection,
    layer: HubLayer,
    /** The resolved settings of the context (server, CA, credentials): a new fingerprint means a new connection. */
    readonly fingerprint: string,
    changed: (session: HubSession) => void,
  ) {
    this.index = new layer.HubIndex();
    this.unsubscribe.push(
      connection.onChange((change) => {
        this.index.apply(change);
        changed(this);
      }),
      connection.onState((state) => {
        if (state.phase === 'connected') this.synced = true;
        changed(this);
      }),
    );
  }

  get state(): ConnectionState {
    return this.connection.state;
  }

  rollouts(): Rollout[] {
    return this.index.rollouts();
  }

  rollout(uid: string): Rollout | undefined {
    return this.index.rollouts().find((r) => r.uid === uid);
  }

  list(kind: WatchedKind): readonly KubeObject[] {
    return this.connection.list(kind);
  }

  dispose(): void {
    for (const u of this.unsubscribe) u();
    this.connection.dispose();
  }
}

/** Where the sandbox hub's kubeconfig is, while the extension runs one. */
export interface SandboxSource {
  readonly kubeconfigPath: string | undefined;
  readonly onDidChange: vscode.Event<void>;
}

/**
 * The hubs the view shows: the kubeconfig read as kubectl reads it (or the pinned file), the contexts the
 * settings name (else the current one), plus the sandbox hub while it runs. Connections start only while
 * something shows hub data (the view, a dashboard, an editor of a plan) and stop when nothing does, so a
 * closed view never talks to a cluster. A changed kubeconfig (a new token after `oc login`) replaces the
 * connection of every context whose settings changed.
 */
export class Hubs implements vscode.Disposable {
  private layer: HubLayer | undefined;
  private readonly sessions = new Map<string, HubSession>();
  private kubeconfig: KubeconfigView | undefined;
  private readonly emitter = new vscode.EventEmitter<HubSession | undefined>();
  /** A session's data or state changed (undefined: the set of sessions changed). */
  readonly onDidChange = this.emitter.event;
  private readonly watchers = new Map<string, FSWatcher>();
  private reloadTimer: NodeJS.Timeout | undefined;
  private viewVisible = false;
  private holds = 0;
  private stopTimer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [this.emitter];

  constructor(
    private readonly extensionPath: string,
    private readonly log: vscode.LogOutputChannel,
    private readonly sandbox: SandboxSource,
    /** Remembers, per workspace, the hubs the user disconnected (not a setting: nothing to clean up by hand). */
    private readonly memory?: vscode.Memento,
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('ibgu.hub')) this.reload('settings changed');
      }),
      sandbox.onDidChange(() => this.reload('sandbox hub started or stopped')),
    );
  }

  /** Whether the hub bundle has been loaded (a hub view or command has been used). */
  get loaded(): boolean {
    return this.layer !== undefined;
  }

  /** The hub bundle; loading it is the only cost, nothing connects. */
  load(): HubLayer {
    if (!this.layer) {
      const started = performance.now();
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      this.layer = require(path.join(this.extensionPath, 'dist', 'hub.js')) as HubLayer;
      this.log.info(`Hub layer loaded in ${Math.round(performance.now() - started)} ms.`);
    }
    return this.layer;
  }

  /** The shown hubs, reading the kubeconfig the first time. */
  list(): HubSession[] {
    if (!this.kubeconfig) this.reload();
    return [...this.sessions.values()];
  }

  get(name: string): HubSession | undefined {
    return this.list().find((s) => s.context.name === name);
  }

  /** Every context of the merged kubeconfig, for the context picker. */
  contexts(): KubeconfigView {
    if (!this.kubeconfig) this.reload();
    return this.kubeconfig!;
  }

  /** Whether the view is visible: connections run while it is (or while something holds them). */
  setViewVisible(visible: boolean): void {
    this.viewVisible = visible;
    this.updateActivity();
  }

  /** Keeps the connections running while the returned disposable lives (a dashboard, a plan editor, a command). */
  hold(): vscode.Disposable {
    this.holds++;
    this.updateActivity();
    return new vscode.Disposable(() => {
      this.holds--;
      this.updateActivity();
    });
  }

  private get active(): boolean {
    return this.viewVisible || this.holds > 0;
  }

  private updateActivity(): void {
    clearTimeout(this.stopTimer);
    if (this.active) {
      for (const s of this.list()) s.connection.start();
      return;
    }
    // A view hidden for a moment (switching sidebars) keeps its watches; after a minute they stop.
    this.stopTimer = setTimeout(() => {
      if (this.active) return;
      for (const s of this.sessions.values()) {
        s.connection.stop();
        s.synced = false;
      }
      this.log.info('Hub view hidden: watches stopped.');
    }, 60_000);
  }

  /** Hides a hub until it is chosen again in Connect to Hub (remembered for the workspace). */
  async hide(name: string): Promise<void> {
    await this.memory?.update(HIDDEN_KEY, [...new Set([...this.hidden(), name])]);
    this.reload(`${name} disconnected`);
  }

  /** Shows hidden hubs again (Connect to Hub chose them). */
  async unhide(names: readonly string[]): Promise<void> {
    await this.memory?.update(HIDDEN_KEY, this.hidden().filter((n) => !names.includes(n)));
    this.reload();
  }

  private hidden(): string[] {
    return this.memory?.get<string[]>(HIDDEN_KEY, []) ?? [];
  }

  /** Re-reads the kubeconfig and settings; sessions whose context settings changed are replaced. */
  reload(why?: string): void {
    const layer = this.load();
    const settings = vscode.workspace.getConfiguration('ibgu.hub');
    const pinned = expandHome(settings.get<string>('kubeconfig', '').trim());
    const view = layer.readKubeconfig(pinned ? { pinnedFile: pinned } : {});
    for (const p of view.problems) this.log.warn(`kubeconfig ${p.file}: ${p.message}`);
    const wanted = settings.get<string[]>('contexts', []).filter((name) => typeof name === 'string' && name);
    const shown = new Map<string, { context: HubContext; view: KubeconfigView }>();
    const hidden = new Set(this.hidden());
    for (const name of wanted.length ? wanted : view.current ? [view.current] : []) {
      if (hidden.has(name)) continue;
      const context = view.contexts.find((c) => c.name === name);
      if (context) shown.set(name, { context, view });
      else if (wanted.length) this.log.warn(`ibgu.hub.contexts names "${name}", which is not in the kubeconfig (${view.files.join(', ') || 'no files'}).`);
    }
    const sandboxFile = this.sandbox.kubeconfigPath;
    let sandboxView: KubeconfigView | undefined;
    if (sandboxFile) {
      sandboxView = layer.readKubeconfig({ pinnedFile: sandboxFile });
      const context = sandboxView.contexts.find((c) => c.name === sandboxView!.current);
      if (context) shown.set(context.name, { context, view: sandboxView });
    }
    this.kubeconfig = view;
    let structural = false;
    for (const [name, session] of this.sessions) {
      if (shown.has(name)) continue;
      session.dispose();
      this.sessions.delete(name);
      structural = true;
    }
    for (const [name, { context, view: from }] of shown) {
      let kc;
      try {
        kc = layer.kubeconfigFor(from, name);
      } catch (error) {
        this.log.warn(`Context ${name}: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      const fingerprint = kc.exportConfig();
      const existing = this.sessions.get(name);
      if (existing && existing.fingerprint === fingerprint) continue;
      existing?.dispose();
      const connection = new layer.HubConnection(context, kc, { log: (line) => this.log.info(`[${name}] ${line}`) });
      const session = new HubSession(context, connection, layer, fingerprint, (s) => this.emitter.fire(s));
      this.sessions.set(name, session);
      if (existing) this.log.info(`Context ${name}: its kubeconfig changed; reconnecting.`);
      if (this.active) connection.start();
      structural = true;
    }
    this.watchFiles([...view.files, ...(pinned ? [pinned] : []), ...(sandboxFile ? [sandboxFile] : [])]);
    if (why) this.log.info(`Hubs re-read (${why}): ${[...this.sessions.keys()].join(', ') || 'none'}.`);
    if (structural) this.emitter.fire(undefined);
  }

  /** Watches each kubeconfig's directory (editors and `oc login` replace the file by renaming). */
  private watchFiles(files: string[]): void {
    const dirs = new Map<string, Set<string>>();
    for (const file of files) {
      const dir = path.dirname(file);
      (dirs.get(dir) ?? dirs.set(dir, new Set()).get(dir)!).add(path.basename(file));
    }
    for (const [dir, watcher] of this.watchers) {
      if (dirs.has(dir)) continue;
      watcher.close();
      this.watchers.delete(dir);
    }
    for (const [dir, names] of dirs) {
      const existing = this.watchers.get(dir);
      if (existing) {
        (existing as FSWatcher & { names?: Set<string> }).names = names;
        continue;
      }
      try {
        const watcher = watch(dir, { persistent: false }, (_event, name) => {
          const current = (watcher as FSWatcher & { names?: Set<string> }).names;
          if (name && current && !current.has(name.toString())) return;
          clearTimeout(this.reloadTimer);
          this.reloadTimer = setTimeout(() => this.reload('kubeconfig file changed'), 300);
        });
        (watcher as FSWatcher & { names?: Set<string> }).names = names;
        watcher.on('error', () => {
          watcher.close();
          this.watchers.delete(dir);
        });
        this.watchers.set(dir, watcher);
      } catch {
        // A directory that does not exist yet: KUBECONFIG may name files that appear later; the next reload retries.
      }
    }
  }

  dispose(): void {
    clearTimeout(this.reloadTimer);
    clearTimeout(this.stopTimer);
    for (const w of this.watchers.values()) w.close();
    for (const s of this.sessions.values()) s.dispose();
    this.sessions.clear();
    for (const d of this.disposables) d.dispose();
  }
}

const HIDDEN_KEY = 'ibgu.hub.hidden';

export function expandHome(file: string): string {
  if (file === '~') return homedir();
  if (file.startsWith('~/')) return path.join(homedir(), file.slice(2));
  return file;
}
