// The highlight lists kept in chunk summaries: merged over any split of a job's results, they are the job's
// best TOP_N per list, as ranking every result at once would give them.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { PropertyResult } from '../../../src/domain/results.ts';
import { emptySummary, mergeAllSummaries, summarizeResults } from '../../../src/domain/summary.ts';
import { TOP_N, type TopLists } from '../../../src/domain/top-lists.ts';
import { propertyResultsArb } from './result-arbitraries.ts';
import { analyzedResult } from './property-results.ts';

const byId = (a: PropertyResult, b: PropertyResult) =>
  a.propertyId < b.propertyId ? -1 : a.propertyId > b.propertyId ? 1 : 0;

/** Every result ranked at once, as the report's lists are defined (README "Report"): the reference. */
function rankedAtOnce(results: readonly PropertyResult[]): TopLists {
  const analyzed = results.filter((r) => r.status === 'analyzed');
  const best = (
    keep: (r: PropertyResult) => boolean,
    value: (r: PropertyResult) => number,
    descending: boolean,
  ): TopLists['largestDrops'] =>
    analyzed
      .filter(keep)
      .sort((a, b) => (descending ? value(b) - value(a) : value(a) - value(b)) || byId(a, b))
      .slice(0, TOP_N)
      .map((r) => [value(r), r.propertyId]);
  return {
    largestDrops: best(
      (r) => (r.valuation?.changePct ?? 0) < 0,
      (r) => r.valuation!.changePct!,
      false,
    ),
    preDistressed: best(
      (r) => r.risk?.preDistressed === true,
      (r) => r.risk!.cltv!,
      true,
    ),
    highestFraud: best(
      (r) => (r.fraud?.score ?? 0) > 0,
      (r) => r.fraud!.score,
      true,
    ),
  };
}

describe('top lists in chunk summaries', () => {
  it('merge, over any split into chunks, to the best TOP_N of all the results', () => {
    fc.assert(
      fc.property(fc.array(propertyResultsArb(40), { maxLength: 6 }), (chunks) => {
        const merged = mergeAllSummaries(chunks.map(summarizeResults));
        expect(merged.top).toEqual(rankedAtOnce(chunks.flat()));
      }),
    );
  });

  it('rank ties by propertyId, so the lists do not depend on the order chunks finished in', () => {
    const drop = (id: string) => analyzedResult({ id, value: 80_000, lastAppraisedValue: 100_000 });
    const chunks = Array.from({ length: 12 }, (_, i) => summarizeResults([drop(`P-${String(i).padStart(2, '0')}`)]));
    const forwards = mergeAllSummaries(chunks).top!;
    const backwards = mergeAllSummaries([...chunks].reverse()).top!;
    expect(forwards).toEqual(backwards);
    expect(forwards.largestDrops.map(([, id]) => id)).toEqual(chunks.slice(0, TOP_N).map((_, i) => `P-0${i}`));
  });

  it('are absent from a merge that includes a summary stored without them, rather than silently short', () => {
    const { top: _, ...old } = summarizeResults([analyzedResult({ id: 'P1', value: 1, lastAppraisedValue: 2 })]);
    const merged = mergeAllSummaries([summarizeResults([]), old, emptySummary()]);
    expect(merged.top).toBeUndefined();
    expect(mergeAllSummaries([emptySummary()]).top).toEqual({ largestDrops: [], preDistressed: [], highestFraud: [] });
  });
});
