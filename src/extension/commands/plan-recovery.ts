/**
 * Plan the recovery of an IBGU's failed clusters: each failed cluster's IBU is read from its spoke (when
 * reachable) so that only what LCA accepts is proposed; an IBGU proposal opens as a YAML document to apply,
 * a cleanup retry runs Retry Cleanup on its cluster, a "no action" proposal says why.
 */
import * as vscode from 'vscode';
import type { KubeObject } from '../../hub/types';
import type { HubSession } from '../hubs';
import type { Target } from './targets';
import { nothing, type TroubleOutcome, type TroubleParts } from './trouble';

export async function planRecovery(parts: TroubleParts, node?: Target, choose?: string): Promise<TroubleOutcome<{ proposal: string; selects: string[]; document?: vscode.TextDocument }>> {
  const session = node?.ref ? parts.hubs.get(node.ref.context) : parts.hubs.list()[0];
  if (!session) return nothing(vscode.l10n.t('No hub is connected.'));
  const all = session.list('ImageBasedGroupUpgrade');
  const cluster = node?.ref?.cluster;
  // From a cluster (a link in its diagnosis): the newest IBGU whose status lists it.
  const ibgu = cluster && !node?.ref?.uid
    ? [...all].sort((a, b) => String(b.metadata.creationTimestamp ?? '').localeCompare(String(a.metadata.creationTimestamp ?? ''))).find((o) => ((o.status?.clusters ?? []) as { name?: string }[]).some((c) => c.name === cluster))
    : all.find((o) => (node?.ref?.uid ? o.metadata.uid === node.ref.uid : o.metadata.name === node?.ref?.name && o.metadata.namespace === node?.ref?.namespace));
  if (!ibgu) return nothing(vscode.l10n.t('Choose an IBGU in the IBGU view to plan its recovery.'));
  const layer = parts.hubs.load();
  const ibus = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Reading the IBUs of the failed clusters of {0}', ibgu.metadata.name) }, () => failedIbus(parts, session, ibgu));
  const proposals = layer.planRecovery(ibgu as never, session.list('ManagedCluster'), ibus);
  if (!proposals.length) {
    const text = vscode.l10n.t('{0}/{1} has no failed clusters to recover.', ibgu.metadata.namespace ?? '', ibgu.metadata.name);
    void vscode.window.showInformationMessage(text);
    return nothing(text);
  }
  let proposal = choose ? proposals.find((p) => p.id === choose) : undefined;
  if (!proposal) {
    const picked = await vscode.window.showQuickPick(
      proposals.map((p) => ({
        label: p.title,
        detail: p.kind === 'append-step' || p.kind === 'new-ibgu' ? `${p.why.replace(/\s+/g, ' ')} — ${vscode.l10n.t('selects {0}', p.selects.join(', ') || vscode.l10n.t('no cluster now'))}` : p.why.replace(/\s+/g, ' '),
        proposal: p,
      })),
      { title: vscode.l10n.t('Recover the failed clusters of {0}', ibgu.metadata.name), matchOnDetail: true },
    );
    proposal = picked?.proposal;
  }
  if (!proposal) return { outcome: 'cancelled', message: vscode.l10n.t('No recovery chosen.') };
  if (proposal.kind === 'no-action') {
    const text = `${proposal.title} — ${proposal.why.replace(/\s+/g, ' ')}`;
    void vscode.window.showInformationMessage(text);
    return { outcome: 'nothing', message: text };
  }
  if (proposal.kind === 'retry-cleanup') {
    // The existing Retry Cleanup command: it reads the IBU again and asks before adding manual-cleanup-done.
    const cluster = proposal.selects[0];
    await parts.run.retryCleanup({ ref: { context: session.context.name, name: cluster, cluster } } as Target);
    return { outcome: 'done', proposal: proposal.id, selects: proposal.selects };
  }
  const object = proposal.kind === 'append-step' ? { ...withoutServerFields(ibgu), spec: { ...ibgu.spec, plan: [...(ibgu.spec?.plan ?? []), proposal.step] } } : proposal.ibgu;
  // Comment lines only: names from the hub cannot break out of them into the YAML (a \r ends a line too).
  const header = [
    proposal.title,
    ...proposal.why.split('\n'),
    vscode.l10n.t('Selects now: {0}', proposal.selects.join(', ') || vscode.l10n.t('no cluster')),
    proposal.kind === 'append-step' ? vscode.l10n.t('Apply it to append the step (the plan is append-only).') : vscode.l10n.t('Apply it to create the new IBGU.'),
  ].map((line) => `# ${line.replace(/[\r\n\u0085\u2028\u2029]/g, ' ')}`).join('\n');
  const document = await vscode.workspace.openTextDocument({ language: 'yaml', content: `${header}\n${layer.yamlText(object as KubeObject)}` });
  await vscode.window.showTextDocument(document);
  return { outcome: 'done', proposal: proposal.id, selects: proposal.selects, document };
}

/** Concurrent spoke reads at most. */
const READS = 8;

/** The IBU of each failed cluster of the IBGU, read from its spoke; a cluster that could not be read is left out. */
async function failedIbus(parts: TroubleParts, session: HubSession, ibgu: KubeObject): Promise<Map<string, KubeObject>> {
  const names = ((ibgu.status?.clusters ?? []) as { name?: unknown; failedActions?: unknown[] }[])
    .filter((c) => typeof c.name === 'string' && Array.isArray(c.failedActions) && c.failedActions.length > 0)
    .map((c) => c.name as string);
  const out = new Map<string, KubeObject>();
  let next = 0;
  const worker = async () => {
    while (next < names.length) {
      const name = names[next++];
      try {
        const spoke = await parts.spokes.client(session, name);
        const ibu = spoke ? await spoke.ibu() : undefined;
        if (ibu) out.set(name, ibu);
      } catch (error) {
        parts.log.info(`Plan the Recovery: the IBU of ${name} could not be read: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(READS, names.length) }, worker));
  return out;
}

function withoutServerFields(object: KubeObject): KubeObject {
  const { uid: _u, resourceVersion: _r, generation: _g, creationTimestamp: _c, managedFields: _m, ...metadata } = object.metadata;
  const { status: _s, ...rest } = object;
  return { ...rest, metadata } as KubeObject;
}
