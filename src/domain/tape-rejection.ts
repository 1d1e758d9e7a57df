// Why a job whose tape was submitted by reference (`propertiesBlob`) ended before anything was analysed: its tape
// was refused after the 202 (invalid, replaced or deleted, over budget without allowPartial), or it was cancelled
// while its tape was read. The job then carries the field errors a synchronous refusal would have answered (the
// same shape as a 400's), so a portal shows them the same way, and a status reason naming the fix. Pure: the job's
// root orchestration decides the end with these, an activity writes it.
import { z } from 'zod';
import { estimateCents, estimateCost, type CostBreakdown, type PriceTable } from './cost.ts';
import { fieldErrorSchema } from './data-quality.ts';
import { counted } from './plural.ts';
import type { AnalysisType } from './schemas.ts';

/** The field errors of a rejected tape: at most MAX_REPORTED_ERRORS listed, `totalErrors` counting them all. */
export const tapeRejectionSchema = z.object({
  errors: z.array(fieldErrorSchema).min(1),
  totalErrors: z.number().int().positive(),
});
export type TapeRejection = z.infer<typeof tapeRejectionSchema>;

/** What the key needs when a tape is refused after its 202: the key keeps its answer, a fixed tape needs a new one. */
const NEW_KEY = 'then send the request again with a new Idempotency-Key (this one keeps its answer, this job)';

/** The status reason of a job whose tape failed validation. */
export function invalidTapeReason(rejection: TapeRejection): string {
  return `The tape failed validation (${counted(rejection.totalErrors, 'error', 'errors')}, listed in errors): nothing was analysed or spent. Fix the tape (or send invalidRows "skip" to leave invalid rows out), upload it, ${NEW_KEY}.`;
}

/** The status reason of a job whose tape was replaced or deleted after the request named it. */
export const CHANGED_TAPE_REASON = `The tape changed after the request named it (see errors): nothing was analysed or spent, and no two versions were mixed. Upload each tape under a new name, or wait until its upload has finished, ${NEW_KEY}.`;

/** The status reason of a job cancelled while its tape was read. */
export const CANCELLED_WHILE_READING_REASON =
  'Cancelled on request (DELETE) while its tape was being read: nothing was analysed or spent, and what was staged was deleted.';

/** A job whose estimate passed its budget without allowPartial: the estimate, and the field error on budget. */
export interface OverBudget {
  breakdown: CostBreakdown;
  rejection: TapeRejection;
  statusReason: string;
}

/**
 * The budget check of a request whose tape was read after its 202, as the synchronous one (a 422) decides it: over
 * when `budgetCents` is below the estimate of `count` properties and allowPartial is not set. Undefined when the job
 * may run.
 */
export function overBudget(
  request: { analysisType: AnalysisType; budgetCents?: number | undefined; allowPartial: boolean },
  count: number,
  prices: PriceTable,
): OverBudget | undefined {
  const { budgetCents } = request;
  if (budgetCents === undefined || request.allowPartial) return undefined;
  if (estimateCents(count, request.analysisType, prices) <= budgetCents) return undefined;
  const breakdown = estimateCost(count, request.analysisType, prices);
  const estimate = `$${breakdown.total.toFixed(2)}`;
  const budget = `$${(budgetCents / 100).toFixed(2)}`;
  return {
    breakdown,
    rejection: {
      errors: [
        {
          path: 'budget',
          message: `the estimated cost ${estimate} exceeds the budget ${budget}: raise the budget, or set allowPartial to analyse until the budget is spent`,
        },
      ],
      totalErrors: 1,
    },
    statusReason: `The estimated cost ${estimate} exceeds the budget ${budget} (allowPartial not set): nothing was analysed or spent. Raise the budget, or set allowPartial, ${NEW_KEY}.`,
  };
}
