// jobProgress@{jobId}: the live state of one job (see src/domain/job-progress.ts for the operations).
import type { EntityContext, EntityHandler } from 'durable-functions';
import {
  cancel,
  completeChunk,
  initialProgress,
  reserveMany,
  type ChunkCompletion,
  type JobProgress,
  type JobProgressInit,
  type Reservation,
} from '../domain/job-progress.ts';

/** A cancel can arrive before the orchestration initialised the entity; it is kept until init. */
type Stored = JobProgress | { cancelledBeforeInit: true } | null;
const isProgress = (s: Stored): s is JobProgress => s !== null && !('cancelledBeforeInit' in s);

export const jobProgress: EntityHandler<Stored> = (context: EntityContext<Stored>) => {
  const stored = context.df.getState(() => null) ?? null;
  const state = isProgress(stored) ? stored : null;
  switch (context.df.operationName) {
    case 'init': {
      // Idempotent: a replayed or repeated init keeps the counts already made.
      if (state !== null) return;
      const initial = initialProgress(context.df.getInput<JobProgressInit>()!);
      context.df.setState(stored === null ? initial : cancel(initial));
      return;
    }
    case 'reserve': {
      if (state === null) throw new Error('jobProgress: reserve before init');
      const { state: next, ...answer } = reserveMany(state, context.df.getInput<Reservation[]>()!);
      context.df.setState(next);
      context.df.return(answer);
      return;
    }
    case 'chunkCompleted':
      if (state !== null) context.df.setState(completeChunk(state, context.df.getInput<ChunkCompletion>()!));
      return;
    case 'cancel':
      context.df.setState(state === null ? { cancelledBeforeInit: true } : cancel(state));
      return;
    case 'get':
      context.df.return(state);
      return;
    default:
      throw new Error(`jobProgress: unknown operation '${context.df.operationName}'`);
  }
};
