// jobProgress@{jobId}: the live state of one job (see src/domain/job-progress.ts for the operations).
//   init(JobProgressInit) -> JobProgress     reserve(ReservationRequest) -> ReservationAnswer
//   settle(Settlement)                        stop({reason, message?, at}) (DELETE, a terminated root, a failed chunk)
//   reopen({budgetCents?, at}) (a redrive)   get -> JobProgress | null
import type { EntityContext, EntityHandler } from 'durable-functions';
import {
  initialProgress,
  reopen,
  reserve,
  settle,
  stopJob,
  type JobProgress,
  type JobProgressInit,
  type ReservationRequest,
  type Settlement,
} from '../domain/job-progress.ts';

/** A stop (DELETE) can arrive before the orchestration initialised the entity; it is kept until init. */
type Stored = JobProgress | { stoppedBeforeInit: NonNullable<JobProgress['stop']> } | null;
const isProgress = (s: Stored): s is JobProgress => s !== null && !('stoppedBeforeInit' in s);

export const jobProgress: EntityHandler<Stored> = (context: EntityContext<Stored>) => {
  const stored = context.df.getState(() => null) ?? null;
  const state = isProgress(stored) ? stored : null;
  const input = <T>() => context.df.getInput<T>()!;
  switch (context.df.operationName) {
    case 'init': {
      // Idempotent: a repeated init keeps the counts already made, and a stop that came first is kept.
      const next =
        state ??
        (stored && 'stoppedBeforeInit' in stored
          ? stopJob(initialProgress(input<JobProgressInit>()), stored.stoppedBeforeInit)
          : initialProgress(input<JobProgressInit>()));
      context.df.setState(next);
      context.df.return(next);
      return;
    }
    case 'reserve': {
      if (state === null) throw new Error('jobProgress: reserve before init');
      const { state: next, answer } = reserve(state, input<ReservationRequest>());
      context.df.setState(next);
      context.df.return(answer);
      return;
    }
    case 'settle':
      if (state !== null) context.df.setState(settle(state, input<Settlement>()));
      return;
    case 'stop': {
      const stop = input<NonNullable<JobProgress['stop']>>();
      context.df.setState(state === null ? { stoppedBeforeInit: stop } : stopJob(state, stop));
      return;
    }
    case 'reopen':
      if (state !== null) context.df.setState(reopen(state, input<{ budgetCents?: number; at: string }>()));
      return;
    case 'get':
      context.df.return(state);
      return;
    default:
      throw new Error(`jobProgress: unknown operation '${context.df.operationName}'`);
  }
};
