// chunkLane: one of a pass's lanes (DESIGN §2.2). Lane n of L takes the pass's entries n, n + L, n + 2L, ...
// one after another: reserve the chunk's worst case with the job's jobProgress entity, analyse it, settle
// what it was billed. L lanes keep L chunks in flight and no slot idles while a sibling finishes; no running
// task is ever yielded twice (a sliding window over one Task.any would re-schedule it:
// Azure/azure-functions-durable-js#574). The lane continues as new before its history could reach the
// event budget below, carrying only its position and totals, so no history grows with the portfolio.
//
// The entity answers granted (at most what it grants may be spent), wait (in-flight chunks hold the budget:
// sleep on a durable timer and ask again) or stop. A partial grant makes the chunk stop buying at the cap;
// the lane then reserves again for the properties left. Deterministic: no I/O, no clock, no randomness.
import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import type { LaneStop, ReservationAnswer, ReservationRequest, Settlement } from '../domain/job-progress.ts';
import { chunkLength } from '../domain/chunking.ts';
import { addDeltas } from '../domain/passes.ts';
import {
  ACTIVITIES,
  JOB_PROGRESS_ENTITY,
  type AnalyzeChunkInput,
  type AnalyzeChunkOutput,
  type ChunkLaneInput,
  type ChunkLaneOutput,
} from '../workflow.ts';

/**
 * Worst-case history events per step, counted as DTFx records them (each answer also opens an episode:
 * OrchestratorStarted + OrchestratorCompleted). An entity call: EventSent, EventRaised, episode = 4. A
 * timer: TimerCreated, TimerFired, episode = 4. An activity with 3 attempts: 3 x (TaskScheduled +
 * TaskCompleted/Failed), 2 retry timers x 2, 5 episodes x 2 = 20. A signal: EventSent = 1.
 */
const EVENTS = { call: 4, timer: 4, activity: 20, signal: 1, start: 3 } as const;
/**
 * A generation continues as new before its next step could take it past this: at worst ~830 events, typically ~9 a
 * chunk.
 */
export const HISTORY_EVENT_BUDGET = 800;
const STEP = EVENTS.call + EVENTS.activity + 2 * EVENTS.signal;
/** How long a lane told to wait sleeps before asking again: long against an entity call, short against a chunk. */
const WAIT_MS = 1_000;

export const chunkLane: OrchestrationHandler = function* (context: OrchestrationContext) {
  const input = context.df.getInput<ChunkLaneInput>();
  const progress = new df.EntityId(JOB_PROGRESS_ENTITY, input.jobId);
  const retry = new df.RetryOptions(2_000, 3);
  retry.backoffCoefficient = 2;
  let { position, resume, totals } = input;
  let events: number = EVENTS.start;
  const settle = (key: string, delta: AnalyzeChunkOutput['delta']) =>
    context.df.signalEntity(progress, 'settle', {
      key,
      ...delta,
      at: context.df.currentUtcDateTime.toISOString(),
    } satisfies Settlement);
  const stopAll = (reason: 'terminated' | 'failed', message: string) =>
    context.df.signalEntity(progress, 'stop', {
      reason,
      message,
      at: context.df.currentUtcDateTime.toISOString(),
    });
  const done = (stoppedBy?: LaneStop, error?: string): ChunkLaneOutput => ({
    totals,
    ...(stoppedBy && { stoppedBy }),
    ...(error !== undefined && { error }),
  });

  while (position < input.plan.entries) {
    // A plan entry of a later pass is one chunk with some properties to redo; its size bounds them.
    let remaining =
      resume?.remaining ??
      (input.plan.mode === 'all' ? chunkLength(position, input.totalProperties, input.chunkSize) : input.chunkSize);
    let part = resume?.part ?? 0;
    resume = undefined;
    while (remaining > 0) {
      if (events + STEP + EVENTS.timer > HISTORY_EVENT_BUDGET) {
        context.df.continueAsNew({ ...input, position, resume: { part, remaining }, totals });
        return undefined;
      }
      const key = `${input.passId}:${position}:${part}`;
      const request: ReservationRequest = {
        key,
        cents: remaining * input.worstCentsPerProperty,
        minCents: input.worstCentsPerProperty,
      };
      const answer = (yield context.df.callEntity(progress, 'reserve', request)) as ReservationAnswer;
      events += EVENTS.call;
      if (answer.kind === 'stop') return done(answer.reason, answer.message);
      if (answer.kind === 'wait') {
        yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + WAIT_MS));
        events += EVENTS.timer;
        continue;
      }
      const chunkInput: AnalyzeChunkInput = {
        jobId: input.jobId,
        ...(input.stagingId !== undefined && { stagingId: input.stagingId }),
        plan: { mode: input.plan.mode, id: input.plan.id },
        entry: position,
        reservationKey: key,
        capCents: answer.cents,
        analysisType: input.analysisType,
        asOf: input.asOf,
      };
      let output: AnalyzeChunkOutput;
      try {
        output = (yield context.df.callActivityWithRetry(
          ACTIVITIES.analyzeChunk,
          retry,
          chunkInput,
        )) as AnalyzeChunkOutput;
      } catch (error) {
        // Every attempt failed (storage down): stop the job rather than skip the chunk. The reservation stays
        // held: what the attempts bought is recorded with the answers, and counted when a redrive reads them.
        const message = `chunk entry ${position} of pass ${input.passId} failed every attempt: ${error instanceof Error ? error.message : String(error)}`;
        stopAll('failed', message);
        return done('failed', message);
      }
      events += EVENTS.activity;
      settle(key, output.delta);
      events += EVENTS.signal;
      totals = addDeltas(totals, output.delta);
      if (output.stopped) {
        // The chunk saw the stop first (the root was terminated, say): tell the other lanes through the entity.
        if (output.stopped === 'terminated') stopAll('terminated', 'the job orchestration was terminated');
        return done(output.stopped);
      }
      remaining = output.deferred;
      part++;
    }
    position += input.lanes;
  }
  return done();
};
