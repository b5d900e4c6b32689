/**
 * What the troubleshooting commands share: the outcome they return, what they work with, the cluster a
 * command acts on (a caller's claim, checked), and small helpers.
 */
import * as vscode from 'vscode';
import type { Confirmation } from '../confirm';
import type { HubSession, Hubs } from '../hubs';
import type { Spokes } from '../spokes';
import type { HubContent } from '../views/hub-content';
import type { Target } from './targets';
import { MANAGED_CLUSTER_TYPE } from '../../core/kube/types';

/** What a troubleshooting command ended with, returned to whoever ran it (a test, another extension). */
export type TroubleOutcome<T extends object = object> = ({ outcome: 'done' } & T) | { outcome: 'cancelled' | 'nothing' | 'failed'; message: string };

export const MC_API = MANAGED_CLUSTER_TYPE.apiVersion;
/** A ManagedCluster's name as Kubernetes allows it (a DNS subdomain). */
const CLUSTER_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** What the troubleshooting commands work with, made once by TroubleCommands and handed to each. */
export interface TroubleParts {
  readonly hubs: Hubs;
  readonly spokes: Spokes;
  readonly content: HubContent;
  readonly confirmation: Confirmation;
  readonly log: vscode.LogOutputChannel;
  /** The commands a result or a report's link leads on to, run as if the user had chosen them on that cluster. */
  readonly run: Record<'retryCleanup' | 'repairLabels' | 'diagnose' | 'mustGather' | 'planRecovery', (target: Target) => Promise<unknown>>;
}

/**
 * The hub and cluster of a tree node (a cluster or a ManagedCluster), or one picked from the hub's
 * clusters. A node's reference is checked as a caller's claim, not trusted: its hub must be connected,
 * and its cluster a ManagedCluster there, read now.
 */
export async function pickCluster(hubs: Hubs, node?: Target): Promise<{ session: HubSession; cluster: string } | TroubleOutcome<never>> {
  if (node?.ref) {
    const session = hubs.get(node.ref.context);
    if (!session) return failed(vscode.l10n.t('The hub context "{0}" is not connected: connect it in the IBGU view first.', String(node.ref.context)));
    const cluster = node.ref.cluster ?? node.ref.name;
    if (typeof cluster !== 'string' || !CLUSTER_NAME.test(cluster)) return failed(vscode.l10n.t('"{0}" is not the name of a cluster.', String(cluster).slice(0, 80)));
    try {
      if (!(await session.connection.read(MC_API, MANAGED_CLUSTER_TYPE.kind, undefined, cluster))) return failed(vscode.l10n.t('{0} is not a ManagedCluster on {1}.', cluster, session.context.name));
    } catch (error) {
      return failed(vscode.l10n.t('The ManagedCluster {0} could not be read from {1}: {2}', cluster, session.context.name, message(error)));
    }
    return { session, cluster };
  }
  const sessions = hubs.list();
  const session = sessions.length === 1 ? sessions[0] : (await vscode.window.showQuickPick(sessions.map((s) => ({ label: s.context.name, session: s })), { title: vscode.l10n.t('Which hub?') }))?.session;
  if (!session) return nothing(vscode.l10n.t('No cluster chosen.'));
  const picked = await vscode.window.showQuickPick(session.list('ManagedCluster').map((m) => m.metadata.name).sort(), { title: vscode.l10n.t('Which cluster?') });
  return picked ? { session, cluster: picked } : nothing(vscode.l10n.t('No cluster chosen.'));
}

export function failed(text: string, show = true): TroubleOutcome<never> {
  if (show) void vscode.window.showErrorMessage(text);
  return { outcome: 'failed', message: text };
}

export function nothing(text: string): TroubleOutcome<never> {
  return { outcome: 'nothing', message: text };
}

export function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The cluster's entry in the status of the newest IBGU that lists it. */
export function statusOf(session: HubSession, cluster: string): { completedActions?: { action: string }[]; failedActions?: { action: string; message?: string }[] } | undefined {
  const ibgus = [...session.list('ImageBasedGroupUpgrade')].sort((a, b) => String(b.metadata.creationTimestamp ?? '').localeCompare(String(a.metadata.creationTimestamp ?? '')));
  for (const ibgu of ibgus) {
    const entry = ((ibgu.status?.clusters ?? []) as { name?: string }[]).find((c) => c.name === cluster);
    if (entry) return entry as never;
  }
  return undefined;
}
