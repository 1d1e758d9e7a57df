// Result documents for storage tests and the storage bench: varied, schema-valid PropertyResults.
import type { PropertyResult } from '../../../src/domain/results.ts';
import { analyzedResult, failedResult } from '../../unit/domain/property-results.ts';

/**
 * The i-th result of a synthetic job: every 10th failed, values 100k-1.1M, change -30%..+20%, loans with
 * LTV 30%..110% on two thirds of them, fraud scores 0..99 (flagged at >= 70).
 */
export function syntheticResult(i: number): PropertyResult {
  const id = `P${String(i).padStart(6, '0')}`;
  if (i % 10 === 9) return failedResult(id, { valuation: 0.02 });
  const value = 100_000 + ((i * 7919) % 1_000_000);
  const changePct = -0.3 + ((i * 31) % 51) / 100;
  const lastAppraisedValue = Math.round(value / (1 + changePct));
  const ltv = 0.3 + ((i * 13) % 81) / 100;
  const score = (i * 37) % 100;
  return analyzedResult({
    id,
    value,
    lastAppraisedValue,
    ...(i % 3 !== 0 && { loan: { balance: Math.round(value * ltv) } }),
    ...(i % 3 === 0 && { tier: 'B' as const }),
    fraud: { score, flagged: score >= 70 },
    cost: { valuation: 0.02, fraud: 0.05, risk: 0.01 },
  });
}

export const syntheticResults = (count: number, from = 0): PropertyResult[] =>
  Array.from({ length: count }, (_, k) => syntheticResult(from + k));
