// The times of the calls sent in the last second, exactly, as a vendor that counts a sliding one-second window
// counts them: the token bucket holds its calls to a number per such window with it, and the limiter reads
// the vendor's limit off it at a 429 (a vendor that counts a window refuses once the window is full, so what
// went in the second before is what it admits). It holds one entry per call of the last second.
const WINDOW_IN_MS = 1000;

/** Calls sent in the last second, on the times given (ms on any monotonic clock, never going back). */
export class SendLog {
  /** Send times, oldest first; entries before `head` have left the window. */
  private times: number[] = [];
  private head = 0;

  /** One call sent at `at` ms. */
  record(at: number): void {
    this.times.push(at);
  }

  /** Calls sent in the second up to `at` ms: in (at - 1000, at]. */
  count(at: number): number {
    this.drop(at);
    return this.times.length - this.head;
  }

  /**
   * Milliseconds from `at` until the window holds fewer than `limit` calls (0 if it already does): when its
   * oldest call that must leave has left.
   */
  waitBelow(limit: number, at: number): number {
    const over = this.count(at) - limit;
    return over < 0 ? 0 : this.times[this.head + over]! + WINDOW_IN_MS - at;
  }

  private drop(at: number): void {
    while (this.head < this.times.length && this.times[this.head]! <= at - WINDOW_IN_MS) this.head++;
    // Compact now and then rather than shift one by one.
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }
}
