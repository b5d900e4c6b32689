import * as vscode from 'vscode';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { SandboxSource } from './hubs';

/** A scenario shipped in examples/sandbox, with the description line it declares. */
export interface ScenarioChoice {
  file: string;
  label: string;
  description: string;
}

/** The scenarios shipped with the extension; a missing directory gives none (the healthy default remains). */
export function shippedScenarios(extensionPath: string): ScenarioChoice[] {
  const dir = path.join(extensionPath, 'examples', 'sandbox');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => {
      const text = readFileSync(path.join(dir, name), 'utf8');
      const description = /^description:\s*(.+)$/m.exec(text)?.[1]?.trim() ?? '';
      return { file: path.join(dir, name), label: name.replace(/\.yaml$/, ''), description };
    });
}

/**
 * The sandbox hub as a child process (dist/sandbox.js, the same program as `ibgu sandbox`), started from
 * the view's welcome or the palette. It runs in VS Code's own runtime (ELECTRON_RUN_AS_NODE in the desktop;
 * plain Node in code-server), listens on 127.0.0.1 only, writes its kubeconfig into the extension's storage,
 * and is stopped by its process id when asked, when it fails, or when the extension deactivates.
 */
export class SandboxProcess implements SandboxSource, vscode.Disposable {
  private child: ChildProcess | undefined;
  private path: string | undefined;
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;

  constructor(
    private readonly extensionPath: string,
    private readonly storage: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get kubeconfigPath(): string | undefined {
    return this.path;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Starts the sandbox and resolves with its kubeconfig path once it serves; rejects with its own error text. */
  async start(options: { scenario?: string; timeScale: number; clusters?: number }): Promise<string> {
    if (this.child && this.path) return this.path;
    const dir = path.join(this.storage.fsPath, 'sandbox');
    mkdirSync(dir, { recursive: true });
    const kubeconfig = path.join(dir, 'kubeconfig');
    const args = [path.join(this.extensionPath, 'dist', 'sandbox.js'), '--kubeconfig', kubeconfig, '--time-scale', String(options.timeScale)];
    if (options.scenario) args.push('--scenario', options.scenario);
    if (options.clusters !== undefined) args.push('--clusters', String(options.clusters));
    const child = spawn(process.execPath, args, {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    this.child = child;
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    const ready = new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        const line = /^ibgu sandbox: .*$/m.exec(out)?.[0];
        if (line) {
          // The line names the kubeconfig path and the URL, never the token.
          this.log.info(line.replace(/ \(Ctrl\+C stops it\)$/, ''));
          resolve();
        }
      });
      child.once('error', (error) => reject(new Error(`the sandbox hub could not start: ${error.message}`)));
      child.once('exit', (code, signal) => reject(new Error(`the sandbox hub exited (${signal ?? `status ${code}`}) before serving${stderr.trim() ? `: ${stderr.trim()}` : ''}`)));
    });
    child.once('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = undefined;
      this.path = undefined;
      if (code !== 0 && signal !== 'SIGTERM') this.log.warn(`The sandbox hub stopped (${signal ?? `status ${code}`}).${stderr.trim() ? ` ${stderr.trim()}` : ''}`);
      void vscode.commands.executeCommand('setContext', 'ibgu.sandbox.running', false);
      this.emitter.fire();
    });
    try {
      await ready;
    } catch (error) {
      this.stop();
      throw error;
    }
    this.path = kubeconfig;
    void vscode.commands.executeCommand('setContext', 'ibgu.sandbox.running', true);
    this.emitter.fire();
    return kubeconfig;
  }

  stop(): void {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    this.path = undefined;
    if (child.pid !== undefined && child.exitCode === null) child.kill('SIGTERM');
    void vscode.commands.executeCommand('setContext', 'ibgu.sandbox.running', false);
    this.emitter.fire();
  }

  dispose(): void {
    this.stop();
    this.emitter.dispose();
  }
}
