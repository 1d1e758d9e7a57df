// The sink that keeps nothing (the sink's contract: src/domain/property-sink.ts).
import type { PropertySink } from '../domain/property-sink.ts';

/** A sink that keeps nothing: when only the count and the data-quality account matter (the estimate). */
export const DISCARD: PropertySink = { add: () => {} };
