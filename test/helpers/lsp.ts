import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';
import { repoRoot } from './fixtures';

type Message = { id?: number; method?: string; params?: any; result?: any; error?: any };

/** A minimal LSP client over stdio, for protocol tests of dist/server.js. */
export class LspClient {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, (m: Message) => void>();
  private readonly notifications: Message[] = [];
  private readonly waiters: { method: string; match: (p: any) => boolean; resolve: (p: any) => void }[] = [];
  stderr = '';

  /** Answers to server requests by method (e.g. `workspace/configuration`); others get `null`. */
  responders: Record<string, (params: any) => unknown> = {};

  constructor(args: string[] = [path.join(repoRoot(), 'dist', 'server.js'), '--stdio']) {
    this.child = spawn(process.execPath, args);
    this.child.stdout.on('data', (chunk: Buffer) => this.receive(chunk));
    this.child.stderr.on('data', (d) => (this.stderr += d));
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd === -1) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString())?.[1]);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const message: Message = JSON.parse(this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8'));
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      if (message.id !== undefined && !message.method) this.pending.get(message.id)?.(message);
      else if (message.method) this.onNotification(message);
    }
  }

  private onNotification(message: Message): void {
    if (message.id !== undefined) {
      // A request from the server (e.g. workspace/configuration).
      const respond = this.responders[message.method!];
      this.write({ id: message.id, result: respond ? respond(message.params) : null });
      return;
    }
    const i = this.waiters.findIndex((w) => w.method === message.method && w.match(message.params));
    if (i !== -1) this.waiters.splice(i, 1)[0].resolve(message.params);
    else this.notifications.push(message);
  }

  private write(message: object): void {
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...message }), 'utf8');
    this.child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.child.stdin.write(body);
  }

  request<T = any>(method: string, params: unknown): Promise<T> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, (m) => (m.error ? reject(new Error(m.error.message)) : resolve(m.result)));
      this.write({ id, method, params });
    });
  }

  notify(method: string, params: unknown): void {
    this.write({ method, params });
  }

  /** The next notification of a method whose params match (already received ones count). */
  waitFor<T = any>(method: string, match: (params: any) => boolean = () => true, timeoutMs = 10_000): Promise<T> {
    const i = this.notifications.findIndex((n) => n.method === method && match(n.params));
    if (i !== -1) return Promise.resolve(this.notifications.splice(i, 1)[0].params);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${method} within ${timeoutMs} ms; stderr: ${this.stderr}`)), timeoutMs);
      this.waiters.push({ method, match, resolve: (p) => { clearTimeout(timer); resolve(p); } });
    });
  }

  async close(): Promise<void> {
    await this.request('shutdown', null).catch(() => undefined);
    this.notify('exit', null);
    await new Promise<void>((resolve) => {
      if (this.child.exitCode !== null) return resolve();
      const timer = setTimeout(() => { this.child.kill(); resolve(); }, 3000);
      this.child.on('exit', () => { clearTimeout(timer); resolve(); });
    });
  }
}
