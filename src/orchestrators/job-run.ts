// jobRun (`{jobId}:run`, or `{jobId}:redrive-{n}`): one run of a job, the only child of its root
// portfolioAnalysis. Marks the job processing, initialises (or reopens) its jobProgress entity, runs the
// passes — every chunk, then up to `retryPasses` passes over the properties that failed for a transient
// cause — each as `lanes` chunkLane sub-orchestrations, and writes the report.
//
// It is a child rather than the root's own body so that ending the root (the Durable terminate URL, the
// durable client) cannot leave the job half done: terminating an instance does not reach its children, the
// chunks see the root's termination through their stop check and stop buying, and this run writes the
// partial report and the job's end. Deterministic: no I/O, no clock, no randomness. It writes the run's
// jobPhase log lines (started, pass, finished) only when not replaying, so each is written once.
import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import { worstCaseCentsPerProperty } from '../domain/cost.ts';
import type { JobProgress, JobProgressInit, LaneStop } from '../domain/job-progress.ts';
import { addDeltas, NO_CHANGE, type ChunkDelta, type PassMode } from '../domain/passes.ts';
import { reportFailedError, runEnd } from '../domain/run-end.ts';
import {
  ACTIVITIES,
  JOB_PROGRESS_ENTITY,
  logLine,
  ORCHESTRATIONS,
  type AggregateReportInput,
  type ChunkLaneInput,
  type ChunkLaneOutput,
  type JobPhase,
  type JobRunOutput,
  type OpenJobInput,
  type PassPlan,
  type PlanPassInput,
  type PlanPassOutput,
  type PortfolioAnalysisInput,
} from '../workflow.ts';

/** Which stop wins when lanes stopped for different reasons. */
const STOP_PRECEDENCE: readonly LaneStop[] = ['terminated', 'cancelled', 'failed', 'budget_exceeded'];

/** The stop that wins; of lanes stopped for the same reason, one that says why (the lane whose chunk failed). */
function firstStop(outputs: readonly ChunkLaneOutput[]): ChunkLaneOutput | undefined {
  for (const reason of STOP_PRECEDENCE) {
    const stopped = outputs.filter((o) => o.stoppedBy === reason);
    const found = stopped.find((o) => o.error !== undefined) ?? stopped[0];
    if (found) return found;
  }
  return undefined;
}

export const jobRun: OrchestrationHandler = function* (context: OrchestrationContext) {
  const { job, options, run } = context.df.getInput<PortfolioAnalysisInput>();
  const runId = context.df.instanceId;
  const progress = new df.EntityId(JOB_PROGRESS_ENTITY, job.jobId);
  const retry = new df.RetryOptions(2_000, 3);
  retry.backoffCoefficient = 2;
  const now = () => context.df.currentUtcDateTime.toISOString();
  const worstCentsPerProperty = worstCaseCentsPerProperty(job.analysisType, options.prices);
  const startedAt = context.df.currentUtcDateTime.getTime();
  // A replay re-runs this code: log only when the step is new, and time it by the orchestration's clock.
  const logPhase = (phase: JobPhase, fields: Record<string, string | number | boolean>) => {
    if (!context.df.isReplaying)
      context.log(
        logLine('jobPhase', {
          jobId: job.jobId,
          run: runId,
          phase,
          elapsedMs: context.df.currentUtcDateTime.getTime() - startedAt,
          ...fields,
        }),
      );
  };

  const open: OpenJobInput = { job, ...(run.kind === 'redrive' && { redrive: run.redrive }) };
  yield context.df.callActivityWithRetry(ACTIVITIES.openJob, retry, open);
  logPhase('started', {
    kind: run.kind,
    properties: job.totalProperties,
    chunks: job.chunkCount,
    lanes: options.lanes,
    estimatedCents: job.estimatedCents,
  });

  /** Runs one pass as lanes and folds what they changed. */
  function* pass(passId: string, plan: PassPlan): Generator<df.Task, { delta: ChunkDelta; stop?: ChunkLaneOutput }> {
    const lanes = Math.min(options.lanes, plan.entries);
    const laneInput = (lane: number): ChunkLaneInput => ({
      jobId: job.jobId,
      ...(job.stagingId !== undefined && { stagingId: job.stagingId }),
      passId,
      plan,
      analysisType: job.analysisType,
      asOf: job.asOf,
      totalProperties: job.totalProperties,
      chunkSize: job.chunkSize,
      worstCentsPerProperty,
      lane,
      lanes,
      position: lane,
      totals: NO_CHANGE,
    });
    const outputs = (yield context.df.Task.all(
      Array.from({ length: lanes }, (_, lane) =>
        context.df.callSubOrchestrator(ORCHESTRATIONS.chunkLane, laneInput(lane), `${passId}:lane-${lane}`),
      ),
    )) as ChunkLaneOutput[];
    const stop = firstStop(outputs);
    const delta = outputs.reduce((sum, o) => addDeltas(sum, o.totals), NO_CHANGE);
    logPhase('pass', {
      pass: passId,
      mode: plan.mode,
      entries: plan.entries,
      lanes,
      processed: delta.processed,
      failed: delta.failed,
      transient: delta.transient,
      costCents: delta.cents,
      ...(stop?.stoppedBy && { stoppedBy: stop.stoppedBy }),
    });
    return { delta, ...(stop && { stop }) };
  }

  function* plan(planId: string, mode: Exclude<PassMode, 'all'>): Generator<df.Task, PlanPassOutput> {
    const input: PlanPassInput = {
      jobId: job.jobId,
      planId,
      mode,
      chunkCount: job.chunkCount,
    };
    return (yield context.df.callActivityWithRetry(ACTIVITIES.planPass, retry, input)) as PlanPassOutput;
  }

  let counts: ChunkDelta = NO_CHANGE;
  let stop: ChunkLaneOutput | undefined;
  const init: JobProgressInit = {
    jobId: job.jobId,
    total: job.totalProperties,
    chunkCount: job.chunkCount,
    estimatedCents: job.estimatedCents,
    budgetCents: job.budgetCents,
    startTime: now(),
  };
  if (run.kind !== 'redrive') {
    const state = (yield context.df.callEntity(progress, 'init', init)) as JobProgress;
    if (run.kind === 'end') stop = { totals: NO_CHANGE, stoppedBy: run.reason, error: run.message };
    else if (state.stop) stop = { totals: NO_CHANGE, stoppedBy: state.stop.reason, error: state.stop.message };
    else {
      const first = yield* pass(runId, { mode: 'all', entries: job.chunkCount });
      counts = first.delta;
      stop = first.stop;
    }
  } else {
    // A job whose first run failed before it initialised the entity has none to reopen: init (which keeps an
    // existing state as it is) makes it. Only redrives that name their previous status do so; those started
    // before `previous` existed replay as they ran.
    if (run.previous !== undefined) yield context.df.callEntity(progress, 'init', init);
    yield context.df.callEntity(progress, 'reopen', { budgetCents: job.budgetCents, at: now() });
    const planned = yield* plan(runId, run.include);
    const { processed, failed, transient, cached, costCents } = planned.counts;
    counts = { processed, failed, transient, cached, cents: costCents, unconfirmedCents: 0 };
    if (planned.entries > 0) {
      const redriven = yield* pass(runId, { mode: run.include, id: runId, entries: planned.entries });
      counts = addDeltas(counts, redriven.delta);
      stop = redriven.stop;
    }
  }

  // The retry pass: only for transient failures, and only when nothing stopped the job.
  for (let n = 1; n <= options.retryPasses && stop === undefined && counts.transient > 0; n++) {
    context.df.setCustomStatus({ phase: 'retrying', pass: n, transient: counts.transient });
    const passId = `${runId}:retry-${n}`;
    const planned = yield* plan(passId, 'transient');
    if (planned.entries === 0) break;
    const retried = yield* pass(passId, { mode: 'transient', id: passId, entries: planned.entries });
    counts = addDeltas(counts, retried.delta);
    // Running out of budget while retrying leaves failures, not unanalysed properties: the job still completed.
    if (retried.stop?.stoppedBy !== 'budget_exceeded') stop = retried.stop;
  }

  const { status, error, statusReason } = runEnd({
    total: job.totalProperties,
    processed: counts.processed,
    failed: counts.failed,
    stop: stop?.stoppedBy && { reason: stop.stoppedBy, message: stop.error },
    maxFailureRate: options.maxFailureRate,
    previous: run.kind === 'redrive' ? run.previous : undefined,
  });
  const report: AggregateReportInput = {
    jobId: job.jobId,
    portfolioId: job.portfolioId,
    analysisType: job.analysisType,
    status,
    totalProperties: job.totalProperties,
    asOf: job.asOf,
    ...(job.stressScenarios !== undefined && { stressScenarios: job.stressScenarios }),
    ...(error !== undefined && { error }),
    ...(statusReason !== undefined && { statusReason }),
  };
  context.df.setCustomStatus({ phase: 'reporting', status });
  try {
    yield context.df.callActivityWithRetry(ACTIVITIES.aggregateReport, retry, report);
  } catch (failure) {
    // Everything the run bought is stored: the job's error says so and how to get the report, not only the cause.
    // The failure's first line: the rest is the activity's stack.
    const cause = (failure instanceof Error ? failure.message : String(failure)).split('\n')[0]!.trim();
    throw new Error(reportFailedError({ jobId: job.jobId, processed: counts.processed, status }, cause), {
      cause: failure,
    });
  }
  const output: JobRunOutput = {
    status,
    processed: counts.processed,
    failed: counts.failed,
    left: job.totalProperties - counts.processed,
    costCents: counts.cents,
  };
  context.df.setCustomStatus({ phase: 'done', ...output });
  logPhase('finished', { ...output });
  return output;
};
