/**
 * Exponential backoff with full jitter: the n-th consecutive failure waits a random time in
 * [0, min(max, initial·2ⁿ)), so many clients reconnecting to a restarted hub do not arrive together.
 */
export class Backoff {
  private failures = 0;

  constructor(
    private readonly initialMs: number,
    private readonly maxMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  /** The wait before the next attempt; counts one more consecutive failure. */
  next(): number {
    const ceiling = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.failures, 30));
    this.failures++;
    return Math.floor(this.random() * ceiling);
  }

  /** A success: the next failure starts from the initial wait again. */
  reset(): void {
    this.failures = 0;
  }
}
