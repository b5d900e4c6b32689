/**
 * Diagnose a cluster: a report whose fixes are links to actions kept here under a random key, the report as
 * Markdown, and what a report's link runs.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { REPORT_LINK_COMMAND, showReport } from '../views/report';
import type { Target } from './targets';
import { MC_API, nothing, pickCluster, statusOf, type TroubleOutcome, type TroubleParts } from './trouble';
import { MANAGED_CLUSTER_TYPE } from '../../core/kube/types';

/** What a report's link may do: a fix the extension computed for the report's cluster, or opening the report as Markdown. */
type ReportAction = { command: 'ibgu.retryCleanup' | 'ibgu.repairLabels' | 'ibgu.collectMustGather' | 'ibgu.planRecovery'; target: Target } | { command: 'openMarkdown' };

/** Diagnose Cluster and the reports it made. */
export class DiagnosisReports {
  /**
   * The latest diagnosis reports by a random key (kept in memory only): the Markdown for "Open as Markdown",
   * and the actions their links stand for, which only these keys reach.
   */
  private readonly reports = new Map<string, { markdown: string; actions: ReportAction[] }>();

  constructor(private readonly parts: TroubleParts) {}

  async diagnose(node?: Target): Promise<TroubleOutcome<{ findings: { id: string; severity: string; title: string }[]; markdown: string; report: string; panel: vscode.WebviewPanel }>> {
    const found = await pickCluster(this.parts.hubs, node);
    if ('outcome' in found) return found;
    const { session, cluster } = found;
    const layer = this.parts.hubs.load();
    const report = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Diagnosing {0}', cluster) }, async () => {
      const mc = await session.connection.read(MC_API, MANAGED_CLUSTER_TYPE.kind, undefined, cluster).catch(() => undefined);
      const spoke = await this.parts.spokes.client(session, cluster);
      const snapshot = spoke ? await spoke.snapshot() : undefined;
      const input = {
        cluster,
        ...(mc ? { managedCluster: mc } : {}),
        ...(statusOf(session, cluster) ? { ibguStatus: statusOf(session, cluster) } : {}),
        // Whether TALM still runs the cluster's step: then its labels are TALM's to write, not ours to repair.
        talm: { ibgus: session.list('ImageBasedGroupUpgrade'), cgus: session.list('ClusterGroupUpgrade') },
        ...(snapshot ?? {}),
        ...(spoke ? {} : { unreachable: vscode.l10n.t('the cluster could not be reached (see the log)') }),
      };
      const findings = layer.diagnoseCluster(input);
      // What could not be read is said in the spoke's own words (an error from its API server): as text.
      const notRead = snapshot?.problems.length ? `\n\n---\n${layer.markdownText(vscode.l10n.t('Not read:'))}\n${snapshot.problems.map((p) => `- ${layer.markdownText(p)}`).join('\n')}\n` : '';
      return { findings, notRead };
    });
    // The fixes become links to actions kept here under a random key: a link holds the key and an index,
    // nothing else, so no link (one planted in cluster text included) can choose what runs or on which cluster.
    const key = randomBytes(16).toString('hex');
    const target: Target = { ref: { context: session.context.name, name: cluster, cluster } };
    const actions: ReportAction[] = [];
    const links = new Set<string>();
    const issue = (action: ReportAction) => {
      actions.push(action);
      const uri = layer.commandUri(REPORT_LINK_COMMAND, [key, actions.length - 1]);
      links.add(uri);
      return uri;
    };
    const fixLink = (index: number) => {
      const command = report.findings[index]?.fix?.command;
      return command && command !== 'openDocs' ? issue({ command, target }) : undefined;
    };
    const now = new Date();
    // The saved Markdown has no links (they mean nothing outside this window); the rendered one has them.
    const markdown = layer.diagnoseMarkdown(cluster, session.context.name, report.findings, now) + report.notRead;
    const linked = layer.diagnoseMarkdown(cluster, session.context.name, report.findings, now, fixLink) + report.notRead;
    const save = layer.markdownLink(vscode.l10n.t('Open as Markdown'), issue({ command: 'openMarkdown' }));
    this.reports.set(key, { markdown, actions });
    if (this.reports.size > 20) this.reports.delete(this.reports.keys().next().value!);
    const panel = await showReport(vscode.l10n.t('Diagnosis: {0}', cluster), `${linked}

  ---
  ${save} ${layer.markdownText(vscode.l10n.t('to save or share this report.'))}
  `, links);
    return { outcome: 'done', findings: report.findings.map((f) => ({ id: f.id, severity: f.severity, title: f.title })), markdown, report: key, panel };
  }

  async openReport(key?: string): Promise<vscode.TextDocument | undefined> {
    const markdown = typeof key === 'string' ? this.reports.get(key)?.markdown : undefined;
    if (markdown === undefined) {
      void vscode.window.showWarningMessage(vscode.l10n.t('That report is no longer kept: run Diagnose Cluster again.'));
      return undefined;
    }
    const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
    await vscode.window.showTextDocument(document, { preview: false });
    return document;
  }

  /**
   * A report's link: the action kept for `key` at `index`, run as if the user had chosen the command on
   * that cluster by hand (each re-reads the cluster and asks before it writes). Anything else does nothing.
   */
  async followReportLink(key: unknown, index: unknown): Promise<unknown> {
    const action = typeof key === 'string' && typeof index === 'number' ? this.reports.get(key)?.actions[index] : undefined;
    if (!action) {
      const text = vscode.l10n.t('That link is not from a report kept in this window: run Diagnose Cluster again.');
      void vscode.window.showWarningMessage(text);
      return nothing(text);
    }
    switch (action.command) {
      case 'ibgu.retryCleanup': return this.parts.run.retryCleanup(action.target);
      case 'ibgu.repairLabels': return this.parts.run.repairLabels(action.target);
      case 'ibgu.collectMustGather': return this.parts.run.mustGather(action.target);
      case 'ibgu.planRecovery': return this.parts.run.planRecovery(action.target);
      case 'openMarkdown': return this.openReport(key as string);
    }
  }
}
