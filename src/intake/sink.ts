// Where a tape's accepted properties go, one at a time and in order: staged as chunk blobs while the tape
// is still being read (src/jobs/chunk-stager.ts), or counted only (the estimate). A reader never holds the
// accepted properties itself, so a 1,000,000-row tape is read in the memory of its cross-row checks
// (collector.ts), not of its rows.
import type { Property } from '../domain/schemas.ts';

/** Takes each accepted property in order; a returned promise asks the reader to wait (backpressure). */
export interface PropertySink {
  add(property: Property): void | Promise<void>;
}

/** A sink that keeps nothing: when only the count and the data-quality account matter (the estimate). */
export const DISCARD: PropertySink = { add: () => {} };
