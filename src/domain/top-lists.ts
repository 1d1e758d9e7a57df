// The report's top-N highlight lists, kept as a mergeable part of each chunk's summary: a chunk keeps the
// ranking value and propertyId of its best TOP_N results per list, and a merge keeps the best TOP_N of the
// union. The order is total (the ranking value, then propertyId), so the merge is exactly associative and
// commutative and the merged lists are the job's best TOP_N whatever order its chunks finished in. The report
// then point-reads those few results; it never sorts the job's stored results (an ORDER BY over a million
// documents outlasts the Cosmos SDK's timeout on an unindexed server, and costs RUs on any).
import { z } from 'zod';
import { compareStrings } from './order.ts';
import type { PropertyResult } from './results.ts';

/** The report's highlight lists, each the top N results of the job by its own ranking. */
export const TOP_KINDS = ['largestDrops', 'preDistressed', 'highestFraud'] as const;
export type TopKind = (typeof TOP_KINDS)[number];

/** Results per highlight list. */
export const TOP_N = 10;

/** One list entry: [the value the list ranks by (a fraction, or a 0-100 score), propertyId]. */
const topEntrySchema = z.tuple([z.number(), z.string()]);
export type TopEntry = z.infer<typeof topEntrySchema>;

/** Each list's best entries, best first, at most TOP_N (an accumulator may hold more until canonicalised). */
export const topListsSchema = z.object({
  largestDrops: z.array(topEntrySchema),
  preDistressed: z.array(topEntrySchema),
  highestFraud: z.array(topEntrySchema),
});
export type TopLists = z.infer<typeof topListsSchema>;

interface Ranking {
  /** The value `r` ranks by in this list, or undefined when `r` does not belong in it. */
  valueOf(r: PropertyResult): number | undefined;
  /** Highest value first (else lowest first). */
  descending: boolean;
}

const RANKINGS: Record<TopKind, Ranking> = {
  // Largest fall in value since the last appraisal, as a fraction: most negative first.
  largestDrops: {
    valueOf: (r) => {
      const change = r.valuation?.changePct;
      return change !== undefined && change < 0 ? change : undefined;
    },
    descending: false,
  },
  // Pre-distressed loans (tier ratio above tier C's maximum), highest CLTV (the combined exposure) first.
  preDistressed: {
    valueOf: (r) => (r.risk?.preDistressed ? (r.risk.cltv ?? r.risk.ltv) : undefined),
    descending: true,
  },
  // Highest fraud scores, leaving out properties on which no rule fired.
  highestFraud: { valueOf: (r) => (r.fraud && r.fraud.score > 0 ? r.fraud.score : undefined), descending: true },
};

/** The lists of no results: the identity of the merge. */
export function emptyTopLists(): TopLists {
  return { largestDrops: [], preDistressed: [], highestFraud: [] };
}

/** Adds an analysed result's entries to the accumulator `lists` (mutating it; canonicalTopLists trims). */
export function tallyTop(lists: TopLists, r: PropertyResult): void {
  for (const kind of TOP_KINDS) {
    const value = RANKINGS[kind].valueOf(r);
    if (value !== undefined) lists[kind].push([value, r.propertyId]);
  }
}

/** Adds `from`'s entries to the accumulator `into` (mutating `into` only). */
export function addTopListsInto(into: TopLists, from: TopLists): void {
  for (const kind of TOP_KINDS) into[kind].push(...from[kind]);
}

function compareIn(kind: TopKind): (a: TopEntry, b: TopEntry) => number {
  const sign = RANKINGS[kind].descending ? -1 : 1;
  return (a, b) => sign * (a[0] - b[0]) || compareStrings(a[1], b[1]);
}

/** An accumulator's lists sorted best first (ties by propertyId) and cut to TOP_N. */
export function canonicalTopLists(lists: TopLists): TopLists {
  const out = emptyTopLists();
  for (const kind of TOP_KINDS) out[kind] = [...lists[kind]].sort(compareIn(kind)).slice(0, TOP_N);
  return out;
}
