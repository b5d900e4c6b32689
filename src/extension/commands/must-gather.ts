/** Collect must-gather from a cluster with oc, as a VS Code task, with the spoke's credentials in a file of its own. */
import * as vscode from 'vscode';
import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { KubeconfigFiles } from '../kubeconfig-files';
import type { MustGatherCandidate } from '../../core/troubleshoot/index';
import type { Target } from './targets';
import { failed, message, nothing, pickCluster, type TroubleOutcome, type TroubleParts } from './trouble';

/** Collect must-gather, with what its runs hold: their kubeconfig files, and the image picker while it is open. */
export class MustGather implements vscode.Disposable {
  /** The kubeconfig files of must-gathers still running; none outlives the extension. */
  private readonly kubeconfigs = new KubeconfigFiles();
  /** The must-gather image picker while it is open. */
  private imagePick: vscode.QuickPick<vscode.QuickPickItem & { image: string }> | undefined;

  constructor(private readonly parts: TroubleParts) {}

  async run(node?: Target, given?: unknown): Promise<TroubleOutcome<{ args: string[]; destination: string; exitCode?: number }>> {
    const options = mustGatherOptions(given);
    const found = await pickCluster(this.parts.hubs, node);
    if ('outcome' in found) return found;
    const { session, cluster } = found;
    const oc = findOnPath('oc');
    if (!oc) {
      const install = vscode.l10n.t('How to Install oc');
      void vscode.window.showErrorMessage(vscode.l10n.t('Collect must-gather needs the OpenShift CLI, oc, which is not on PATH. Install it (from your cluster console: ? → Command Line Tools, or mirror.openshift.com), make sure `oc version` works in a terminal, then run this again.'), install).then((c) => {
        if (c) void vscode.env.openExternal(vscode.Uri.parse('https://docs.openshift.com/container-platform/latest/cli_reference/openshift_cli/getting-started-cli.html'));
      });
      return failed(vscode.l10n.t('oc is not on PATH.'), false);
    }
    const spoke = await this.parts.spokes.client(session, cluster);
    if (!spoke) return nothing(vscode.l10n.t('{0} could not be reached.', cluster));
    const layer = this.parts.hubs.load();
    let lcaImage: string | undefined;
    try {
      lcaImage = await spoke.lcaImage();
    } catch (error) {
      this.parts.log.warn(`The LCA image of ${cluster} could not be read: ${message(error)}`);
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
      if (unusable) return failed(vscode.l10n.t('must-gather not started: {0}', unusable));
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
      const ok = await this.parts.confirmation.ask(
        vscode.l10n.t('Collect must-gather from {0} into {1}? oc adm must-gather runs each image as a privileged pod on the cluster and copies what it writes into that folder. Images: {2}.', cluster, destination, images.map((i) => `${i} (${origin(i)})`).join(', ')),
        vscode.l10n.t('Collect must-gather'),
      );
      if (!ok) return { outcome: 'cancelled', message: vscode.l10n.t('must-gather not started.') };
    }
    let args: string[];
    try {
      args = layer.mustGatherArgs(destination, images);
    } catch (error) {
      return failed(vscode.l10n.t('must-gather not started: {0}', message(error)));
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
      this.parts.log.info(`Running ${oc} ${args.join(' ')} with the kubeconfig of ${cluster} (${spoke.via}).`);
      exitCode = await runToEnd(task, (error) => this.parts.log.error(`must-gather could not start: ${message(error)}`));
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

  dispose(): void {
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
