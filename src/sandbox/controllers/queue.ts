/**
 * A controller's work queue, as controller-runtime has it: keys are de-duplicated while they wait, one
 * reconcile runs at a time, and a reconcile that throws is retried later. Work waits while paused.
 */
/** What a queue tells while it has work (the simulated clock stands still meanwhile: clock.ts `hold`). */
export interface Holder {
  hold(): void;
  release(): void;
}

export class WorkQueue {
  private readonly pending = new Set<string>();
  private scheduled = false;
  private stopped = false;
  private paused = false;
  private holding = false;

  constructor(
    private readonly reconcile: (key: string) => void,
    private readonly onError: (key: string, error: unknown) => void,
    /** How many keys one turn of the event loop handles before yielding to I/O. */
    private readonly perTurn = 200,
    private readonly holder?: Holder,
  ) {}

  add(key: string): void {
    if (this.stopped) return;
    this.pending.add(key);
    this.hold();
    this.schedule();
  }

  pause(): void {
    this.paused = true;
    this.release();
  }

  resume(): void {
    this.paused = false;
    this.hold();
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.pending.clear();
    this.release();
  }

  private hold(): void {
    if (this.holding || this.paused || this.stopped || !this.pending.size || !this.holder) return;
    this.holding = true;
    this.holder.hold();
  }

  private release(): void {
    if (!this.holding) return;
    this.holding = false;
    this.holder!.release();
  }

  /** Keys waiting, for tests and the idle check. */
  get size(): number {
    return this.pending.size;
  }

  private schedule(): void {
    if (this.scheduled || this.paused || this.stopped || !this.pending.size) return;
    this.scheduled = true;
    setImmediate(() => this.drain());
  }

  private drain(): void {
    this.scheduled = false;
    let n = 0;
    for (const key of this.pending) {
      if (this.paused || this.stopped || n++ >= this.perTurn) break;
      this.pending.delete(key);
      try {
        this.reconcile(key);
      } catch (error) {
        this.onError(key, error);
        // Retried on a later turn, after other keys, like a rate-limited requeue.
        setTimeout(() => this.add(key), 50).unref?.();
      }
    }
    if (!this.pending.size) this.release();
    this.schedule();
  }
}

/** What the sandbox's controllers share: queues and store subscriptions, paused, resumed and stopped together. */
export abstract class QueuedController {
  private readonly queues: WorkQueue[] = [];
  protected readonly unsubscribers: (() => void)[] = [];

  /** `holder`: the simulated clock, which stands still while the queue has work. */
  protected newQueue(reconcile: (key: string) => void, onError: (key: string, error: unknown) => void, holder?: Holder): WorkQueue {
    const queue = new WorkQueue(reconcile, onError, undefined, holder);
    this.queues.push(queue);
    return queue;
  }

  pause(): void {
    for (const q of this.queues) q.pause();
  }

  resume(): void {
    for (const q of this.queues) q.resume();
  }

  stop(): void {
    for (const u of this.unsubscribers) u();
    for (const q of this.queues) q.stop();
    this.stopped();
  }

  /** Cancels what a controller keeps besides its queues (timers in simulated time). */
  protected stopped(): void {}

  /** True while any of its queues holds work. */
  get busy(): boolean {
    return this.queues.some((q) => q.size > 0);
  }
}
