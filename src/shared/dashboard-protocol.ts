/**
 * The messages between the rollout dashboard's host (src/extension/views/dashboard.ts) and its page
 * (media/dashboard), and the host's update pacing. Shared by both sides by path: no vscode, no DOM.
 */
import type { Rollout } from '../core/talm/readback-model';
import type { ConnectionState } from './connection-state';

/**
 * Host → page: the whole current picture. `rollout` is null once the IBGU was deleted; `now` is the host's
 * clock (ms). `timeScale` is the sandbox hub's wall seconds per TALM minute when the hub is the sandbox the
 * extension started (it stamps objects with the wall clock but runs TALM's timeouts in scaled time); null
 * on any other hub, whose TALM minutes are wall minutes.
 */
export interface UpdateMessage {
  type: 'update';
  rollout: Rollout | null;
  state: ConnectionState;
  now: number;
  timeScale: number | null;
}

export type HostMessage = UpdateMessage;

/** Page → host: the page is listening (sent on every load, so the host resends the latest state). */
export interface ReadyMessage {
  type: 'ready';
}

/** Page → host: the user picked a cluster (grid cell or failed row) and wants to see it in the tree. */
export interface RevealMessage {
  type: 'reveal';
  cluster: string;
}

export type PageMessage = ReadyMessage | RevealMessage;

/** The longest name a ManagedCluster can have (a DNS subdomain). */
const MAX_NAME_LENGTH = 253;

/**
 * A page message, or undefined when `value` is not exactly one: the page is untrusted input, so anything
 * with the wrong type, extra fields or an implausible cluster name is dropped.
 */
export function parsePageMessage(value: unknown): PageMessage | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (record.type === 'ready' && keys.length === 1) return { type: 'ready' };
  if (record.type === 'reveal' && keys.length === 2 && typeof record.cluster === 'string') {
    const cluster = record.cluster;
    if (cluster.length > 0 && cluster.length <= MAX_NAME_LENGTH && /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(cluster)) return { type: 'reveal', cluster };
  }
  return undefined;
}

/** The timers the pacer uses; the host passes the real ones, tests their own clock. */
export interface PacerClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * Sends at most one update per `intervalMs`, always ending with the latest (a trailing send), and nothing
 * while the page cannot see it: `setVisible(false)` holds updates back, `setVisible(true)` sends the held one.
 * Updates are pulled (`send()` reads the current state), so a burst of changes costs one message.
 */
export class UpdatePacer {
  private lastSent = -Infinity;
  private timer: unknown;
  private pending = false;
  private visible = true;
  private disposed = false;

  constructor(private readonly send: () => void, private readonly clock: PacerClock, private readonly intervalMs = 250) {}

  /** Something changed: send now if allowed, else once the interval has passed (or the page is shown again). */
  changed(): void {
    this.pending = true;
    this.schedule();
  }

  /** The page (re)loaded and needs the state as soon as it is visible, whatever the interval says. */
  flush(): void {
    this.pending = true;
    this.lastSent = -Infinity;
    this.cancel();
    this.schedule();
  }

  setVisible(visible: boolean): void {
    this.visible = visible && !this.disposed;
    if (!visible) this.cancel();
    else if (this.pending) this.schedule();
  }

  /** Stops for good: nothing is sent afterwards. */
  dispose(): void {
    this.disposed = true;
    this.visible = false;
    this.cancel();
    this.pending = false;
  }

  private schedule(): void {
    if (!this.visible || this.timer !== undefined) return;
    const wait = this.lastSent + this.intervalMs - this.clock.now();
    if (wait <= 0) this.fire();
    else this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      if (this.pending && this.visible) this.fire();
    }, wait);
  }

  private cancel(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private fire(): void {
    this.pending = false;
    this.lastSent = this.clock.now();
    this.send();
  }
}
