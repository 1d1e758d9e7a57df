// Sparse maps (key -> count or sums) inside ChunkSummary: histograms' bins, groups by state, county and
// ZIP, appraisers, reason codes. Summaries are merged by adding many small maps into one accumulator (cost
// proportional to what is added, not to the accumulator's size), then putting the keys in canonical order.
//
// Canonical order: JavaScript objects enumerate array-index keys ("7", "78701") in ascending numeric order
// whatever the insertion order, and every other ("named") key ("02134", "TX|Travis") in insertion order.
// Inserting named keys sorted makes a map's key order, and so its JSON, depend on its keys alone, never on
// the order summaries were merged in. Array-index keys need no sorting, which matters for 40,000 ZIPs.

/**
 * `record[key]` when it is the record's own entry. Keys come from data (appraiser ids, county names), and a
 * plain lookup of "constructor" or "toString" would find Object.prototype's member instead of nothing.
 */
export function own<V>(record: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/**
 * Adds every entry of `source` into `target` (mutating `target` only): `add(current ?? zero, value)`.
 * `add` must return a new value and modify neither argument, so `target` never shares state with `source`.
 */
export function addKeyedInto<V>(
  target: Record<string, V>,
  source: Readonly<Record<string, V>>,
  zero: V,
  add: (x: V, y: V) => V,
): void {
  for (const [key, value] of Object.entries(source)) target[key] = add(own(target, key) ?? zero, value);
}

const ARRAY_INDEX = /^(?:0|[1-9]\d{0,8})$/;

/** A copy of `record` in canonical key order (see above). */
export function canonicalOrder<V>(record: Readonly<Record<string, V>>): Record<string, V> {
  const out: Record<string, V> = {};
  const named: string[] = [];
  for (const [key, value] of Object.entries(record)) {
    if (ARRAY_INDEX.test(key)) out[key] = value;
    else named.push(key);
  }
  for (const key of named.sort()) out[key] = record[key] as V;
  return out;
}
