import * as vscode from 'vscode';
import type { Confirmation } from './confirm';
import type { Hubs } from './hubs';
import { sweepStaleKubeconfigDirs } from './kubeconfig-files';
import type { Spokes } from './spokes';
import type { HubContent } from './views/hub-content';
import { REPORT_LINK_COMMAND } from './views/report';
import { registerRowCommand } from './row-command';
import type { Target } from './commands/targets';
import type { TroubleParts } from './commands/trouble';
import { retryCleanup } from './commands/retry-cleanup';
import { MustGather } from './commands/must-gather';
import { repairLabels } from './commands/repair-labels';
import { DiagnosisReports } from './commands/diagnose';
import { planRecovery } from './commands/plan-recovery';

/**
 * The troubleshooting guide as commands on a cluster (or an IBGU), registered here and nowhere else: retry a
 * stuck cleanup, collect must-gather, repair TALM's labels, diagnose, plan the recovery. Each explains
 * itself, shows what it will change and asks once before any write, then confirms the result. Each
 * command's code is in commands/, one file per command (what they share: commands/trouble.ts).
 */
export class TroubleCommands implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly mustGather: MustGather;
  private readonly reports: DiagnosisReports;

  constructor(hubs: Hubs, spokes: Spokes, content: HubContent, confirmation: Confirmation, log: vscode.LogOutputChannel) {
    // Kubeconfig files of must-gathers an earlier VS Code could not remove (it was killed mid-run).
    void sweepStaleKubeconfigDirs().then((removed) => {
      if (removed.length) log.info(`Removed ${removed.length} kubeconfig folder(s) of must-gather runs that VS Code left behind.`);
    });
    const parts: TroubleParts = {
      hubs,
      spokes,
      content,
      confirmation,
      log,
      run: {
        retryCleanup: (target) => retryCleanup(parts, target),
        repairLabels: (target) => repairLabels(parts, target),
        diagnose: (target) => this.reports.diagnose(target),
        mustGather: (target) => this.mustGather.run(target),
        planRecovery: (target) => planRecovery(parts, target),
      },
    };
    this.mustGather = new MustGather(parts);
    this.reports = new DiagnosisReports(parts);

    const command = (id: string, run: (...args: any[]) => unknown) => this.disposables.push(vscode.commands.registerCommand(id, run));
    // Commands of the view's rows: see registerRowCommand.
    const row = (id: string, title: string, run: (node: Target | undefined, ...rest: any[]) => unknown) => this.disposables.push(registerRowCommand(id, title, run));
    row('ibgu.retryCleanup', vscode.l10n.t('Retry IBU Cleanup…'), (node) => retryCleanup(parts, node));
    row('ibgu.collectMustGather', vscode.l10n.t('Collect must-gather…'), (node, options?: unknown) => this.mustGather.run(node, options));
    row('ibgu.repairLabels', vscode.l10n.t('Repair Stage Labels…'), (node) => repairLabels(parts, node));
    row('ibgu.diagnoseCluster', vscode.l10n.t('Diagnose Cluster'), (node) => this.reports.diagnose(node));
    row('ibgu.planRecovery', vscode.l10n.t('Plan the Recovery…'), (node, choose?: string) => planRecovery(parts, node, choose));
    command('ibgu.openReportMarkdown', (key?: string) => this.reports.openReport(key));
    command(REPORT_LINK_COMMAND, (key?: unknown, index?: unknown) => this.reports.followReportLink(key, index));
  }

  /** The must-gather image picker while it is open: what it offers and what is checked (what the user sees; read by tests). */
  get imagePicker(): { title: string; items: { image: string; label: string; detail: string; picked: boolean }[] } | undefined {
    return this.mustGather.imagePicker;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.mustGather.dispose();
  }
}
