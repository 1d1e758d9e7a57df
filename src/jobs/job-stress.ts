// Stress scenarios on demand (POST /api/portfolio/jobs/{jobId}/stress): house-price shocks applied to the
// values a finished job stored, streamed from its per-property snapshot, with no paid call. The answer says
// how complete the job was, so a partial run's stress is never read as the whole book's.
import { z } from 'zod';
import { portfolioReportSchema } from '../domain/report.ts';
import type { TierLimits } from '../domain/risk.ts';
import type { SnapshotRecord } from '../domain/snapshot.ts';
import { DEFAULT_SCENARIOS, stressResultSchema, stressSnapshot, type StressRequest } from '../domain/stress.ts';

export const stressAnswerSchema = z.object({
  success: z.literal(true),
  jobId: z.string(),
  /** Whether the job covered its whole portfolio (as in its report). */
  completeness: portfolioReportSchema.shape.completeness,
  stress: stressResultSchema,
});
export type StressAnswer = z.infer<typeof stressAnswerSchema>;

export interface StressJobPorts {
  /** The job's report document: its completeness and where its snapshot is (absent: no snapshot kept). */
  report(): Promise<
    { snapshot?: { records: number } | undefined; report: Pick<StressAnswer, 'completeness'> } | undefined
  >;
  readSnapshot(): AsyncIterable<SnapshotRecord>;
  tierLimits: TierLimits;
}

export type StressOutcome =
  | { kind: 'stressed'; answer: StressAnswer }
  /** The report is not written yet. */
  | { kind: 'no_report' }
  /** The report was written without a per-property snapshot. */
  | { kind: 'no_snapshot' };

/** Runs `request`'s scenarios (default: DEFAULT_SCENARIOS) over the job's stored values. */
export async function stressJob(jobId: string, request: StressRequest, ports: StressJobPorts): Promise<StressOutcome> {
  const document = await ports.report();
  if (!document) return { kind: 'no_report' };
  if (!document.snapshot) return { kind: 'no_snapshot' };
  const stress = await stressSnapshot(ports.readSnapshot(), request.scenarios ?? DEFAULT_SCENARIOS, ports.tierLimits);
  return {
    kind: 'stressed',
    answer: { success: true, jobId, completeness: document.report.completeness, stress },
  };
}
