// Where a tape's accepted properties go, one at a time and in order: staged as chunk blobs while the tape is still
// being read (src/jobs/chunk-stager.ts), or counted only (the estimate). A reader never holds the accepted properties
// itself, so a 1,000,000-row tape is read in the memory of its cross-row checks (src/intake/collector.ts), not of
// its rows. Here, in the domain, because the intake that feeds it and readTape that hands it on both see the domain.
import type { Property } from './schemas.ts';

/** Takes each accepted property in order; a returned promise asks the reader to wait (backpressure). */
export interface PropertySink {
  add(property: Property): void | Promise<void>;
}
