// The sandbox's server-side rate limit: at most `limit` admitted requests in any 1-second window,
// the way vendor gateways count. Deliberately not a token bucket, so it checks the client's bucket
// rather than mirroring it.
const WINDOW_IN_MS = 1000;

export type Admission = { admitted: true } | { admitted: false; retryAfterSeconds: number };

export class SlidingWindowLimiter {
  private readonly limit: number;
  /** Admission times within the last window, oldest first. */
  private readonly times: number[] = [];

  constructor(limit: number) {
    this.limit = limit;
  }

  admit(now: number): Admission {
    while (this.times.length > 0 && (this.times[0] as number) <= now - WINDOW_IN_MS) this.times.shift();
    if (this.times.length < this.limit) {
      this.times.push(now);
      return { admitted: true };
    }
    // Whole seconds, at least 1: what real gateways send, and what clients must cope with.
    const freeAt = (this.times[0] as number) + WINDOW_IN_MS;
    return { admitted: false, retryAfterSeconds: Math.max(1, Math.ceil((freeAt - now) / 1000)) };
  }

  reset(): void {
    this.times.length = 0;
  }
}
