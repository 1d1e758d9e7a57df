// How many calls went in the last second, for the limiter to read the vendor's limit off a 429: a vendor that
// counts a window refuses once it is full, so what went in the second before is what it admits. Counted in
// slots of 100 ms, so that its cost and memory do not grow with the rate; the oldest slot, partly outside
// the second, counts for the part inside.
const SLOT_IN_MS = 100;
/** The second's ten slots and the one it starts in. */
const SLOTS = 11;

/** Calls counted over the last second, on the times given (ms on any monotonic clock). */
export class SendMeter {
  private readonly counts = new Array<number>(SLOTS).fill(0);
  /** The slot number (time / SLOT_IN_MS) each entry of `counts` holds. */
  private readonly slots = new Array<number>(SLOTS).fill(Number.NEGATIVE_INFINITY);

  /** One call sent at `at` ms. */
  record(at: number): void {
    const slot = Math.floor(at / SLOT_IN_MS);
    const index = ((slot % SLOTS) + SLOTS) % SLOTS;
    if (this.slots[index] !== slot) {
      this.slots[index] = slot;
      this.counts[index] = 0;
    }
    this.counts[index]! += 1;
  }

  /**
   * Calls recorded in the second up to `at` ms: this slot's, the nine before it, and the share of the
   * slot before those that lies within the second (its calls taken as spread evenly over it).
   */
  lastSecond(at: number): number {
    const slot = Math.floor(at / SLOT_IN_MS);
    const inside = 1 - (at - slot * SLOT_IN_MS) / SLOT_IN_MS;
    let total = 0;
    for (let i = 0; i < SLOTS; i++) {
      const age = slot - this.slots[i]!;
      if (age < SLOTS - 1) total += this.counts[i]!;
      else if (age === SLOTS - 1) total += this.counts[i]! * inside;
    }
    return total;
  }
}
