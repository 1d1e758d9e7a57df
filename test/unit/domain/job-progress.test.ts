import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  estimatedSecondsRemaining,
  initialProgress,
  reopen,
  reserve,
  settle,
  stopJob,
  type JobProgress,
  type Settlement,
} from '../../../src/domain/job-progress.ts';

// 300 properties, 3 chunks of 100 at 10 cents each at worst (1,000 cents a chunk), budget 1,700 cents.
const start = initialProgress({
  jobId: 'j',
  total: 300,
  chunkCount: 3,
  estimatedCents: 3000,
  budgetCents: 1700,
  startTime: '2026-11-24T10:00:00.000Z',
});
const chunkOf = (key: string, cents = 1000) => ({ key, cents, minCents: 10 });
const done = (key: string, cents: number, at = '2026-11-24T10:00:10.000Z'): Settlement => ({
  key,
  processed: 100,
  failed: 2,
  cached: 5,
  cents,
  unconfirmedCents: 0,
  at,
});

describe('reserve', () => {
  it('grants what fits beside what is spent and reserved', () => {
    const a = reserve(start, chunkOf('a'));
    expect(a.answer).toEqual({ kind: 'granted', cents: 1000 });
    expect(a.state).toMatchObject({ reservedCents: 1000, reservations: { a: 1000 } });
  });

  it('asks to wait while in-flight reservations hold the budget that would let the chunk run', () => {
    const s = reserve(start, chunkOf('a')).state;
    expect(reserve(s, chunkOf('b')).answer).toEqual({ kind: 'wait' });
  });

  it('after a settle releases the unspent part, grants the waiting chunk', () => {
    let s = reserve(start, chunkOf('a')).state;
    s = settle(s, done('a', 400)); // 1,300 left: a whole chunk fits
    expect(s).toMatchObject({ reservedCents: 0, actualCents: 400, processed: 100, failed: 2, cached: 5 });
    expect(reserve(s, chunkOf('b')).answer).toEqual({ kind: 'granted', cents: 1000 });
  });

  it('grants the rest of the budget when nothing is in flight and one property still fits', () => {
    let s = reserve(start, chunkOf('a')).state;
    s = settle(s, done('a', 900)); // 800 left: less than a chunk, more than a property
    expect(reserve(s, chunkOf('b')).answer).toEqual({ kind: 'granted', cents: 800 });
  });

  it('stops only when not even one property fits, whatever is in flight', () => {
    let s = reserve(start, chunkOf('a')).state;
    s = settle(s, done('a', 1695)); // 5 cents left, a property costs 10 at worst
    expect(reserve(s, chunkOf('b')).answer).toEqual({ kind: 'stop', reason: 'budget_exceeded' });
  });

  it('counts unconfirmed calls against the budget', () => {
    let s = reserve(start, chunkOf('a')).state;
    s = settle(s, { ...done('a', 700), unconfirmedCents: 995 }); // 700 + 995 of 1,700
    expect(s.unconfirmedCents).toBe(995);
    expect(reserve(s, chunkOf('b')).answer).toEqual({ kind: 'stop', reason: 'budget_exceeded' });
  });

  it('answers a repeated request with the same grant, and stops everything after a stop', () => {
    const s = reserve(start, chunkOf('a')).state;
    expect(reserve(s, chunkOf('a'))).toEqual({ state: s, answer: { kind: 'granted', cents: 1000 } });
    const stopped = stopJob(s, { reason: 'cancelled', at: '2026-11-24T10:00:01.000Z' });
    expect(reserve(stopped, chunkOf('b')).answer).toEqual({ kind: 'stop', reason: 'cancelled' });
    expect(stopJob(stopped, { reason: 'terminated', at: 'later' }).stop?.reason).toBe('cancelled');
  });

  it("tells every lane a failure stop's message, so whichever lane reports the stop says why", () => {
    const failed = stopJob(start, { reason: 'failed', message: 'chunk entry 3 failed every attempt: gone', at: 't' });
    expect(reserve(failed, chunkOf('b')).answer).toEqual({
      kind: 'stop',
      reason: 'failed',
      message: 'chunk entry 3 failed every attempt: gone',
    });
  });

  it('has no budget limit without a budget', () => {
    const unlimited = initialProgress({ jobId: 'j', total: 1, chunkCount: 1, estimatedCents: 1, startTime: 't' });
    expect(reserve(unlimited, chunkOf('a', 10 ** 9)).answer).toEqual({ kind: 'granted', cents: 10 ** 9 });
  });

  it('never lets spent + reserved pass the budget, and spends nearly all of it, whatever chunks cost', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 10, max: 5_000 }),
        fc.array(fc.float({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 60 }),
        (budget, shares) => {
          let s: JobProgress = { ...start, budgetCents: budget };
          for (const [i, share] of shares.entries()) {
            const answer = reserve(s, chunkOf(`c${i}`));
            s = answer.state;
            if (answer.answer.kind !== 'granted') break;
            expect(s.actualCents + s.reservedCents).toBeLessThanOrEqual(budget);
            // A chunk spends up to its grant, in whole properties of 10 cents at worst.
            s = settle(s, done(`c${i}`, Math.floor((answer.answer.cents * share) / 10) * 10));
          }
          expect(s.actualCents).toBeLessThanOrEqual(budget);
        },
      ),
    );
  });
});

describe('settle', () => {
  it('counts a reservation once; a key never reserved or already settled changes nothing', () => {
    let s = reserve(start, chunkOf('a')).state;
    s = settle(s, done('a', 500));
    expect(settle(s, done('a', 500))).toBe(s);
    expect(settle(s, done('never', 500))).toBe(s);
    expect(s).toMatchObject({ processed: 100, actualCents: 500, reservedCents: 0 });
  });

  it('takes negative counts from a retry that fixed failures', () => {
    let s = reserve(start, chunkOf('a')).state;
    s = settle(s, done('a', 500));
    s = reserve(s, chunkOf('retry', 20)).state;
    s = settle(s, { key: 'retry', processed: 0, failed: -2, cached: 0, cents: 14, unconfirmedCents: 0, at: 't' });
    expect(s).toMatchObject({ processed: 100, failed: 0, actualCents: 514 });
  });
});

describe('reopen (a redrive)', () => {
  it("clears the stop and the dead lanes' reservations, keeps the counts, and takes a new budget", () => {
    let s = reserve(start, chunkOf('a')).state;
    s = settle(s, done('a', 500));
    s = reserve(s, chunkOf('b')).state;
    s = stopJob(s, { reason: 'failed', at: 't' });
    const opened = reopen(s, { budgetCents: 2500, at: 'later' });
    expect(opened).toMatchObject({
      processed: 100,
      actualCents: 500,
      reservedCents: 0,
      reservations: {},
      budgetCents: 2500,
    });
    expect(opened.stop).toBeUndefined();
    expect(reopen(s, { at: 'later' }).budgetCents).toBe(1700);
  });
});

describe('estimatedSecondsRemaining', () => {
  it('extrapolates the observed rate', () => {
    expect(estimatedSecondsRemaining(start)).toBeUndefined();
    const s = settle(reserve(start, chunkOf('a')).state, done('a', 1, '2026-11-24T10:00:20.000Z'));
    expect(estimatedSecondsRemaining(s)).toBe(40); // 100 in 20 s, 200 to go
  });
});
