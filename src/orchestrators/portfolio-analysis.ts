// portfolioAnalysis: the root of a job (instance id = jobId, the instance the API's statusQueryGetUri
// names). It runs the job as one child, jobRun (see job-run.ts for why a child), and ends with its outcome.
// A job whose tape was submitted by reference (`propertiesBlob`) is accepted before its tape is read: its root
// first reads, validates and stages the tape (readTape), then decides as a synchronous submission would — a tape
// refused, or over budget without allowPartial, ends the job `rejected` (endBeforeRun) with nothing analysed or
// spent — and runs the job as for a staged tape. Its history is a handful of events whatever the portfolio
// weighs. Deterministic: no I/O, no clock.
import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import { estimateCents } from '../domain/cost.ts';
import {
  CANCELLED_WHILE_READING_REASON,
  CHANGED_TAPE_REASON,
  invalidTapeReason,
  overBudget,
  type OverBudget,
} from '../domain/tape-rejection.ts';
import {
  ACTIVITIES,
  ORCHESTRATIONS,
  runInstanceId,
  type EndBeforeRunInput,
  type JobRunOutput,
  type PortfolioAnalysisInput,
  type ReadAndAnalyzeInput,
  type ReadTapeInput,
  type ReadTapeOutput,
  type RootInput,
} from '../workflow.ts';

/** Runs the job's run as the root's one child and ends with its outcome. */
function* runJob(context: OrchestrationContext, input: PortfolioAnalysisInput): Generator<df.Task, JobRunOutput> {
  const run = runInstanceId(input.job.jobId, input.run);
  context.df.setCustomStatus({ phase: 'running', run });
  const output = (yield context.df.callSubOrchestrator(ORCHESTRATIONS.jobRun, input, run)) as JobRunOutput;
  context.df.setCustomStatus({ phase: 'done', run, ...output });
  return output;
}

/**
 * The end of a job whose read did not lead to a run: cancelled while reading, its tape refused, or read and `over`
 * its budget (with the estimate of its `estimatedCents`).
 */
function endOf(
  jobId: string,
  read:
    | Exclude<ReadTapeOutput, { kind: 'read' }>
    | (Extract<ReadTapeOutput, { kind: 'read' }> & { over: OverBudget; estimatedCents: number }),
): EndBeforeRunInput {
  switch (read.kind) {
    case 'stopped':
      return { jobId, status: 'cancelled', statusReason: CANCELLED_WHILE_READING_REASON };
    case 'rejected':
      return {
        jobId,
        status: 'rejected',
        statusReason: read.changed ? CHANGED_TAPE_REASON : invalidTapeReason(read.rejection),
        rejection: read.rejection,
        ...(read.dataQuality !== undefined && { dataQuality: read.dataQuality }),
      };
    case 'read':
      return {
        jobId,
        stagingId: read.stagingId,
        status: 'rejected',
        statusReason: read.over.statusReason,
        rejection: read.over.rejection,
        dataQuality: read.dataQuality,
        estimate: { properties: read.count, estimatedCents: read.estimatedCents, breakdown: read.over.breakdown },
      };
  }
}

/** Reads the tape a request by reference named, then runs the job, or ends it without a run (see endOf). */
function* readThenRun(context: OrchestrationContext, input: ReadAndAnalyzeInput): Generator<df.Task, JobRunOutput> {
  const { job, tape, options } = input;
  const retry = new df.RetryOptions(2_000, 3);
  retry.backoffCoefficient = 2;
  context.df.setCustomStatus({ phase: 'reading' });
  const readInput: ReadTapeInput = { job, tape };
  const read = (yield context.df.callActivityWithRetry(ACTIVITIES.readTape, retry, readInput)) as ReadTapeOutput;
  let end: EndBeforeRunInput;
  if (read.kind === 'read') {
    const estimatedCents = estimateCents(read.count, job.analysisType, options.prices);
    const over = overBudget(job, read.count, options.prices);
    if (over === undefined)
      return yield* runJob(context, {
        job: {
          ...job,
          totalProperties: read.count,
          chunkCount: read.chunkCount,
          estimatedCents,
          dataQuality: read.dataQuality,
          stagingId: read.stagingId,
        },
        options,
        run: { kind: 'analysis' },
      });
    end = endOf(job.jobId, { ...read, over, estimatedCents });
  } else end = endOf(job.jobId, read);
  yield context.df.callActivityWithRetry(ACTIVITIES.endBeforeRun, retry, end);
  const output: JobRunOutput = { status: end.status, processed: 0, failed: 0, left: 0, costCents: 0 };
  context.df.setCustomStatus({ phase: 'done', ...output });
  return output;
}

export const portfolioAnalysis: OrchestrationHandler = function* (context: OrchestrationContext) {
  const input = context.df.getInput<RootInput>();
  // Instances started before tapes by reference were read here have no `tape`: they replay as they ran.
  if ('tape' in input) return yield* readThenRun(context, input);
  return yield* runJob(context, input);
};
