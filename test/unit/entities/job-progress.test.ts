// The jobProgress entity run by the durable-functions SDK's own entity executor (test/unit/durable-sdk.ts) on
// batches of operations as the host sends them: what the entity adds to the reducer of src/domain/job-progress.ts
// (tested there) is routing, answers, idempotent init, the stop that comes before init, and refusing what it
// cannot do. A job of 300 properties in 3 chunks of 100 at 10 cents each at worst (a chunk reserves 1,000 cents,
// one property 10), with a budget of 1,700 cents.
import { describe, expect, it } from 'vitest';
import type { JobProgress, JobProgressInit, ReservationRequest, Settlement } from '../../../src/domain/job-progress.ts';
import { jobProgress } from '../../../src/entities/job-progress.ts';
import type { StoredProgress } from '../../../src/jobs/job-stop.ts';
import { JOB_PROGRESS_ENTITY } from '../../../src/workflow.ts';
import { runEntityBatch, type EntityBatchResult } from '../durable-sdk.ts';

type Stored = StoredProgress | null;
type Operation = { name: string; input?: unknown; signal?: boolean };

const self = { name: JOB_PROGRESS_ENTITY, key: 'job-e' };
const init: JobProgressInit = {
  jobId: 'job-e',
  total: 300,
  chunkCount: 3,
  estimatedCents: 3_000,
  budgetCents: 1_700,
  startTime: '2026-11-24T10:00:00.000Z',
};
const op = (name: string, input?: unknown): Operation => ({ name, ...(input !== undefined && { input }) });
const reserve = (key: string, cents = 1_000): Operation =>
  op('reserve', { key, cents, minCents: 10 } satisfies ReservationRequest);
const settle = (key: string, cents: number, unconfirmedCents = 0): Operation =>
  op('settle', {
    key,
    processed: 100,
    failed: 1,
    cached: 4,
    cents,
    unconfirmedCents,
    at: '2026-11-24T10:01:00.000Z',
  } satisfies Settlement);
const stop = (reason: 'cancelled' | 'terminated' | 'failed', at = '2026-11-24T10:00:30.000Z'): Operation => ({
  name: 'stop',
  input: { reason, at },
  signal: true,
});

const run = (state: Stored | undefined, ...operations: Operation[]) =>
  runEntityBatch<Stored>(jobProgress, self, state, operations);
const stateOf = (result: EntityBatchResult) => JSON.parse(result.entityState ?? 'null') as Stored;
const progressOf = (result: EntityBatchResult) => stateOf(result) as JobProgress;
/** Each operation's answer (undefined for an operation that answers nothing). */
const answers = (result: EntityBatchResult) =>
  result.results.map((r) => (r.result === undefined ? undefined : (JSON.parse(r.result) as unknown)));

async function initialised(): Promise<JobProgress> {
  return progressOf(await run(undefined, op('init', init)));
}

describe('jobProgress entity', () => {
  it('init creates the progress and answers it; a repeated init keeps what was counted since', async () => {
    const first = await run(undefined, op('init', init));
    expect(answers(first)).toEqual([stateOf(first)]);
    expect(stateOf(first)).toMatchObject({ jobId: 'job-e', total: 300, budgetCents: 1_700, processed: 0 });

    const again = await run(stateOf(first), reserve('a'), settle('a', 600), op('init', init));
    const after = progressOf(again);
    expect(after).toMatchObject({ processed: 100, failed: 1, cached: 4, actualCents: 600, reservedCents: 0 });
    expect(answers(again)[2]).toEqual(after);
  });

  it('grants what fits, asks to wait while reservations hold the budget, grants the rest, refuses when nothing fits', async () => {
    const result = await run(
      await initialised(),
      reserve('a'), // 1,000 of 1,700
      reserve('b'), // 1,000 more does not fit beside a: wait for a to settle
      reserve('a'), // the same request again: the same grant, held once
      settle('a', 900), // 800 left, nothing in flight
      reserve('b'), // less than a chunk, more than a property: the rest
      settle('b', 795), // 5 left: not one property
      reserve('c'),
    );
    expect(answers(result)).toEqual([
      { kind: 'granted', cents: 1_000 },
      { kind: 'wait' },
      { kind: 'granted', cents: 1_000 },
      undefined,
      { kind: 'granted', cents: 800 },
      undefined,
      { kind: 'stop', reason: 'budget_exceeded' },
    ]);
    expect(result.results.every((r) => !r.isError)).toBe(true);
    expect(progressOf(result)).toMatchObject({
      processed: 200,
      actualCents: 1_695,
      reservedCents: 0,
      reservations: {},
      lastUpdate: '2026-11-24T10:01:00.000Z',
    });
  });

  it('counts unconfirmed calls against the budget', async () => {
    const result = await run(
      await initialised(),
      reserve('a'),
      settle('a', 700, 600), // 1,700 - 700 - 600 = 400 left
      reserve('b'),
      settle('b', 0, 395), // 5 left
      reserve('c'),
    );
    expect(answers(result).filter(Boolean)).toEqual([
      { kind: 'granted', cents: 1_000 },
      { kind: 'granted', cents: 400 },
      { kind: 'stop', reason: 'budget_exceeded' },
    ]);
    expect(progressOf(result)).toMatchObject({ actualCents: 700, unconfirmedCents: 995 });
  });

  it('a settle of a key it does not hold changes nothing', async () => {
    const start = await initialised();
    const result = await run(start, settle('never-reserved', 500));
    expect(stateOf(result)).toEqual(start);
  });

  it('a stop that comes before init is kept, and init starts the job stopped', async () => {
    const early = await run(undefined, stop('cancelled'), op('get'), settle('a', 100), op('reopen', { at: 'T' }));
    expect(stateOf(early)).toEqual({ stoppedBeforeInit: { reason: 'cancelled', at: '2026-11-24T10:00:30.000Z' } });
    expect(answers(early)[1]).toBeNull(); // no progress yet

    const result = await run(stateOf(early), op('init', init), reserve('a'));
    expect(answers(result)).toEqual([
      expect.objectContaining({ jobId: 'job-e', stop: { reason: 'cancelled', at: '2026-11-24T10:00:30.000Z' } }),
      { kind: 'stop', reason: 'cancelled' },
    ]);
    expect(progressOf(result)).toMatchObject({ reservedCents: 0, reservations: {} });
  });

  it('a stop after init refuses every later reservation; a chunk already granted still settles; the first reason stays', async () => {
    const result = await run(
      await initialised(),
      reserve('a'),
      stop('terminated'),
      reserve('b'),
      stop('failed', '2026-11-24T10:00:40.000Z'),
      settle('a', 700),
    );
    expect(answers(result).filter(Boolean)).toEqual([
      { kind: 'granted', cents: 1_000 },
      { kind: 'stop', reason: 'terminated' },
    ]);
    expect(progressOf(result)).toMatchObject({
      stop: { reason: 'terminated', at: '2026-11-24T10:00:30.000Z' },
      processed: 100,
      actualCents: 700,
      reservedCents: 0,
    });
  });

  it('a stop with a message answers every later reservation with it, so that each lane it stops can say why', async () => {
    const failed = {
      name: 'stop',
      input: { reason: 'failed', message: 'chunk entry 4 failed every attempt', at: 'T' },
    };
    const result = await run(await initialised(), failed, reserve('a'), reserve('b'));
    const answer = { kind: 'stop', reason: 'failed', message: 'chunk entry 4 failed every attempt' };
    expect(answers(result)).toEqual([undefined, answer, answer]);
  });

  it('reopen (a redrive) clears the stop and the reservations of lanes that are gone, and takes a new budget', async () => {
    // A cancelled run whose lane b still held its 800-cent reservation when the run ended.
    const stopped = await run(await initialised(), reserve('a'), settle('a', 900), reserve('b'), stop('cancelled'));
    expect(answers(stopped)[2]).toEqual({ kind: 'granted', cents: 800 });
    const before = progressOf(stopped);
    expect(before).toMatchObject({ reservedCents: 800, stop: { reason: 'cancelled' } });

    const result = await run(
      before,
      op('reopen', { budgetCents: 3_000, at: '2026-11-25T09:00:00.000Z' }),
      settle('b', 5), // the old lane's reservation went with it: nothing counted twice
      reserve('redrive-1:0:0'), // 3,000 - 900 spent: a whole chunk fits
    );
    expect(answers(result)[2]).toEqual({ kind: 'granted', cents: 1_000 });
    const { stop: _cleared, ...open } = before;
    expect(progressOf(result)).toEqual({
      ...open,
      budgetCents: 3_000,
      reservations: { 'redrive-1:0:0': 1_000 },
      reservedCents: 1_000,
      lastUpdate: '2026-11-25T09:00:00.000Z',
    });

    // Without a new budget, the old one stays.
    const same = await run(before, op('reopen', { at: '2026-11-25T09:00:00.000Z' }));
    expect(progressOf(same).budgetCents).toBe(1_700);
  });

  it('get answers the progress; reserve before init and unknown operations fail without touching the state', async () => {
    const before = await run(undefined, op('get'), reserve('a'));
    expect(answers(before)[0]).toBeNull();
    expect(before.results[1]?.isError).toBe(true);
    expect(stateOf(before)).toBeNull();

    const progress = await initialised();
    const result = await run(progress, op('get'), op('reset'));
    expect(answers(result)[0]).toEqual(progress);
    expect(result.results[1]?.isError).toBe(true);
    expect(stateOf(result)).toEqual(progress);
  });
});
