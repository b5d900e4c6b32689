import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';
import { repoRoot } from './fixtures';

type Message = { id?: number; method?: string; params?: any; result?: any; error?: any };

/** A minimal LSP client over stdio, for protocol tests of dist/server.js. */
export class LspClient {
  private readonly child: ChildProcessWithoutNullStreams;
  /** Received bytes not yet parsed: concatenated only once a whole message is in (a publish can be 30 MB). */
  private readonly received: Buffer[] = [];
  private receivedLength = 0;
  private nextId = 1;
  private readonly pending = new Map<number, (m: Message) => void>();
  private readonly notifications: Message[] = [];
  private readonly waiters: { method: string; match: (p: any) => boolean; resolve: (p: any) => void }[] = [];
  private readonly listeners = new Map<string, (params: any) => void>();
  stderr = '';
  /** How the server process ended, once it has. */
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  /** Answers to server requests by method (e.g. `workspace/configuration`); others get `null`. */
  responders: Record<string, (params: any) => unknown> = {};

  constructor(args: string[] = [path.join(repoRoot(), 'dist', 'server.js'), '--stdio']) {
    this.child = spawn(process.execPath, args);
    this.child.stdout.on('data', (chunk: Buffer) => this.receive(chunk));
    this.child.stderr.on('data', (d) => (this.stderr += d));
    // Writing to a server that died fails the request (below), not the test process.
    this.child.stdin.on('error', () => undefined);
    this.child.on('exit', (code, signal) => {
      this.exit = { code, signal };
      for (const [id, settle] of this.pending) settle({ id, error: { message: `the server exited (${signal ?? code}); stderr: ${this.stderr}` } });
      this.pending.clear();
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private receive(chunk: Buffer): void {
    this.received.push(chunk);
    this.receivedLength += chunk.length;
    for (;;) {
      const head = this.received[0];
      if (!head) return;
      const headerEnd = head.indexOf('\r\n\r\n');
      if (headerEnd === -1) {
        if (this.received.length === 1) return;
        this.received.splice(0, this.received.length, Buffer.concat(this.received));
        continue;
      }
      const length = Number(/Content-Length: (\d+)/i.exec(head.subarray(0, headerEnd).toString())?.[1]);
      const end = headerEnd + 4 + length;
      if (this.receivedLength < end) return;
      const whole = this.received.length === 1 ? head : Buffer.concat(this.received, this.receivedLength);
      const message: Message = JSON.parse(whole.subarray(headerEnd + 4, end).toString('utf8'));
      const rest = whole.subarray(end);
      this.received.splice(0, this.received.length, ...(rest.length ? [rest] : []));
      this.receivedLength = rest.length;
      if (message.id !== undefined && !message.method) {
        const settle = this.pending.get(message.id);
        this.pending.delete(message.id);
        settle?.(message);
      } else if (message.method) this.onNotification(message);
    }
  }

  private onNotification(message: Message): void {
    if (message.id !== undefined) {
      // A request from the server (e.g. workspace/configuration).
      const respond = this.responders[message.method!];
      this.write({ id: message.id, result: respond ? respond(message.params) : null });
      return;
    }
    const listener = this.listeners.get(message.method!);
    if (listener) return listener(message.params);
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
      if (this.exit) return reject(new Error(`the server exited (${this.exit.signal ?? this.exit.code}); stderr: ${this.stderr}`));
      this.pending.set(id, (m) => (m.error ? reject(new Error(m.error.message)) : resolve(m.result)));
      this.write({ id, method, params });
    });
  }

  notify(method: string, params: unknown): void {
    this.write({ method, params });
  }

  /**
   * Hands every notification of a method to `listener` as it arrives, instead of keeping it for `waitFor`:
   * for streams of large notifications (diagnostics of a burst of edits) that a test only counts.
   */
  listen(method: string, listener: (params: any) => void): void {
    this.listeners.set(method, listener);
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

  /** Ends the server at once (a benchmark's memory cap). */
  kill(): void {
    this.child.kill('SIGKILL');
  }

  async close(): Promise<void> {
    await this.request('shutdown', null).catch(() => undefined);
    this.notify('exit', null);
    await new Promise<void>((resolve) => {
      if (this.exit) return resolve();
      const timer = setTimeout(() => { this.child.kill(); resolve(); }, 3000);
      this.child.on('exit', () => { clearTimeout(timer); resolve(); });
    });
  }
}
