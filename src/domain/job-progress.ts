// The jobProgress entity's state and operations, as a pure reducer (the entity function in
// src/entities/job-progress.ts only routes operations here). One entity per job: totals, counts, cost in
// cents (estimated, reserved, actual), the budget, the stop flag and the observed rate for the ETA.
//
// Reservation is how a job never spends more than its budget (DESIGN §2.3): before a chunk runs, its lane
// reserves what the chunk can at most spend (every property at its worst case). The entity grants it when
// it fits beside what is spent and reserved; asks the lane to wait when in-flight reservations hold the
// budget (they are released, mostly unspent, when their chunks settle); grants the rest of the budget when
// nothing is in flight and at least one property still fits (the chunk then stops buying at that cap); and
// answers stop only when not even one property's worst case fits in what is left, or the job was stopped.
// After the chunk, `settle` replaces the reservation with what the chunk was billed.
import { z } from 'zod';

const cents = z.number().int().nonnegative();

/**
 * Why a job stopped scheduling work other than its budget: DELETE, the root's termination, a chunk that kept failing.
 */
export const STOP_REASONS = ['cancelled', 'terminated', 'failed'] as const;
export type StopReason = (typeof STOP_REASONS)[number];

export const jobProgressSchema = z.object({
  jobId: z.string(),
  total: z.number().int().nonnegative(),
  chunkCount: z.number().int().nonnegative(),
  /** Properties with a stored result (analysed or failed). */
  processed: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  cached: z.number().int().nonnegative(),
  /** Open reservations by key (at most one per lane), in cents. */
  reservations: z.record(z.string(), cents),
  estimatedCents: cents,
  reservedCents: cents,
  /** What the vendors billed, as recorded with each answer. */
  actualCents: cents,
  /**
   * Calls that may have cost without their answer being recorded: at most the calls in flight when a chunk
   * attempt died (a crash, a storage outage), at the dearest price, and each call that timed out, at its
   * price. Counted against the budget, reported apart.
   */
  unconfirmedCents: cents,
  budgetCents: cents.optional(),
  stop: z.object({ reason: z.enum(STOP_REASONS), message: z.string().optional(), at: z.string() }).optional(),
  startTime: z.string(),
  lastUpdate: z.string(),
});
export type JobProgress = z.infer<typeof jobProgressSchema>;

/**
 * What a finished job keeps of its jobProgress entity once the task hub purge removes the entity
 * (src/functions/purge-history.ts): the counts and cents the job view reads, on the job document.
 */
export const finalProgressSchema = jobProgressSchema.pick({
  processed: true,
  failed: true,
  cached: true,
  reservedCents: true,
  actualCents: true,
  unconfirmedCents: true,
  startTime: true,
});
export type FinalProgress = z.infer<typeof finalProgressSchema>;

export interface JobProgressInit {
  jobId: string;
  total: number;
  chunkCount: number;
  estimatedCents: number;
  budgetCents?: number | undefined;
  startTime: string;
}

export function initialProgress(init: JobProgressInit): JobProgress {
  return {
    jobId: init.jobId,
    total: init.total,
    chunkCount: init.chunkCount,
    processed: 0,
    failed: 0,
    cached: 0,
    reservations: {},
    estimatedCents: init.estimatedCents,
    reservedCents: 0,
    actualCents: 0,
    unconfirmedCents: 0,
    ...(init.budgetCents !== undefined && { budgetCents: init.budgetCents }),
    startTime: init.startTime,
    lastUpdate: init.startTime,
  };
}

export interface ReservationRequest {
  /** Unique per reservation of a job (`{run}:{entry}:{part}`); asking again with the same key is answered the same. */
  key: string;
  /** What the chunk can at most spend: its properties at their worst case. */
  cents: number;
  /** One property's worst case: less than this left in the budget, and the job can buy nothing more. */
  minCents: number;
}

/** What stops a run's lanes: the job's stop (cancel, terminate, a chunk that kept failing) or a budget that cannot
 * cover one more property. */
export type LaneStop = StopReason | 'budget_exceeded';

/**
 * granted: spend at most `cents`; wait: ask again once in-flight chunks settled; stop: schedule nothing more (with
 * the stop's message when it has one, so that every lane it stops can say why: a chunk that kept failing).
 */
export type ReservationAnswer =
  { kind: 'granted'; cents: number } | { kind: 'wait' } | { kind: 'stop'; reason: LaneStop; message?: string };

/** Answers a reservation (see the module comment for the rule) and records what it granted. */
export function reserve(
  state: JobProgress,
  request: ReservationRequest,
): { state: JobProgress; answer: ReservationAnswer } {
  const held = state.reservations[request.key];
  if (held !== undefined) return { state, answer: { kind: 'granted', cents: held } };
  if (state.stop) {
    const { reason, message } = state.stop;
    return { state, answer: { kind: 'stop', reason, ...(message !== undefined && { message }) } };
  }
  const grant = (granted: number) => ({
    state: {
      ...state,
      reservedCents: state.reservedCents + granted,
      reservations: { ...state.reservations, [request.key]: granted },
    },
    answer: { kind: 'granted', cents: granted } as const,
  });
  if (state.budgetCents === undefined) return grant(request.cents);
  const left = state.budgetCents - state.actualCents - state.unconfirmedCents;
  if (request.cents <= left - state.reservedCents) return grant(request.cents);
  if (left < request.minCents) return { state, answer: { kind: 'stop', reason: 'budget_exceeded' } };
  if (state.reservedCents > 0) return { state, answer: { kind: 'wait' } };
  return grant(left);
}

/**
 * What a chunk's run changed, as differences from the job's state before it (negative when a retry fixed a failure).
 */
export interface Settlement {
  key: string;
  processed: number;
  failed: number;
  cached: number;
  /**
   * What the vendors billed for the chunk's answers in this run (answers bought by its earlier, crashed attempts
   * included).
   */
  cents: number;
  unconfirmedCents: number;
  at: string;
}

/**
 * Releases reservation `key`, counting what its chunk was billed. A key not (or no longer) reserved changes nothing.
 */
export function settle(state: JobProgress, done: Settlement): JobProgress {
  const reserved = state.reservations[done.key];
  if (reserved === undefined) return state;
  const { [done.key]: _released, ...reservations } = state.reservations;
  return {
    ...state,
    processed: state.processed + done.processed,
    failed: state.failed + done.failed,
    cached: state.cached + done.cached,
    reservations,
    reservedCents: state.reservedCents - reserved,
    actualCents: state.actualCents + done.cents,
    unconfirmedCents: state.unconfirmedCents + done.unconfirmedCents,
    lastUpdate: done.at > state.lastUpdate ? done.at : state.lastUpdate,
  };
}

/** Stops further reservations; the first reason given is kept. */
export function stopJob(state: JobProgress, stop: NonNullable<JobProgress['stop']>): JobProgress {
  return state.stop ? state : { ...state, stop };
}

/**
 * Opens the job for a redrive: clears the stop and the reservations of lanes that are gone (their chunks'
 * answers are recorded with their results and are counted again when the redrive reads them), and takes
 * the new budget if one was given.
 */
export function reopen(state: JobProgress, options: { budgetCents?: number | undefined; at: string }): JobProgress {
  const { stop: _cleared, budgetCents: previousBudget, ...rest } = state;
  const budgetCents = options.budgetCents ?? previousBudget;
  return {
    ...rest,
    reservations: {},
    reservedCents: 0,
    ...(budgetCents !== undefined && { budgetCents }),
    lastUpdate: options.at,
  };
}

/** Seconds left at the observed rate, or undefined before anything is measured. */
export function estimatedSecondsRemaining(state: JobProgress): number | undefined {
  const elapsed = (Date.parse(state.lastUpdate) - Date.parse(state.startTime)) / 1000;
  if (state.processed === 0 || elapsed <= 0) return undefined;
  const rate = state.processed / elapsed;
  return Math.ceil((state.total - state.processed) / rate);
}
