/**
 * What the language server's hub rules read, for the documents open in the editor, from one connected hub:
 * the live IBGUs the open IBGUs would replace (from the connection's IBGU watch, already running), and whether
 * the OADP ConfigMaps and seed pull secrets they reference exist (a watch of each of those objects, see
 * object-watches.ts). The server says what to look up (HubLookupsParams); this answers with HubParams each
 * time an answer the rules read changes, and never for anything else (an IBGU's status, a resync).
 */
import { CONFIG_MAP_TYPE, hubKey, IBGU_TYPE, SECRET_TYPE } from '../core/index';
import type { HubLookupsParams, HubObjectRef, HubParams } from '../shared/lsp-protocol';
import type { HubConnection } from './connection';
import { rulesYaml } from './lint-facts';
import type { ObjectWatches, WatchedObject } from './object-watches';

const NO_LOOKUPS: HubLookupsParams = { ibgus: [], configMaps: [], secrets: [] };

export class EditorHubFacts {
  private lookups = NO_LOOKUPS;
  private readonly watches: ObjectWatches;
  private readonly unsubscribe: (() => void)[] = [];
  private last = '';
  private timer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(
    private readonly connection: HubConnection,
    private readonly send: (params: HubParams) => void,
    options: { debounceMs?: number; backoff?: { initialMs: number; maxMs: number } } = {},
  ) {
    this.debounceMs = options.debounceMs ?? 100;
    this.watches = connection.watchObjects(options.backoff ? { backoff: options.backoff } : {});
    this.unsubscribe.push(
      this.watches.onChange(() => this.schedule()),
      connection.onChange((change) => {
        if (change.kind !== 'ImageBasedGroupUpgrade') return;
        const { namespace, name } = change.object.metadata ?? {};
        if (this.lookups.ibgus.some((i) => i.namespace === namespace && i.name === name)) this.schedule();
      }),
    );
    // The first answer (nothing looked up yet) tells the server that this hub is connected.
    this.schedule();
  }

  private readonly debounceMs: number;

  /** What the open documents reference now: watches follow it, and the answer is sent when it changes. */
  setLookups(lookups: HubLookupsParams): void {
    if (this.disposed) return;
    this.lookups = lookups;
    this.watches.set(objectsOf(lookups));
    this.schedule();
  }

  /** The answer as it is now. */
  params(): HubParams {
    const context = this.connection.context;
    const ibguApi = IBGU_TYPE.apiVersion;
    const ibgus: HubParams['ibgus'] = [];
    for (const ref of this.lookups.ibgus) {
      const live = this.connection.get('ImageBasedGroupUpgrade', ref.namespace, ref.name);
      if (live) ibgus.push({ ...ref, yaml: rulesYaml({ ...live, apiVersion: live.apiVersion ?? ibguApi, kind: live.kind ?? IBGU_TYPE.kind }) });
    }
    const answers = (refs: HubObjectRef[], type: WatchedObject['type']): [string, boolean][] =>
      refs.flatMap((ref) => {
        const exists = this.watches.exists({ type, ...ref });
        return exists === undefined ? [] : [[hubKey(ref.namespace, ref.name), exists] as [string, boolean]];
      });
    return {
      context: context.name,
      namespace: context.namespace ?? 'default',
      ibgus,
      configMaps: answers(this.lookups.configMaps, CONFIG_MAP_TYPE),
      secrets: answers(this.lookups.secrets, SECRET_TYPE),
    };
  }

  /** The looked-up objects whose watch failed (so their answer is unknown), with why. */
  failures(): { kind: string; namespace: string; name: string; message: string }[] {
    return objectsOf(this.lookups).flatMap((o) => {
      const error = this.watches.failure(o);
      return error ? [{ kind: o.type.kind, namespace: o.namespace, name: o.name, message: error.message }] : [];
    });
  }

  /** How many single-object watches run (the ConfigMaps and Secrets referenced). */
  get watchCount(): number {
    return this.watches.size;
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    for (const u of this.unsubscribe) u();
    this.watches.dispose();
  }

  /** A burst of changes is one answer; an answer equal to the last one is not sent. */
  private schedule(): void {
    if (this.disposed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.disposed) return;
      const params = this.params();
      const key = JSON.stringify(params);
      if (key === this.last) return;
      this.last = key;
      this.send(params);
    }, this.debounceMs);
  }
}

function objectsOf(lookups: HubLookupsParams): WatchedObject[] {
  return [...lookups.configMaps.map((r) => ({ type: CONFIG_MAP_TYPE, ...r })), ...lookups.secrets.map((r) => ({ type: SECRET_TYPE, ...r }))];
}
