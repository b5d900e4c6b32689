import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { Confirmation } from './confirm';
import type { HubSession, Hubs } from './hubs';
import { KubeconfigFiles, sweepStaleKubeconfigDirs } from './kubeconfig-files';
import type { Spokes } from './spokes';
import type { HubContent } from './views/hub-content';
import { REPORT_LINK_COMMAND, showReport } from './views/report';
import type { KubeObject, TreeNode } from '../hub/types';
import type { MustGatherCandidate } from '../core/troubleshoot/index';
import { registerRowCommand } from './row-command';

type Target = Pick<TreeNode, 'ref'> & Partial<TreeNode>;

/** What a troubleshooting command ended with, returned to whoever ran it (a test, another extension). */
export type TroubleOutcome<T extends object = object> = ({ outcome: 'done' } & T) | { outcome: 'cancelled' | 'nothing' | 'failed'; message: string };

const MC_API = 'cluster.open-cluster-management.io/v1';
/** A ManagedCluster's name as Kubernetes allows it (a DNS subdomain). */
const CLUSTER_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** What a report's link may do: a fix the extension computed for the report's cluster, or opening the report as Markdown. */
type ReportAction = { command: 'ibgu.retryCleanup' | 'ibgu.repairLabels' | 'ibgu.collectMustGather' | 'ibgu.planRecovery'; target: Target } | { command: 'openMarkdown' };

/**
 * The troubleshooting guide as commands on a cluster (or an IBGU): retry a stuck cleanup, collect
 * must-gather, repair TALM's labels, diagnose, plan the recovery. Each explains itself, shows what it will
 * change and asks once before any write, then confirms the result.
 */
export class TroubleCommands implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  /**
   * The latest diagnosis reports by a random key (kept in memory only): the Markdown for "Open as Markdown",
   * and the actions their links stand for, which only these keys reach.
   */
  private readonly reports = new Map<string, { markdown: string; actions: ReportAction[] }>();
  /** The kubeconfig files of must-gathers still running; none outlives the extension. */
  private readonly kubeconfigs = new KubeconfigFiles();
  /** The must-gather image picker while it is open. */
  private imagePick: vscode.QuickPick<vscode.QuickPickItem & { image: string }> | undefined;

  constructor(
    private readonly hubs: Hubs,
    private readonly spokes: Spokes,
    private readonly content: HubContent,
    private readonly confirmation: Confirmation,
    private readonly log: vscode.LogOutputChannel,
  ) {
    // Kubeconfig files of must-gathers an earlier VS Code could not remove (it was killed mid-run).
    void sweepStaleKubeconfigDirs().then((removed) => {
      if (removed.length) this.log.info(`Removed ${removed.length} kubeconfig folder(s) of must-gather runs that VS Code left behind.`);
    });

    const command = (id: string, run: (...args: any[]) => unknown) => this.disposables.push(vscode.commands.registerCommand(id, run));
    // Commands of the view's rows: see registerRowCommand.
    const row = (id: string, title: string, run: (node: Target | undefined, ...rest: any[]) => unknown) => this.disposables.push(registerRowCommand(id, title, run));
    row('ibgu.retryCleanup', vscode.l10n.t('Retry IBU Cleanup…'), (node) => this.retryCleanup(node));
    row('ibgu.collectMustGather', vscode.l10n.t('Collect must-gather…'), (node, options?: unknown) => this.mustGather(node, options));
    row('ibgu.repairLabels', vscode.l10n.t('Repair Stage Labels…'), (node) => this.repairLabels(node));
    row('ibgu.diagnoseCluster', vscode.l10n.t('Diagnose Cluster'), (node) => this.diagnose(node));
    row('ibgu.planRecovery', vscode.l10n.t('Plan the Recovery…'), (node, choose?: string) => this.planRecovery(node, choose));
    command('ibgu.openReportMarkdown', (key?: string) => this.openReport(key));
    command(REPORT_LINK_COMMAND, (key?: unknown, index?: unknown) => this.followReportLink(key, index));
  }

  // ---- retry cleanup ----

  private async retryCleanup(node?: Target): Promise<TroubleOutcome<{ state: string; message?: string }>> {
    const found = await this.cluster(node);
    if ('outcome' in found) return found;
    const { session, cluster } = found;
    const spoke = await this.spokes.client(session, cluster);
    if (!spoke) return nothing(vscode.l10n.t('{0} could not be reached.', cluster));
    const layer = this.hubs.load();
    const ibu = await spoke.ibu();
    const advice = layer.cleanupAdvice(ibu);
    if (!ibu || !advice.applies) {
      const message = vscode.l10n.t("{0}'s IBU is not waiting for a manual cleanup (its Idle condition is not AbortFailed or FinalizeFailed): there is nothing to retry.", cluster);
      void vscode.window.showInformationMessage(message);
      return nothing(message);
    }
    const ok = await this.confirmation.ask(
      // A notification shows plain text: the explanation's Markdown code marks go.
      vscode.l10n.t('{0}: {1} — "{2}". {3} Retry now (a merge patch of that annotation only)?', cluster, advice.reason ?? '', advice.message ?? '', advice.explanation.replace(/`/g, '')),
      vscode.l10n.t('Retry Cleanup'),
    );
    if (!ok) return { outcome: 'cancelled', message: vscode.l10n.t('Not retried.') };
    try {
      // Conditional on the IBU the advice was read from: if its Idle condition or stage changed meanwhile
      // (LCA retried on its own, someone else annotated it), nothing is written and the message says so.
      await spoke.connection.mergePatch(layer.IBU_API, 'ImageBasedUpgrade', undefined, 'upgrade', layer.manualCleanupPatch(), { object: ibu, view: cleanupView });
    } catch (error) {
      return this.failed(vscode.l10n.t('The annotation was not added to {0}: {1}', cluster, message(error)));
    }
    this.log.info(`Added lca.openshift.io/manual-cleanup-done to the IBU of ${cluster} (through ${spoke.via}).`);
    const before = { ...(advice.message ? { message: advice.message } : {}) };
    // LCA may take minutes, and a retry that fails with the same message looks like one still working:
    // the wait can be cancelled, and then Diagnose says where the cluster stands.
    const last = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('{0}: LCA is retrying the cleanup', cluster), cancellable: true },
      (_progress, token) => spoke.waitForIbu((i) => layer.cleanupOutcome(i, before).state !== 'pending', 10 * 60_000, token),
    );
    const outcome = last ? layer.cleanupOutcome(last, before) : { state: 'pending' as const };
    if (outcome.state === 'idle') {
      const repair = vscode.l10n.t('Repair Labels');
      void vscode.window.showInformationMessage(vscode.l10n.t("{0}'s IBU is back in Idle: the cleanup is done. Check its TALM labels so the next step or IBGU selects it rightly.", cluster), repair).then((c) => {
        if (c) void this.repairLabels({ ref: { context: session.context.name, name: cluster, cluster } });
      });
    } else if (outcome.state === 'failed-again') {
      const steps = vscode.l10n.t('Show Manual Steps');
      void vscode.window.showWarningMessage(vscode.l10n.t('{0}: the cleanup failed again: {1}', cluster, outcome.message ?? ''), steps).then(async (c) => {
        if (!c) return;
        const text = `# ${layer.markdownText(vscode.l10n.t('Manual cleanup of {0}', cluster))}\n\n${layer.markdownQuote(outcome.message ?? '')}\n\n${layer.cleanupAdvice(last).manualSteps.join('\n')}\n`;
        const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: text });
        await vscode.commands.executeCommand('markdown.showPreview', document.uri);
      });
    } else {
      const diagnose = vscode.l10n.t('Diagnose Cluster');
      void vscode.window.showWarningMessage(vscode.l10n.t('{0}: the cleanup has not been seen to end (LCA may still be working, or failed again with the same message).', cluster), diagnose).then((c) => {
        if (c) void this.diagnose({ ref: { context: session.context.name, name: cluster, cluster } });
      });
    }
    return { outcome: 'done', state: outcome.state, ...(outcome.message ? { message: outcome.message } : {}) };
  }

  // ---- must-gather ----

  private async mustGather(node?: Target, given?: unknown): Promise<TroubleOutcome<{ args: string[]; destination: string; exitCode?: number }>> {
    const options = mustGatherOptions(given);
    const found = await this.cluster(node);
    if ('outcome' in found) return found;
    const { session, cluster } = found;
    const oc = findOnPath('oc');
    if (!oc) {
      const install = vscode.l10n.t('How to Install oc');
      void vscode.window.showErrorMessage(vscode.l10n.t('Collect must-gather needs the OpenShift CLI, oc, which is not on PATH. Install it (from your cluster console: ? → Command Line Tools, or mirror.openshift.com), make sure `oc version` works in a terminal, then run this again.'), install).then((c) => {
        if (c) void vscode.env.openExternal(vscode.Uri.parse('https://docs.openshift.com/container-platform/latest/cli_reference/openshift_cli/getting-started-cli.html'));
      });
      return this.failed(vscode.l10n.t('oc is not on PATH.'), false);
    }
    const spoke = await this.spokes.client(session, cluster);
    if (!spoke) return nothing(vscode.l10n.t('{0} could not be reached.', cluster));
    const layer = this.hubs.load();
    let lcaImage: string | undefined;
    try {
      lcaImage = await spoke.lcaImage();
    } catch (error) {
      this.log.warn(`The LCA image of ${cluster} could not be read: ${message(error)}`);
    }
    const problem = lcaImage === undefined ? vscode.l10n.t('no lifecycle-agent-controller-manager Deployment with a manager container') : layer.imageReferenceProblem(lcaImage);
    if (problem) {
      // Never passed on: an image string from the cluster reaches oc only as a checked reference.
      void vscode.window.showWarningMessage(vscode.l10n.t("{0}: LCA's must-gather image was not used ({1}).", cluster, problem));
    }
    // `options` are a caller's wishes, never a decision: only the cluster's LCA image and the documented
    // images are taken without the picker; any other image is offered there unpicked; and a confirmation
    // names every image and the folder whenever options were given.
    const choice = layer.mustGatherChoice(problem ? undefined : lcaImage, options?.images);
    if (choice.refused.length) void vscode.window.showWarningMessage(vscode.l10n.t('{0}: not offered, not image references: {1}', cluster, choice.refused.map((r) => `${JSON.stringify(r.image.slice(0, 80))} (${r.problem})`).join('; ')));
    const images = choice.needsPicker ? await this.pickImages(cluster, choice.candidates) : choice.chosen;
    if (!images?.length) return { outcome: 'cancelled', message: vscode.l10n.t('No image chosen.') };
    let destination: string;
    if (options?.destination !== undefined) {
      const unusable = destinationProblem(options.destination);
      if (unusable) return this.failed(vscode.l10n.t('must-gather not started: {0}', unusable));
      destination = options.destination;
    } else {
      const base = vscode.workspace.workspaceFolders?.[0]?.uri;
      const chosen = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: vscode.l10n.t('Collect Here'), title: vscode.l10n.t('Where must-gather writes its data'), ...(base ? { defaultUri: base } : {}) });
      if (!chosen?.[0]) return { outcome: 'cancelled', message: vscode.l10n.t('No destination chosen.') };
      destination = path.join(chosen[0].fsPath, `must-gather-${layer.safeFolderName(cluster)}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    }
    if (options !== undefined) {
      const origin = (image: string) => {
        const c = choice.candidates.find((x) => x.image === image);
        if (c?.origin === 'lca') return vscode.l10n.t('the image LCA runs on {0}', cluster);
        if (c?.origin === 'documented') return vscode.l10n.t('documented: {0}', c.label ?? '');
        return vscode.l10n.t("NOT {0}'s own image nor a documented one", cluster);
      };
      const ok = await this.confirmation.ask(
        vscode.l10n.t('Collect must-gather from {0} into {1}? oc adm must-gather runs each image as a privileged pod on the cluster and copies what it writes into that folder. Images: {2}.', cluster, destination, images.map((i) => `${i} (${origin(i)})`).join(', ')),
        vscode.l10n.t('Collect must-gather'),
      );
      if (!ok) return { outcome: 'cancelled', message: vscode.l10n.t('must-gather not started.') };
    }
    let args: string[];
    try {
      args = layer.mustGatherArgs(destination, images);
    } catch (error) {
      return this.failed(vscode.l10n.t('must-gather not started: {0}', message(error)));
    }
    // The spoke's credentials go to oc in a file of this run's own, readable by the user only, removed when
    // the run ends or the extension is deactivated, whichever comes first.
    const kubeconfig = this.kubeconfigs.create(spoke.kubeconfigText());
    let exitCode: number | undefined;
    try {
      const full = ['--kubeconfig', kubeconfig.file, ...args];
      // A definition of its own per run: VS Code runs one instance of a task definition at a time, and two
      // must-gathers of one cluster may overlap.
      const definition = { type: 'ibgu', cluster, run: path.basename(kubeconfig.dir) };
      const task = new vscode.Task(definition, vscode.TaskScope.Workspace, vscode.l10n.t('must-gather {0}', cluster), 'IBGU', new vscode.ProcessExecution(oc, full));
      task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.New, clear: true };
      this.log.info(`Running ${oc} ${args.join(' ')} with the kubeconfig of ${cluster} (${spoke.via}).`);
      exitCode = await runToEnd(task, (error) => this.log.error(`must-gather could not start: ${message(error)}`));
    } finally {
      kubeconfig.remove();
    }
    const open = vscode.l10n.t('Open Folder');
    if (exitCode === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('must-gather of {0} is in {1}.', cluster, destination), open).then((c) => {
        if (c) void vscode.commands.executeCommand('vscode.openFolder', vscode.Uri.file(destination!), { forceNewWindow: true });
      });
    } else {
      void vscode.window.showErrorMessage(vscode.l10n.t('must-gather of {0} ended with status {1}; see its terminal.', cluster, String(exitCode ?? '?')));
    }
    return { outcome: 'done', args, destination, ...(exitCode !== undefined ? { exitCode } : {}) };
  }

  /** The must-gather image picker while it is open: what it offers and what is checked (what the user sees; read by tests). */
  get imagePicker(): { title: string; items: { image: string; label: string; detail: string; picked: boolean }[] } | undefined {
    const pick = this.imagePick;
    return pick && { title: pick.title ?? '', items: pick.items.map((i) => ({ image: i.image, label: i.label, detail: i.detail ?? '', picked: pick.selectedItems.includes(i) })) };
  }

  /** The images the user checks; only the LCA image and documented ones may come checked. Undefined when dismissed. */
  private pickImages(cluster: string, candidates: readonly MustGatherCandidate[]): Promise<string[] | undefined> {
    const items = candidates.map((c) => ({
      image: c.image,
      description: c.image,
      label: c.origin === 'lca' ? vscode.l10n.t('Lifecycle Agent') : c.origin === 'documented' ? c.label ?? c.image : `$(warning) ${vscode.l10n.t("Not {0}'s own image", cluster)}`,
      detail: c.origin === 'lca' ? vscode.l10n.t('The image LCA runs on {0}', cluster) : c.origin === 'documented' ? c.detail ?? '' : vscode.l10n.t('Asked for by whatever ran this command: neither the image LCA runs on {0} nor a documented must-gather image. must-gather runs it as a privileged pod on the cluster.', cluster),
    }));
    this.imagePick?.hide();
    const pick = vscode.window.createQuickPick<(typeof items)[number]>();
    pick.title = vscode.l10n.t('must-gather images for {0}', cluster);
    pick.canSelectMany = true;
    pick.ignoreFocusOut = true;
    pick.matchOnDescription = true;
    pick.items = items;
    pick.selectedItems = items.filter((_, i) => candidates[i]!.picked && candidates[i]!.origin !== 'requested');
    this.imagePick = pick;
    return new Promise((resolve) => {
      let chosen: string[] | undefined;
      pick.onDidAccept(() => {
        chosen = pick.selectedItems.map((i) => i.image);
        pick.hide();
      });
      pick.onDidHide(() => {
        if (this.imagePick === pick) this.imagePick = undefined;
        pick.dispose();
        resolve(chosen);
      });
      pick.show();
    });
  }

  // ---- labels ----

  private async repairLabels(node?: Target): Promise<TroubleOutcome<{ add: string[]; remove: string[] }>> {
    const found = await this.cluster(node);
    if ('outcome' in found) return found;
    const { session, cluster } = found;
    const layer = this.hubs.load();
    const mc = await session.connection.read(MC_API, 'ManagedCluster', undefined, cluster);
    if (!mc) return this.failed(vscode.l10n.t('{0} has no ManagedCluster {1}.', session.context.name, cluster));
    const spoke = await this.spokes.client(session, cluster);
    const ibu = spoke ? await spoke.ibu().catch(() => undefined) : undefined;
    const status = statusOf(session, cluster);
    const repair = layer.proposeLabelRepair(mc.metadata.labels ?? {}, ibu, status);
    if (!repair.add.length && !repair.remove.length) {
      const text = vscode.l10n.t("{0}'s TALM labels already agree with its IBU{1}: nothing to repair.", cluster, ibu ? '' : vscode.l10n.t(' (not read: the cluster could not be reached)'));
      void vscode.window.showInformationMessage(text);
      return nothing(text);
    }
    const labels = mc.metadata.labels ?? {};
    const after: Record<string, string> = { ...labels };
    for (const k of repair.remove) delete after[k];
    for (const k of repair.add) after[k] = '';
    const show = (l: Record<string, string>) => Object.keys(l).filter((k) => k.startsWith('lcm.openshift.io/ibgu-')).sort().map((k) => `${k}: "${l[k]}"`).join('\n') + '\n';
    const left = this.content.set(`/${session.context.name}/ManagedCluster/${cluster}.labels.yaml`, show(labels));
    const right = this.content.set(`/${session.context.name}/ManagedCluster/${cluster}.labels.repaired.yaml`, `${show(after)}\n# ${repair.reasons.join('\n# ')}\n`);
    // The question is open before the diff shows, so an answer given from the diff's title bar is never early.
    const answer = this.confirmation.ask(vscode.l10n.t('{0}: {1} Apply this label change to the ManagedCluster (a merge patch of these labels only)?', cluster, repair.reasons.join(' ')), vscode.l10n.t('Repair Labels'));
    await vscode.commands.executeCommand('vscode.diff', left, right, vscode.l10n.t('{0}: TALM labels now ↔ after the repair', cluster), { preview: true });
    const ok = await answer;
    if (!ok) return { outcome: 'cancelled', message: vscode.l10n.t('Labels not changed.') };
    try {
      // Conditional on the labels the diff showed: a TALM label written meanwhile makes it fail, saying which.
      await session.connection.mergePatch(MC_API, 'ManagedCluster', undefined, cluster, layer.labelRepairPatch(repair), { object: mc, view: talmLabelsView });
    } catch (error) {
      return this.failed(vscode.l10n.t('The labels of {0} were not changed: {1}', cluster, message(error)));
    }
    void vscode.window.showInformationMessage(vscode.l10n.t('{0}: labels repaired ({1}).', cluster, [...repair.add.map((k) => `+${k}`), ...repair.remove.map((k) => `−${k}`)].join(', ')));
    return { outcome: 'done', add: repair.add, remove: repair.remove };
  }

  // ---- diagnose ----

  private async diagnose(node?: Target): Promise<TroubleOutcome<{ findings: { id: string; severity: string; title: string }[]; markdown: string; report: string; panel: vscode.WebviewPanel }>> {
    const found = await this.cluster(node);
    if ('outcome' in found) return found;
    const { session, cluster } = found;
    const layer = this.hubs.load();
    const report = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Diagnosing {0}', cluster) }, async () => {
      const mc = await session.connection.read(MC_API, 'ManagedCluster', undefined, cluster).catch(() => undefined);
      const spoke = await this.spokes.client(session, cluster);
      const snapshot = spoke ? await spoke.snapshot() : undefined;
      const input = {
        cluster,
        ...(mc ? { managedCluster: mc } : {}),
        ...(statusOf(session, cluster) ? { ibguStatus: statusOf(session, cluster) } : {}),
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

  private async openReport(key?: string): Promise<vscode.TextDocument | undefined> {
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
  private async followReportLink(key: unknown, index: unknown): Promise<unknown> {
    const action = typeof key === 'string' && typeof index === 'number' ? this.reports.get(key)?.actions[index] : undefined;
    if (!action) {
      const text = vscode.l10n.t('That link is not from a report kept in this window: run Diagnose Cluster again.');
      void vscode.window.showWarningMessage(text);
      return nothing(text);
    }
    switch (action.command) {
      case 'ibgu.retryCleanup': return this.retryCleanup(action.target);
      case 'ibgu.repairLabels': return this.repairLabels(action.target);
      case 'ibgu.collectMustGather': return this.mustGather(action.target);
      case 'ibgu.planRecovery': return this.planRecovery(action.target);
      case 'openMarkdown': return this.openReport(key as string);
    }
  }

  // ---- recovery ----

  private async planRecovery(node?: Target, choose?: string): Promise<TroubleOutcome<{ proposal: string; selects: string[]; document: vscode.TextDocument }>> {
    const session = node?.ref ? this.hubs.get(node.ref.context) : this.hubs.list()[0];
    if (!session) return nothing(vscode.l10n.t('No hub is connected.'));
    const all = session.list('ImageBasedGroupUpgrade');
    const cluster = node?.ref?.cluster;
    // From a cluster (a link in its diagnosis): the newest IBGU whose status lists it.
    const ibgu = cluster && !node?.ref?.uid
      ? [...all].sort((a, b) => String(b.metadata.creationTimestamp ?? '').localeCompare(String(a.metadata.creationTimestamp ?? ''))).find((o) => ((o.status?.clusters ?? []) as { name?: string }[]).some((c) => c.name === cluster))
      : all.find((o) => (node?.ref?.uid ? o.metadata.uid === node.ref.uid : o.metadata.name === node?.ref?.name && o.metadata.namespace === node?.ref?.namespace));
    if (!ibgu) return nothing(vscode.l10n.t('Choose an IBGU in the IBGU view to plan its recovery.'));
    const layer = this.hubs.load();
    const proposals = layer.planRecovery(ibgu as never, session.list('ManagedCluster'));
    if (!proposals.length) {
      const text = vscode.l10n.t('{0}/{1} has no failed clusters to recover.', ibgu.metadata.namespace ?? '', ibgu.metadata.name);
      void vscode.window.showInformationMessage(text);
      return nothing(text);
    }
    let proposal = choose ? proposals.find((p) => p.id === choose) : undefined;
    if (!proposal) {
      const picked = await vscode.window.showQuickPick(
        proposals.map((p) => ({ label: p.title, detail: `${p.why.replace(/\s+/g, ' ')} — ${vscode.l10n.t('selects {0}', p.selects.join(', ') || vscode.l10n.t('no cluster now'))}`, proposal: p })),
        { title: vscode.l10n.t('Recover the failed clusters of {0}', ibgu.metadata.name), matchOnDetail: true },
      );
      proposal = picked?.proposal;
    }
    if (!proposal) return { outcome: 'cancelled', message: vscode.l10n.t('No recovery chosen.') };
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

  // ---- shared ----

  /**
   * The hub and cluster of a tree node (a cluster or a ManagedCluster), or one picked from the hub's
   * clusters. A node's reference is checked as a caller's claim, not trusted: its hub must be connected,
   * and its cluster a ManagedCluster there, read now.
   */
  private async cluster(node?: Target): Promise<{ session: HubSession; cluster: string } | TroubleOutcome<never>> {
    if (node?.ref) {
      const session = this.hubs.get(node.ref.context);
      if (!session) return this.failed(vscode.l10n.t('The hub context "{0}" is not connected: connect it in the IBGU view first.', String(node.ref.context)));
      const cluster = node.ref.cluster ?? node.ref.name;
      if (typeof cluster !== 'string' || !CLUSTER_NAME.test(cluster)) return this.failed(vscode.l10n.t('"{0}" is not the name of a cluster.', String(cluster).slice(0, 80)));
      try {
        if (!(await session.connection.read(MC_API, 'ManagedCluster', undefined, cluster))) return this.failed(vscode.l10n.t('{0} is not a ManagedCluster on {1}.', cluster, session.context.name));
      } catch (error) {
        return this.failed(vscode.l10n.t('The ManagedCluster {0} could not be read from {1}: {2}', cluster, session.context.name, message(error)));
      }
      return { session, cluster };
    }
    const sessions = this.hubs.list();
    const session = sessions.length === 1 ? sessions[0] : (await vscode.window.showQuickPick(sessions.map((s) => ({ label: s.context.name, session: s })), { title: vscode.l10n.t('Which hub?') }))?.session;
    if (!session) return nothing(vscode.l10n.t('No cluster chosen.'));
    const picked = await vscode.window.showQuickPick(session.list('ManagedCluster').map((m) => m.metadata.name).sort(), { title: vscode.l10n.t('Which cluster?') });
    return picked ? { session, cluster: picked } : nothing(vscode.l10n.t('No cluster chosen.'));
  }

  private failed(text: string, show = true): TroubleOutcome<never> {
    if (show) void vscode.window.showErrorMessage(text);
    return { outcome: 'failed', message: text };
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.kubeconfigs.dispose();
  }
}

/**
 * Runs a task and resolves with its process's exit code (undefined when it did not start or gave none), at
 * the end of this execution only: the one executeTask returns, never another task of the same name.
 */
function runToEnd(task: vscode.Task, notStarted: (error: unknown) => void): Promise<number | undefined> {
  return new Promise((resolve) => {
    let mine: vscode.TaskExecution | undefined;
    // Ends that arrive before executeTask answers (VS Code sends none then, but none is lost if it did).
    const early = new Map<vscode.TaskExecution, number | undefined>();
    let done = false;
    const finish = (code: number | undefined) => {
      if (done) return;
      done = true;
      for (const l of listeners) l.dispose();
      resolve(code);
    };
    const ended = (execution: vscode.TaskExecution, code: number | undefined) => {
      if (execution === mine) finish(code);
      else if (!mine && !early.has(execution)) early.set(execution, code);
    };
    const listeners = [
      vscode.tasks.onDidEndTaskProcess((e) => ended(e.execution, e.exitCode)),
      // The task's end follows its process's; alone, it means the process never ran.
      vscode.tasks.onDidEndTask((e) => ended(e.execution, undefined)),
    ];
    vscode.tasks.executeTask(task).then(
      (execution) => {
        mine = execution;
        if (early.has(execution)) finish(early.get(execution));
      },
      (error) => {
        notStarted(error);
        finish(undefined);
      },
    );
  });
}

/**
 * What a caller of `ibgu.collectMustGather` may wish for; whatever it is, a confirmation names every image
 * and the folder before oc runs.
 */
export interface MustGatherOptions {
  /** Where must-gather writes (instead of the folder dialog): an absolute path to a new or empty folder. */
  destination?: string;
  /**
   * The images, or 'default': LCA's (when it passes the check) and OADP's. The LCA image and the
   * documented ones are taken as asked; any other sends the user to the picker, where it is unchecked.
   */
  images?: string[] | 'default';
}

/** The options of a call, if it has any: a tree's menu passes the selection in their place, which is none. */
function mustGatherOptions(given: unknown): MustGatherOptions | undefined {
  if (typeof given !== 'object' || given === null || Array.isArray(given)) return undefined;
  const { images, destination } = given as Record<string, unknown>;
  const options: MustGatherOptions = {
    ...(images === 'default' || (Array.isArray(images) && images.every((i) => typeof i === 'string')) ? { images: images as string[] | 'default' } : {}),
    ...(typeof destination === 'string' ? { destination } : {}),
  };
  return options.images !== undefined || options.destination !== undefined ? options : undefined;
}

/** Why must-gather may not write to `destination`: it must be absolute, one line, and a new or empty folder. */
function destinationProblem(destination: string): string | undefined {
  if (!path.isAbsolute(destination) || /[\u0000-\u001f\u007f]/.test(destination)) return vscode.l10n.t('the destination must be an absolute path on one line');
  try {
    if (!statSync(destination).isDirectory() || readdirSync(destination).length > 0) return vscode.l10n.t('{0} exists and is not an empty folder (must-gather writes what the cluster gives it: choose a new folder)', destination);
  } catch {
    // not there yet: oc creates it
  }
  return undefined;
}

function nothing(text: string): TroubleOutcome<never> {
  return { outcome: 'nothing', message: text };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The cluster's entry in the status of the newest IBGU that lists it. */
function statusOf(session: HubSession, cluster: string): { completedActions?: { action: string }[]; failedActions?: { action: string; message?: string }[] } | undefined {
  const ibgus = [...session.list('ImageBasedGroupUpgrade')].sort((a, b) => String(b.metadata.creationTimestamp ?? '').localeCompare(String(a.metadata.creationTimestamp ?? '')));
  for (const ibgu of ibgus) {
    const entry = ((ibgu.status?.clusters ?? []) as { name?: string }[]).find((c) => c.name === cluster);
    if (entry) return entry as never;
  }
  return undefined;
}

/** What a cleanup retry is decided on: the IBU's stage, its Idle condition, and whether it is already annotated. */
function cleanupView(ibu: KubeObject): unknown {
  const idle = ((ibu.status?.conditions ?? []) as { type?: string; status?: string; reason?: string; message?: string }[]).find((c) => c.type === 'Idle');
  return { stage: ibu.spec?.stage, idle: idle ? { status: idle.status, reason: idle.reason, message: idle.message } : undefined, manualCleanupDone: ibu.metadata.annotations?.['lca.openshift.io/manual-cleanup-done'] };
}

/** What a label repair is decided on (and its diff shows): the ManagedCluster's lcm.openshift.io/ibgu-* labels. */
function talmLabelsView(mc: KubeObject): unknown {
  return { labels: Object.fromEntries(Object.entries(mc.metadata.labels ?? {}).filter(([k]) => k.startsWith('lcm.openshift.io/ibgu-'))) };
}

function withoutServerFields(object: KubeObject): KubeObject {
  const { uid: _u, resourceVersion: _r, generation: _g, creationTimestamp: _c, managedFields: _m, ...metadata } = object.metadata;
  const { status: _s, ...rest } = object;
  return { ...rest, metadata } as KubeObject;
}

/** An executable on PATH, as the shell would find it; undefined when there is none. */
export function findOnPath(name: string, pathVar = process.env.PATH ?? ''): string | undefined {
  for (const dir of pathVar.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
