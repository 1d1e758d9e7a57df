// The per-property snapshot of a report: one compact record per property result, sorted by propertyId,
// kept (as NDJSON, a blob per job) beside the report. What needs every property of a run, and not just the
// merged ChunkSummary, is computed from it in one streaming pass: the like-for-like comparison with the
// previous run (a merge-join of two sorted snapshots), exact AVM accuracy quantiles, and stress scenarios
// (in the report and on demand, without reading the full results again). About 150 bytes a property.
import { z } from 'zod';
import { toCents } from './money.ts';
import { BENCHMARK_KINDS, RISK_BASES, RISK_TIERS, type PropertyResult } from './results.ts';
import { US_STATES } from './schemas.ts';
import { countyKey } from './summary.ts';

const cents = z.number().int().nonnegative();

export const snapshotRecordSchema = z.object({
  /** propertyId; a snapshot is sorted by it in JavaScript string order (UTF-16 code units). */
  id: z.string(),
  /** The failure code when the analysis failed; a failed record carries only its place besides. */
  failed: z.string().optional(),
  state: z.enum(US_STATES),
  /** County group key (`TX|Travis`), when the county is known. */
  county: z.string().optional(),
  /** 5-digit ZIP. */
  zip: z.string(),
  /** Current value, whole cents; absent without a valuation (a fraud-only run without any value). */
  value: cents.optional(),
  /** The AVM provider whose value this is; absent for an appraisal basis. */
  provider: z.string().optional(),
  /** First- and second-lien balances, whole cents; present exactly when the property has a loan. */
  firstLien: cents.optional(),
  secondLien: cents.optional(),
  /** Risk tier (after any weak-basis step), and the ratio (or no-loan rule) it was decided on. */
  tier: z.enum(RISK_TIERS).optional(),
  basis: z.enum(RISK_BASES).optional(),
  /** The tier was lowered one step for a weak value basis. */
  weak: z.literal(true).optional(),
  preDistressed: z.literal(true).optional(),
  /** Screened by the fraud rules, and flagged by them. */
  screened: z.literal(true).optional(),
  flagged: z.literal(true).optional(),
  /** The AVM value's benchmark: its kind and amount in whole cents (avm-accuracy.ts). */
  benchmark: z.tuple([z.enum(BENCHMARK_KINDS), cents]).optional(),
});
export type SnapshotRecord = z.infer<typeof snapshotRecordSchema>;

/** The snapshot record of a property result. */
export function snapshotRecordOf(r: PropertyResult): SnapshotRecord {
  const place = {
    id: r.propertyId,
    state: r.state,
    ...(r.county !== undefined && r.county.trim() !== '' && { county: countyKey(r.state, r.county) }),
    zip: r.zip.slice(0, 5),
  };
  if (r.status === 'failed') return { ...place, failed: r.error?.code ?? 'UNKNOWN' };
  const { valuation, risk, fraud } = r;
  const loan = risk && risk.basis !== 'no-loan' && risk.firstLienBalance !== undefined;
  return {
    ...place,
    ...(valuation && { value: toCents(valuation.estimatedValue) }),
    ...(valuation?.provider !== undefined && valuation.source !== 'appraisal' && { provider: valuation.provider }),
    ...(loan && {
      firstLien: toCents(risk.firstLienBalance ?? 0),
      secondLien: toCents(risk.secondLienBalance ?? 0),
    }),
    ...(risk && { tier: risk.tier, basis: risk.basis }),
    ...(risk && risk.downgradeReasons.length > 0 && { weak: true as const }),
    ...(risk?.preDistressed && { preDistressed: true as const }),
    ...(fraud && { screened: true as const }),
    ...(fraud?.flagged && { flagged: true as const }),
    ...(valuation?.benchmark && {
      benchmark: [valuation.benchmark.kind, toCents(valuation.benchmark.value)] as ['sale' | 'appraisal', number],
    }),
  };
}

/**
 * The records of `source`, checked to be in strictly ascending id order (a sorted snapshot of unique
 * propertyIds). Throws an Error naming `what` on the first record out of order or repeated: a join over an
 * unsorted snapshot would pair the wrong properties silently.
 */
export async function* inIdOrder(
  source: AsyncIterable<SnapshotRecord>,
  what: string,
): AsyncGenerator<SnapshotRecord, void> {
  let last: string | undefined;
  for await (const record of source) {
    if (last !== undefined && !(record.id > last))
      throw new Error(`${what}: record '${record.id}' follows '${last}': the snapshot is not sorted by propertyId`);
    last = record.id;
    yield record;
  }
}
