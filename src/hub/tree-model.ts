/**
 * The hub tree as plain data: hub → image-based group upgrades → plan steps → clusters grouped by phase,
 * and the ManagedClusters with TALM's labels. The VS Code view maps each node 1:1 to a TreeItem; nothing
 * here knows vscode. Ids come from the context name, uids, step indexes and cluster names, so a rebuild
 * with reordered input keeps VS Code's expansion and selection.
 */
import { CLEANUP_ACTIONS } from '../core/talm/batches';
import { progressingText, quoteTalm, stepTitle } from '../core/talm/step-text';
import { IBGU_LABEL } from '../core/talm/wire';
import { markdownCode, markdownText } from '../core/text/markdown';
import type { ClusterPhase, ClusterProgress, ConnectionPhase, HubTreeInput, KubeObject, Rollout, RolloutState, StepProgress, StepState, TreeFilter, TreeNode } from './types';

type Icon = NonNullable<TreeNode['icon']>;
type Ref = NonNullable<TreeNode['ref']>;

const FAILED_COLOR = 'testing.iconFailed';
const PASSED_COLOR = 'testing.iconPassed';

const PHASE_WORDS: Record<ConnectionPhase, string> = {
  idle: 'not connected',
  connecting: 'connecting…',
  connected: 'connected',
  unreachable: 'unreachable',
  unauthorised: 'not authorised',
  forbidden: 'forbidden',
};

const HUB_ICONS: Record<ConnectionPhase, Icon> = {
  idle: { id: 'cloud' },
  connecting: { id: 'sync~spin' },
  connected: { id: 'cloud', color: PASSED_COLOR },
  unreachable: { id: 'debug-disconnect', color: 'problemsWarningIcon.foreground' },
  unauthorised: { id: 'lock', color: 'problemsErrorIcon.foreground' },
  forbidden: { id: 'shield', color: 'problemsErrorIcon.foreground' },
};

const ROLLOUT_ICONS: Record<RolloutState, Icon> = {
  waiting: { id: 'clock' },
  progressing: { id: 'sync~spin' },
  completed: { id: 'pass', color: PASSED_COLOR },
  failed: { id: 'error', color: FAILED_COLOR },
};

const STEP_ICONS: Record<StepState, Icon> = {
  waiting: { id: 'clock' },
  running: { id: 'sync~spin' },
  completed: { id: 'pass', color: PASSED_COLOR },
  'timed-out': { id: 'error', color: FAILED_COLOR },
  blocked: { id: 'circle-slash', color: FAILED_COLOR },
};

const CLUSTER_ICONS: Record<ClusterPhase, Icon> = {
  failed: { id: 'error', color: FAILED_COLOR },
  'in-progress': { id: 'sync~spin' },
  completed: { id: 'pass', color: PASSED_COLOR },
  pending: { id: 'clock' },
};

/** Phase groups in the order shown: what needs attention first. */
const PHASE_ORDER: readonly ClusterPhase[] = ['failed', 'in-progress', 'completed', 'pending'];
const PHASE_LABELS: Record<ClusterPhase, string> = { failed: 'Failed', 'in-progress': 'In progress', completed: 'Completed', pending: 'Pending' };

/** TALM's label spellings in plan order, for a stable summary (`prep ✓ · upgrade ✗`). */
const LABEL_ACTIONS = ['prep', 'upgrade', 'rollback', 'abort', 'abortonfailure', 'finalizeupgrade', 'finalizerollback'];
const LABEL_PARTS = /^lcm\.openshift\.io\/ibgu-([a-zA-Z]+)-(completed|failed)$/;

const count = (n: number) => n.toLocaleString('en-US');
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Hub text in a tooltip's Markdown: taken literally (core/text/markdown). */
const md = markdownText;

/** The first line of a message, cut to fit a description. */
function short(message: string, max = 80): string {
  const line = message.split('\n', 1)[0]!.trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function message(id: string, label: string, contextValue: string, tooltip?: string, icon: Icon = { id: 'info' }): TreeNode {
  return { id, kind: 'message', label, contextValue, collapsible: 'none', icon, ...(tooltip ? { tooltip } : {}) };
}

/** Which clusters and IBGUs the filter lets through. */
class Visibility {
  readonly active: boolean;
  private readonly text: string;

  constructor(private readonly filter: TreeFilter) {
    this.text = (filter.text ?? '').trim().toLowerCase();
    this.active = !!filter.failedOnly || this.text !== '';
  }

  ibguNameMatches(r: Rollout): boolean {
    return this.text === '' || `${r.namespace}/${r.name}`.toLowerCase().includes(this.text);
  }

  cluster(c: ClusterProgress, ibguMatched: boolean): boolean {
    return (!this.filter.failedOnly || c.phase === 'failed') && (ibguMatched || c.name.toLowerCase().includes(this.text));
  }

  managedCluster(mc: KubeObject): boolean {
    const failed = !this.filter.failedOnly || Object.keys(mc.metadata.labels ?? {}).some((k) => IBGU_LABEL.test(k) && k.endsWith('-failed'));
    return failed && (this.text === '' || mc.metadata.name.toLowerCase().includes(this.text));
  }

  /** Every step and cluster of the IBGU, when its own name is what the text matches and failures are not asked for. */
  showsAll(r: Rollout): boolean {
    return !this.filter.failedOnly && this.ibguNameMatches(r);
  }

  /** Why nothing is shown, in words. */
  nothingMessage(): string {
    const text = this.filter.text?.trim();
    if (this.filter.failedOnly && text) return `No failed cluster or IBGU matches "${text}"`;
    if (this.filter.failedOnly) return 'No failed clusters';
    return `Nothing matches "${text}"`;
  }
}

/**
 * A node whose children are built on first read (and kept): a collapsed group of 3,000 clusters costs
 * nothing until someone expands it.
 */
function withLazyChildren(node: TreeNode, make: () => TreeNode[]): TreeNode {
  let built: TreeNode[] | undefined;
  return Object.defineProperty(node, 'children', { get: () => (built ??= make()), enumerable: true, configurable: true });
}

function sortedByName<T extends { name: string }>(items: readonly T[]): readonly T[] {
  for (let i = 1; i < items.length; i++) if (items[i - 1]!.name > items[i]!.name) return [...items].sort((a, b) => compare(a.name, b.name));
  return items;
}

function clusterNode(c: ClusterProgress, stepId: string, ref: Ref): TreeNode {
  let description = '';
  const lines = [`**${md(c.name)}** — ${PHASE_LABELS[c.phase].toLowerCase()}${c.action ? ` (${md(c.action)})` : ''}`];
  if (c.batch !== undefined) lines.push(`Batch ${c.batch}`);
  if (c.phase === 'failed') {
    description = [c.action, c.message && short(c.message)].filter(Boolean).join(': ');
    if (c.message) lines.push('```\n' + c.message.replace(/```/g, "'''") + '\n```');
    if (c.early) lines.push('_Read from the ManifestWork status feedback: not yet reported by TALM._');
  } else if (c.phase === 'in-progress') description = [c.action, c.batch !== undefined && `batch ${c.batch}`].filter(Boolean).join(' · ');
  else if (c.phase === 'pending') description = c.batch !== undefined ? `batch ${c.batch}` : 'not started';
  return {
    id: `${stepId}/cluster/${c.name}`,
    kind: 'cluster',
    label: c.name,
    ...(description ? { description } : {}),
    tooltip: lines.join('\n\n'),
    icon: CLUSTER_ICONS[c.phase],
    // A failed cleanup action (Abort, Finalize…) may have left the IBU in AbortFailed/FinalizeFailed: Retry Cleanup applies.
    contextValue: c.phase === 'failed' && c.action && CLEANUP_ACTIONS.includes(c.action) ? 'cluster.failed.cleanup' : `cluster.${c.phase}`,
    collapsible: 'none',
    ref: { ...ref, cluster: c.name },
  };
}

function strategyWords(s: StepProgress): string {
  const parts = [s.maxConcurrency > 0 ? `maxConcurrency ${s.maxConcurrency}` : 'all at once', `timeout ${s.timeoutMinutes} min`];
  if (s.batchCount) parts.push(`batch ${s.batch ?? 0}/${s.batchCount}`);
  return parts.join(' · ');
}

function stepTooltip(s: StepProgress): string {
  const lines = [`**${md(stepTitle(s.index, s.actions))}** — ${s.state}`];
  if (s.cgu) lines.push(`ClusterGroupUpgrade \`${s.cgu}\``);
  lines.push(md(strategyWords(s)));
  const times = ([['started', s.startedAt], ['current batch started', s.currentBatchStartedAt], ['completed', s.completedAt]] as const).filter(([, t]) => t).map(([w, t]) => `${w} ${t}`);
  if (times.length) lines.push(md(times.join(' · ')));
  lines.push(PHASE_ORDER.map((p) => `${count(s.counts[p])} ${PHASE_LABELS[p].toLowerCase()}`).join(' · '));
  if (s.message) lines.push(md(quoteTalm(s.message)));
  return lines.join('\n\n');
}

function stepNode(s: StepProgress, ibguId: string, ref: Ref, keep: (c: ClusterProgress) => boolean): TreeNode {
  const id = `${ibguId}/step/${s.index}`;
  const stepRef: Ref = { ...ref, step: s.index };
  const groups = new Map<ClusterPhase, ClusterProgress[]>();
  for (const c of sortedByName(s.clusters)) {
    if (!keep(c)) continue;
    const list = groups.get(c.phase);
    if (list) list.push(c);
    else groups.set(c.phase, [c]);
  }
  const children: TreeNode[] = PHASE_ORDER.filter((p) => groups.has(p)).map((p) => {
    const phaseId = `${id}/phase/${p}`;
    const members = groups.get(p)!;
    const node: TreeNode = {
      id: phaseId,
      kind: 'phase',
      label: `${PHASE_LABELS[p]} (${count(members.length)})`,
      icon: CLUSTER_ICONS[p],
      contextValue: `phase.${p}`,
      collapsible: p === 'failed' ? 'expanded' : 'collapsed',
      ref: stepRef,
    };
    return withLazyChildren(node, () => members.map((c) => clusterNode(c, id, stepRef)));
  });
  return {
    id,
    kind: 'step',
    label: stepTitle(s.index, s.actions),
    description: strategyWords(s),
    tooltip: stepTooltip(s),
    // TALM calls a step Completed when its last batch is, even if an earlier batch timed out.
    icon: s.state === 'completed' && s.counts.failed ? CLUSTER_ICONS.failed : STEP_ICONS[s.state],
    contextValue: `step.${s.state}`,
    collapsible: children.length ? (s.state === 'running' ? 'expanded' : 'collapsed') : 'none',
    children,
    ref: stepRef,
  };
}

function ibguNode(r: Rollout, context: string, stale: boolean, vis: Visibility): TreeNode | undefined {
  const id = `${context}/ibgu/${r.uid}`;
  const ref: Ref = { context, namespace: r.namespace, name: r.name, uid: r.uid };
  const matched = vis.ibguNameMatches(r);
  const all = vis.showsAll(r);
  const steps: TreeNode[] = [];
  for (const s of r.steps) {
    const node = stepNode(s, id, ref, (c) => vis.cluster(c, matched));
    if (all || node.children!.length) steps.push(node);
  }
  if (!all && !steps.length) return undefined;
  const description = [`${count(r.done)}/${count(r.total)}`, r.failed ? `${count(r.failed)} failed` : '', stale ? 'stale' : ''].filter(Boolean).join(' · ');
  const tooltip = [
    `**${md(`${r.namespace}/${r.name}`)}** — ${r.state}`,
    `Plan: ${md(r.plan.map((a) => `[${a.join(', ')}]`).join(' → '))}`,
    `${count(r.done)} of ${count(r.total)} clusters done, ${count(r.failed)} failed`,
    ...(r.message ? [md(progressingText(r.message, r.plan))] : []),
  ].join('\n\n');
  return { id, kind: 'ibgu', label: `${r.namespace}/${r.name}`, description, tooltip, icon: ROLLOUT_ICONS[r.state], contextValue: `ibgu.${r.state}`, collapsible: steps.length ? 'collapsed' : 'none', children: steps, ref };
}

/** `prep ✓ · upgrade ✗` from a ManagedCluster's TALM labels. */
function labelSummary(labels: Record<string, string>): { summary: string; failed: boolean } {
  const marks: [number, string][] = [];
  let failed = false;
  for (const key of Object.keys(labels)) {
    const m = LABEL_PARTS.exec(key);
    if (!m) continue;
    failed ||= m[2] === 'failed';
    const action = m[1]!.toLowerCase();
    const order = LABEL_ACTIONS.indexOf(action);
    marks.push([(order < 0 ? LABEL_ACTIONS.length : order) * 2 + (m[2] === 'failed' ? 1 : 0), `${m[1]} ${m[2] === 'failed' ? '✗' : '✓'}`]);
  }
  return { summary: marks.sort((a, b) => a[0] - b[0]).map(([, t]) => t).join(' · '), failed };
}

function managedClusterNode(mc: KubeObject, context: string): TreeNode {
  const labels = mc.metadata.labels ?? {};
  const { summary, failed } = labelSummary(labels);
  const keys = Object.keys(labels).sort(compare);
  const tooltip = [`**${md(mc.metadata.name)}**`, keys.length ? keys.map((k) => `- ${markdownCode(`${k}=${labels[k]}`)}`).join('\n') : '_No labels_'].join('\n\n');
  const uid = mc.metadata.uid;
  return {
    id: `${context}/managedCluster/${uid ?? mc.metadata.name}`,
    kind: 'managedCluster',
    label: mc.metadata.name,
    ...(summary ? { description: summary } : {}),
    tooltip,
    icon: failed ? { id: 'server', color: FAILED_COLOR } : { id: 'server' },
    contextValue: 'managedCluster',
    collapsible: 'none',
    ref: { context, name: mc.metadata.name, ...(uid ? { uid } : {}) },
  };
}

/**
 * The hub's row says its phase, and while it waits to reconnect, when it retries. Nothing in it changes with
 * each watch event: a change of this row refreshes every row below it (see tree-reconcile.ts).
 */
function hubDescription(input: HubTreeInput): string {
  const { state, now } = input;
  const parts = [PHASE_WORDS[state.phase]];
  if (state.phase !== 'connected' && state.retryAt !== undefined && state.retryAt > now) parts.push(`retry in ${Math.ceil((state.retryAt - now) / 1000)} s`);
  return parts.join(' · ');
}

function hubTooltip(input: HubTreeInput): string {
  const { state } = input;
  const lines = [`**${md(input.context)}** — ${PHASE_WORDS[state.phase]}`];
  if (input.server) lines.push(`Server: ${markdownCode(input.server)}`);
  if (state.message) lines.push(md(state.message));
  if (state.permission) lines.push(`Missing permission: ${markdownCode(state.permission)}`);
  // How old the data shown is, once it no longer updates (while connected this would change with every event).
  if (state.phase !== 'connected' && state.lastEventAt !== undefined) lines.push(`Last event: ${new Date(state.lastEventAt).toISOString()}`);
  return lines.join('\n\n');
}

/**
 * The tree of one hub. While not connected, a `message` child says why (the connection's message) and
 * the last known IBGUs stay, marked stale. A filter that leaves nothing shows a `message` saying so.
 * The cluster lists under phase groups and the ManagedCluster list are built when first read (see
 * withLazyChildren); the rest is built at once.
 */
export function buildHubTree(input: HubTreeInput, filter: TreeFilter): TreeNode {
  const { context, state } = input;
  const connected = state.phase === 'connected';
  const hasData = input.rollouts.length > 0 || input.managedClusters.length > 0;
  const stale = !connected && hasData;
  const vis = new Visibility(filter);
  const children: TreeNode[] = [];
  if (!connected && state.phase !== 'idle' && state.message) {
    const tip = state.permission ? `${md(state.message)}\n\nMissing permission: ${markdownCode(state.permission)}` : md(state.message);
    // Only the first line fits the sidebar; the whole message is the tooltip.
    children.push(message(`${context}/message`, short(state.message, 60), `message.${state.phase}`, tip, { id: 'warning', color: 'problemsWarningIcon.foreground' }));
  }
  if (connected || hasData) {
    const rollouts = [...input.rollouts].sort((a, b) => compare(a.namespace, b.namespace) || compare(a.name, b.name));
    const ibgus = rollouts.map((r) => ibguNode(r, context, stale, vis)).filter((n): n is TreeNode => n !== undefined);
    const mcs = input.managedClusters.filter((mc) => vis.managedCluster(mc));
    const of = (shown: number, all: number) => (vis.active ? `${count(shown)} of ${count(all)}` : count(all));
    if (ibgus.length || !vis.active) {
      const empty = message(`${context}/ibgus/empty`, 'No image-based group upgrades on this hub', 'message.empty');
      children.push({
        id: `${context}/ibgus`,
        kind: 'ibgus',
        label: 'Image-based group upgrades',
        description: [of(ibgus.length, rollouts.length), stale ? 'stale' : ''].filter(Boolean).join(' · '),
        icon: { id: 'layers' },
        contextValue: 'ibgus',
        collapsible: 'expanded',
        children: ibgus.length ? ibgus : [empty],
        ref: { context, name: context },
      });
    }
    if (mcs.length || !vis.active) {
      const group: TreeNode = {
        id: `${context}/managedClusters`,
        kind: 'managedClusters',
        label: 'Managed clusters',
        description: [of(mcs.length, input.managedClusters.length), stale ? 'stale' : ''].filter(Boolean).join(' · '),
        icon: { id: 'server-environment' },
        contextValue: 'managedClusters',
        collapsible: mcs.length ? 'collapsed' : 'none',
        ref: { context, name: context },
      };
      children.push(withLazyChildren(group, () => mcs.sort((a, b) => compare(a.metadata.name, b.metadata.name)).map((mc) => managedClusterNode(mc, context))));
    }
    if (vis.active && !ibgus.length && !mcs.length) children.push(message(`${context}/filtered`, vis.nothingMessage(), 'message.filtered', undefined, { id: 'filter' }));
  }
  return {
    id: context,
    kind: 'hub',
    label: context,
    description: hubDescription(input),
    tooltip: hubTooltip(input),
    icon: HUB_ICONS[state.phase],
    contextValue: `hub.${state.phase}`,
    // Always expanded: VS Code remembers the state an id was first shown with, and a root first shown while it
    // had no children (connecting) would otherwise stay collapsed, hiding the IBGUs that arrive.
    collapsible: 'expanded',
    children,
    ref: { context, name: context },
  };
}
