/**
 * Simulated time for the sandbox's controllers. TALM's timeouts and LCA's stage durations are in minutes;
 * `secondsPerMinute` of wall time make one of those minutes (the `--time-scale`). Pausing freezes the clock:
 * no timer fires and no simulated time passes until it resumes, so a paused sandbox can be inspected (or
 * changed) without a timeout expiring behind the observer's back.
 *
 * The clock also stands still while the controllers have work queued (`hold`): on a real hub the spokes'
 * agents run in parallel, each on its own cluster, where the sandbox runs all of them on one thread. Without
 * the hold, 3,500 spokes' work done one after the other let simulated minutes pass meanwhile, so on a busy
 * machine TALM's batch timeouts expired while the simulated clusters had not had their simulated minutes of
 * work (400 of 3,500 clusters failed a run at load average 6). With it, simulated durations and timeouts are
 * honoured whatever the machine's speed; only the wall time a run takes grows.
 */

interface Timer { due: number; fire: () => void; cancelled: boolean }

/** A hold longer than this (wall ms) is let go: a controller that never settles must not stop time for good. */
const MAX_HOLD_MS = 30_000;

export class SimClock {
  /** Simulated ms at `wallAnchor`. */
  private simAnchor: number;
  private wallAnchor: number;
  private pausedAt: number | undefined;
  /** Queues holding work now, and the simulated time the clock stands at meanwhile. */
  private holds = 0;
  private heldAt: number | undefined;
  private heldSince = 0;
  /** Wall ms held in all, for a run's report. */
  private heldMs = 0;
  private readonly timers = new Set<Timer>();
  private handle: NodeJS.Timeout | undefined;
  private stopped = false;

  /**
   * @param secondsPerMinute wall seconds per simulated minute (> 0).
   * @param maxHoldMs how long one hold may stop time at most (wall ms).
   */
  constructor(readonly secondsPerMinute: number, start = Date.now(), private readonly maxHoldMs = MAX_HOLD_MS) {
    if (!(secondsPerMinute > 0)) throw new RangeError('the time scale must be a positive number of seconds per minute');
    this.simAnchor = start;
    this.wallAnchor = Date.now();
  }

  /** Simulated ms per wall ms. */
  private get speed(): number {
    return 60 / this.secondsPerMinute;
  }

  /** Simulated time, in ms since the epoch. */
  now(): number {
    if (this.pausedAt !== undefined) return this.pausedAt;
    if (this.heldAt !== undefined) {
      if (Date.now() - this.heldSince <= this.maxHoldMs) return this.heldAt;
      this.letGo();
    }
    return this.simAnchor + (Date.now() - this.wallAnchor) * this.speed;
  }

  /** A queue has work: simulated time stands still until every holder has released it. */
  hold(): void {
    if (this.holds++ > 0) return;
    this.heldAt = this.now();
    this.heldSince = Date.now();
    this.reschedule();
  }

  /** The queue is empty again. */
  release(): void {
    if (this.holds === 0 || --this.holds > 0) return;
    if (this.heldAt !== undefined) this.letGo();
    this.reschedule();
  }

  /** Wall ms the clock has stood still for the controllers' work, in all. */
  get heldWallMs(): number {
    return this.heldMs + (this.heldAt !== undefined ? Date.now() - this.heldSince : 0);
  }

  private letGo(): void {
    this.simAnchor = this.heldAt!;
    this.wallAnchor = Date.now();
    this.heldMs += Date.now() - this.heldSince;
    this.heldAt = undefined;
  }

  /**
   * The wall-clock time in RFC 3339 seconds, for the timestamps controllers write: objects keep ages that
   * make sense next to their creationTimestamp and to the client's clock, while durations and timeouts
   * run in simulated time (`now()`).
   */
  timestamp(): string {
    return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  }

  get paused(): boolean {
    return this.pausedAt !== undefined;
  }

  pause(): void {
    if (this.pausedAt !== undefined) return;
    this.pausedAt = this.now();
    this.reschedule();
  }

  resume(): void {
    if (this.pausedAt === undefined) return;
    this.simAnchor = this.pausedAt;
    this.wallAnchor = Date.now();
    this.pausedAt = undefined;
    this.reschedule();
  }

  /** Runs `fire` once `minutes` of simulated time have passed; returns a cancel function. */
  after(minutes: number, fire: () => void): () => void {
    return this.at(this.now() + Math.max(0, minutes) * 60_000, fire);
  }

  /** Runs `fire` at a simulated time (ms); at once (asynchronously) when it has passed. */
  at(due: number, fire: () => void): () => void {
    const timer: Timer = { due, fire, cancelled: false };
    this.timers.add(timer);
    this.reschedule();
    return () => {
      timer.cancelled = true;
      this.timers.delete(timer);
    };
  }

  stop(): void {
    this.stopped = true;
    this.timers.clear();
    if (this.handle) clearTimeout(this.handle);
    this.handle = undefined;
  }

  /** One wall timer for the earliest simulated deadline keeps thousands of pending timers cheap. */
  private reschedule(): void {
    if (this.handle) clearTimeout(this.handle);
    this.handle = undefined;
    if (this.stopped || this.paused || !this.timers.size) return;
    // While held no timer is due: the only wake-up is the hold's limit (`now()` lets go of a hold past it).
    this.now();
    if (this.heldAt !== undefined) {
      this.handle = setTimeout(() => this.reschedule(), Math.max(0, this.maxHoldMs + 1 - (Date.now() - this.heldSince)));
      this.handle.unref?.();
      return;
    }
    let earliest = Infinity;
    for (const t of this.timers) earliest = Math.min(earliest, t.due);
    const wallMs = Math.max(0, (earliest - this.now()) / this.speed);
    this.handle = setTimeout(() => this.fireDue(), Math.min(wallMs, 2 ** 31 - 1));
    this.handle.unref?.();
  }

  private fireDue(): void {
    this.handle = undefined;
    const now = this.now();
    const due = [...this.timers].filter((t) => t.due <= now).sort((a, b) => a.due - b.due);
    for (const t of due) this.timers.delete(t);
    for (const t of due) if (!t.cancelled && !this.paused) t.fire();
    this.reschedule();
  }
}
