/**
 * The connected hub, as the editor's client reports it (HUB_NOTIFICATION): its live IBGUs become the stored
 * versions of the open documents' IBGUs (append-only plans, immutable fields), and whether the OADP ConfigMaps
 * and seed pull secrets they name exist becomes the hub facts (ibgu/hub-configmap-missing,
 * ibgu/hub-secret-missing). The server never talks to a hub: it tells the client what to look up
 * (HUB_LOOKUPS_NOTIFICATION), and the client keeps watches on exactly that.
 */
import { allRules, hubLookups, hubPath, IBGU_TYPE, parseFile, Workspace, type Finding, type HubFacts, type LintOptions, type ParsedFile, type RuleInput } from '../core/index';
import type { HubLookupsParams, HubParams } from '../shared/lsp-protocol';

/** What each rule reads besides the files, by id. */
const NEEDS = new Map<string, RuleInput>(allRules.flatMap((r) => (r.needs ? [[r.id, r.needs] as const] : [])));

export class HubState {
  private params: HubParams | undefined;
  private options: Pick<LintOptions, 'hub' | 'previous'> = {};
  private lastLookups = '';
  /** Counts the changes of what the rules read from the hub: a validation that read an older one is stale. */
  generation = 0;

  get connected(): boolean {
    return this.params !== undefined;
  }

  /** Takes what the client reports; false when nothing the rules read changed. */
  set(params: HubParams | null): boolean {
    const next = params ?? undefined;
    if (JSON.stringify(next) === JSON.stringify(this.params)) return false;
    if (!next || next.context !== this.params?.context || next.namespace !== this.params?.namespace) this.lastLookups = '';
    this.params = next;
    this.options = next ? optionsOf(next) : {};
    this.generation++;
    return true;
  }

  /** The lint options the hub adds (new objects whenever it changes, which the lint cache's key follows). */
  lintOptions(): Pick<LintOptions, 'hub' | 'previous'> {
    return this.options;
  }

  /**
   * What the open documents need looked up, when a hub is connected and it differs from what was last sent;
   * undefined otherwise.
   */
  lookupsToSend(files: readonly ParsedFile[]): HubLookupsParams | undefined {
    if (!this.params) return undefined;
    const lookups = hubLookups(files.flatMap((f) => f.resources), this.params.namespace);
    const key = JSON.stringify(lookups);
    if (key === this.lastLookups) return undefined;
    this.lastLookups = key;
    return lookups;
  }

  /** A finding that exists because of the hub says so: one compared with the live IBGU names its hub. */
  decorate(finding: Finding): Finding {
    if (!this.params || NEEDS.get(finding.rule) !== 'previous') return finding;
    return { ...finding, message: `${finding.message} (The stored IBGU is the live one on hub ${this.params.context}, watched.)` };
  }
}

function optionsOf(params: HubParams): Pick<LintOptions, 'hub' | 'previous'> {
  const hub: HubFacts = { context: params.context, namespace: params.namespace, configMaps: new Map(params.configMaps), secrets: new Map(params.secrets) };
  const files = params.ibgus.map((i) => parseFile(hubPath(params.context, i.namespace, IBGU_TYPE.plural, i.name), i.yaml));
  return { hub, ...(files.length ? { previous: new Workspace(files) } : {}) };
}
