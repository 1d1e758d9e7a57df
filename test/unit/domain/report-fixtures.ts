// Reports of hand-built results for tests: the summary and the snapshot pass computed as aggregateReport
// computes them, with the previous run's results when a comparison is wanted.
import { finalizeReport, type FinalizeReportInput, type PortfolioReport } from '../../../src/domain/report.ts';
import { concentrationOptionsSchema } from '../../../src/domain/market.ts';
import type { PropertyResult } from '../../../src/domain/results.ts';
import { riskOptionsSchema, tierLimitsOf } from '../../../src/domain/risk.ts';
import { compareStrings } from '../../../src/domain/order.ts';
import { snapshotRecordOf, type SnapshotRecord } from '../../../src/domain/snapshot.ts';
import { analyzeSnapshots, type SnapshotAnalysis } from '../../../src/domain/snapshot-analysis.ts';
import { DEFAULT_SCENARIOS } from '../../../src/domain/stress.ts';
import { summarizeResults } from '../../../src/domain/summary.ts';

export const baseInput = {
  portfolioId: 'PF-1',
  jobId: 'job-1',
  analysisType: 'comprehensive',
  generatedAt: '2025-06-02T03:04:05.000Z',
  asOf: '2025-06-02T03:00:00.000Z',
  status: 'completed',
  highlights: { largestDrops: [], preDistressed: [], highestFraud: [] },
} as const satisfies Partial<FinalizeReportInput>;

export async function* streamOf<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

export const recordsOf = (results: readonly PropertyResult[]): SnapshotRecord[] =>
  results.map(snapshotRecordOf).sort((a, b) => compareStrings(a.id, b.id));

/** The snapshot pass over `results` (and `previous`, when given), with the default scenarios and options. */
export function snapshotOf(
  results: readonly PropertyResult[],
  previous?: readonly PropertyResult[],
): Promise<SnapshotAnalysis> {
  return analyzeSnapshots(
    streamOf(recordsOf(results)),
    previous && {
      run: { jobId: 'job-0', asOf: '2025-05-01T03:00:00.000Z', generatedAt: '2025-05-01T03:04:05.000Z' },
      records: streamOf(recordsOf(previous)),
    },
    {
      scenarios: DEFAULT_SCENARIOS,
      limits: tierLimitsOf(riskOptionsSchema.parse({})),
      concentration: concentrationOptionsSchema.parse({}),
    },
  );
}

/** The report of `results`, as aggregateReport would write it. */
export async function reportOf(
  results: readonly PropertyResult[],
  overrides: Partial<FinalizeReportInput> & { previous?: readonly PropertyResult[] } = {},
): Promise<PortfolioReport> {
  const { previous, ...input } = overrides;
  return finalizeReport(summarizeResults(results), {
    ...baseInput,
    submitted: results.length,
    unconfirmedCents: 0,
    snapshot: await snapshotOf(results, previous),
    ...input,
  });
}
