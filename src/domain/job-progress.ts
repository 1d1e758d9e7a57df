// The jobProgress entity's state and operations, as a pure reducer (the entity function in
// src/entities/job-progress.ts only routes operations here). One entity per job: totals, counts, cost in
// cents (estimated, reserved, actual), the budget, the cancel flag and the observed rate for the ETA.
//
// Reservation is how a job never spends more than its budget (DESIGN §2.3): before a chunk runs, its batch
// reserves the chunk's maximum cost; the entity refuses when that would pass the budget or the job was
// cancelled. After the chunk, the actual cost replaces the reservation.
import { z } from 'zod';

const cents = z.number().int().nonnegative();

export const jobProgressSchema = z.object({
  jobId: z.string(),
  total: z.number().int().nonnegative(),
  chunkCount: z.number().int().nonnegative(),
  processed: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  cached: z.number().int().nonnegative(),
  chunksCompleted: z.number().int().nonnegative(),
  /** Chunk indexes reserved and not yet completed, with their reservation in cents. */
  openReservations: z.record(z.string(), cents),
  /** Chunk indexes already counted, so a repeated completion never counts twice. */
  completedChunks: z.array(z.number().int()),
  estimatedCents: cents,
  reservedCents: cents,
  actualCents: cents,
  budgetCents: cents.optional(),
  cancelled: z.boolean(),
  /** Why scheduling stopped early, if it did. */
  stopReason: z.enum(['cancelled', 'budget_exceeded']).optional(),
  startTime: z.string(),
  lastUpdate: z.string(),
});
export type JobProgress = z.infer<typeof jobProgressSchema>;

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
    chunksCompleted: 0,
    openReservations: {},
    completedChunks: [],
    estimatedCents: init.estimatedCents,
    reservedCents: 0,
    actualCents: 0,
    ...(init.budgetCents !== undefined && { budgetCents: init.budgetCents }),
    cancelled: false,
    startTime: init.startTime,
    lastUpdate: init.startTime,
  };
}

export interface Reservation {
  chunkIndex: number;
  cents: number;
}

export type ReservationAnswer = { granted: true } | { granted: false; reason: 'cancelled' | 'budget_exceeded' };

/** Grants a reservation when the budget allows it and the job is not cancelled. Re-reserving a chunk is a no-op grant. */
export function reserve(state: JobProgress, request: Reservation): { state: JobProgress; answer: ReservationAnswer } {
  const key = String(request.chunkIndex);
  if (state.openReservations[key] !== undefined || state.completedChunks.includes(request.chunkIndex))
    return { state, answer: { granted: true } };
  if (state.cancelled)
    return { state: { ...state, stopReason: 'cancelled' }, answer: { granted: false, reason: 'cancelled' } };
  if (state.budgetCents !== undefined && state.actualCents + state.reservedCents + request.cents > state.budgetCents) {
    return {
      state: { ...state, stopReason: state.stopReason ?? 'budget_exceeded' },
      answer: { granted: false, reason: 'budget_exceeded' },
    };
  }
  return {
    state: {
      ...state,
      reservedCents: state.reservedCents + request.cents,
      openReservations: { ...state.openReservations, [key]: request.cents },
    },
    answer: { granted: true },
  };
}

/** The entity's answer to `reserve` with a wave of chunks: the first `granted` may run; `refusal` says why the rest may not. */
export interface WaveAnswer {
  granted: number;
  refusal?: Extract<ReservationAnswer, { granted: false }>['reason'];
}

/**
 * Reserves chunks in order and stops at the first refusal: the granted prefix runs, the rest does not.
 * One entity call per wave of chunks instead of one per chunk.
 */
export function reserveMany(state: JobProgress, requests: readonly Reservation[]): WaveAnswer & { state: JobProgress } {
  let current = state;
  for (let i = 0; i < requests.length; i++) {
    const { state: next, answer } = reserve(current, requests[i]!);
    current = next;
    if (!answer.granted) return { state: current, granted: i, refusal: answer.reason };
  }
  return { state: current, granted: requests.length };
}

export interface ChunkCompletion {
  chunkIndex: number;
  processed: number;
  failed: number;
  cached: number;
  actualCents: number;
  at: string;
}

/** Counts a finished chunk once and releases what its reservation did not spend. */
export function completeChunk(state: JobProgress, done: ChunkCompletion): JobProgress {
  if (state.completedChunks.includes(done.chunkIndex)) return state;
  const key = String(done.chunkIndex);
  const reserved = state.openReservations[key] ?? 0;
  const { [key]: _released, ...openReservations } = state.openReservations;
  return {
    ...state,
    processed: state.processed + done.processed,
    failed: state.failed + done.failed,
    cached: state.cached + done.cached,
    chunksCompleted: state.chunksCompleted + 1,
    completedChunks: [...state.completedChunks, done.chunkIndex],
    openReservations,
    reservedCents: Math.max(0, state.reservedCents - reserved),
    actualCents: state.actualCents + done.actualCents,
    lastUpdate: done.at > state.lastUpdate ? done.at : state.lastUpdate,
  };
}

export function cancel(state: JobProgress): JobProgress {
  return { ...state, cancelled: true };
}

/** Seconds left at the observed rate, or undefined before anything is measured. */
export function estimatedSecondsRemaining(state: JobProgress): number | undefined {
  const elapsed = (Date.parse(state.lastUpdate) - Date.parse(state.startTime)) / 1000;
  if (state.processed === 0 || elapsed <= 0) return undefined;
  const rate = state.processed / elapsed;
  return Math.ceil((state.total - state.processed) / rate);
}
