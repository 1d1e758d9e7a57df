// The jobProgress entity function, run by the durable-functions SDK's own entity executor on batches of
// operations as the host sends them: init (idempotent), reserve of a wave (granted prefix, refusal),
// chunkCompleted, cancel before and after init, get, and an unknown operation.
import { describe, expect, it } from 'vitest';
import type { JobProgress, WaveAnswer } from '../../../src/domain/job-progress.ts';
import { jobProgress } from '../../../src/entities/job-progress.ts';
import { runEntityBatch, type EntityBatchResult, type EntityOperation } from '../durable-sdk.ts';

type Stored = JobProgress | { cancelledBeforeInit: true } | null;
const entity = { name: 'jobprogress', key: 'job-e' };
const init = {
  jobId: 'job-e',
  total: 300,
  chunkCount: 3,
  estimatedCents: 2_400,
  budgetCents: 1_700,
  startTime: '2026-11-24T10:00:00.000Z',
};
const op = (name: string, input?: unknown, signal = false): EntityOperation => ({
  name,
  signal,
  ...(input !== undefined && { input: JSON.stringify(input) }),
});
const reserveWave = (...chunks: Array<[number, number]>) =>
  op(
    'reserve',
    chunks.map(([chunkIndex, cents]) => ({ chunkIndex, cents })),
  );
const stateOf = (result: EntityBatchResult) => JSON.parse(result.entityState ?? 'null') as Stored;
const answers = (result: EntityBatchResult) =>
  result.results.map((r) => (r.result === undefined ? undefined : (JSON.parse(r.result) as unknown)));

async function initialised(): Promise<JobProgress> {
  const state = stateOf(await runEntityBatch<Stored>(jobProgress, entity, undefined, [op('init', init)]));
  return state as JobProgress;
}

describe('jobProgress entity', () => {
  it('init creates the progress once: a repeated init keeps the counts made since', async () => {
    const first = await initialised();
    expect(first).toMatchObject({ jobId: 'job-e', total: 300, budgetCents: 1_700, processed: 0, cancelled: false });
    const after = await runEntityBatch<Stored>(jobProgress, entity, first, [
      reserveWave([0, 800]),
      op('chunkCompleted', {
        chunkIndex: 0,
        processed: 100,
        failed: 1,
        cached: 3,
        actualCents: 500,
        at: '2026-11-24T10:00:30.000Z',
      }),
      op('init', init),
    ]);
    expect(stateOf(after)).toMatchObject({ processed: 100, failed: 1, actualCents: 500, reservedCents: 0 });
  });

  it('reserve grants the prefix of a wave the budget allows and says why the rest is refused', async () => {
    const result = await runEntityBatch<Stored>(jobProgress, entity, await initialised(), [
      reserveWave([0, 800], [1, 800], [2, 800]),
    ]);
    const [answer] = answers(result) as [WaveAnswer];
    expect(answer).toEqual({ granted: 2, refusal: 'budget_exceeded' });
    expect(stateOf(result)).toMatchObject({ reservedCents: 1_600, stopReason: 'budget_exceeded' });
  });

  it('a cancel that arrives before init is kept, and init starts the job cancelled', async () => {
    const early = await runEntityBatch<Stored>(jobProgress, entity, undefined, [op('cancel', undefined, true)]);
    expect(stateOf(early)).toEqual({ cancelledBeforeInit: true });
    const result = await runEntityBatch<Stored>(jobProgress, entity, stateOf(early), [
      op('init', init),
      reserveWave([0, 100]),
    ]);
    expect(stateOf(result)).toMatchObject({ jobId: 'job-e', cancelled: true, stopReason: 'cancelled' });
    expect(answers(result)[1]).toEqual({ granted: 0, refusal: 'cancelled' });
  });

  it('a cancel after init refuses every later reservation; chunks already reserved still complete', async () => {
    const result = await runEntityBatch<Stored>(jobProgress, entity, await initialised(), [
      reserveWave([0, 800]),
      op('cancel', undefined, true),
      reserveWave([1, 800]),
      op('chunkCompleted', {
        chunkIndex: 0,
        processed: 100,
        failed: 0,
        cached: 0,
        actualCents: 700,
        at: '2026-11-24T10:00:30.000Z',
      }),
    ]);
    expect(answers(result).filter((a) => a !== undefined)).toEqual([
      { granted: 1 },
      { granted: 0, refusal: 'cancelled' },
    ]);
    expect(stateOf(result)).toMatchObject({ cancelled: true, processed: 100, actualCents: 700, reservedCents: 0 });
  });

  it('get answers the progress, or null before init; reserve before init is an error', async () => {
    const before = await runEntityBatch<Stored>(jobProgress, entity, undefined, [op('get'), reserveWave([0, 1])]);
    expect(answers(before)[0]).toBeNull();
    expect(before.results[1]?.isError).toBe(true);
    const progress = await initialised();
    const after = await runEntityBatch<Stored>(jobProgress, entity, progress, [op('get')]);
    expect(answers(after)[0]).toEqual(progress);
  });

  it('refuses an unknown operation without touching the state', async () => {
    const progress = await initialised();
    const result = await runEntityBatch<Stored>(jobProgress, entity, progress, [op('reset')]);
    expect(result.results[0]?.isError).toBe(true);
    expect(stateOf(result)).toEqual(progress);
  });
});
