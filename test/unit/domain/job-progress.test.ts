import { describe, expect, it } from 'vitest';
import {
  cancel,
  completeChunk,
  estimatedSecondsRemaining,
  initialProgress,
  reserve,
} from '../../../src/domain/job-progress.ts';

const start = initialProgress({
  jobId: 'j',
  total: 300,
  chunkCount: 3,
  estimatedCents: 2400,
  budgetCents: 1700,
  startTime: '2026-11-24T10:00:00.000Z',
});
const done = (chunkIndex: number, actualCents: number, at = '2026-11-24T10:00:10.000Z') => ({
  chunkIndex,
  processed: 100,
  failed: 2,
  cached: 5,
  actualCents,
  at,
});

describe('jobProgress reservations', () => {
  it('grants reservations within the budget and refuses the one that would pass it', () => {
    const a = reserve(start, { chunkIndex: 0, cents: 800 });
    expect(a.answer).toEqual({ granted: true });
    const b = reserve(a.state, { chunkIndex: 1, cents: 800 });
    expect(b.answer).toEqual({ granted: true });
    expect(b.state.reservedCents).toBe(1600);
    const c = reserve(b.state, { chunkIndex: 2, cents: 800 });
    expect(c.answer).toEqual({ granted: false, reason: 'budget_exceeded' });
    expect(c.state.stopReason).toBe('budget_exceeded');
  });

  it('releases the unspent part of a reservation when the chunk completes, so later chunks fit', () => {
    let s = reserve(start, { chunkIndex: 0, cents: 800 }).state;
    s = reserve(s, { chunkIndex: 1, cents: 800 }).state;
    s = completeChunk(s, done(0, 300));
    expect(s).toMatchObject({
      reservedCents: 800,
      actualCents: 300,
      processed: 100,
      failed: 2,
      cached: 5,
      chunksCompleted: 1,
    });
    expect(reserve(s, { chunkIndex: 2, cents: 600 }).answer.granted).toBe(true); // 300 + 800 + 600 = 1700
  });

  it('never spends past the budget: actual + reserved stays within it', () => {
    let s = start;
    for (let i = 0; i < 3; i++) {
      const r = reserve(s, { chunkIndex: i, cents: 800 });
      s = r.state;
      if (r.answer.granted) s = completeChunk(s, done(i, 800));
      expect(s.actualCents + s.reservedCents).toBeLessThanOrEqual(1700);
    }
    expect(s.actualCents).toBe(1600);
  });

  it('counts a repeated completion once, and re-reserving a chunk is harmless', () => {
    let s = reserve(start, { chunkIndex: 0, cents: 800 }).state;
    expect(reserve(s, { chunkIndex: 0, cents: 800 }).state.reservedCents).toBe(800);
    s = completeChunk(completeChunk(s, done(0, 500)), done(0, 500));
    expect(s).toMatchObject({ processed: 100, actualCents: 500, reservedCents: 0, chunksCompleted: 1 });
  });

  it('refuses every reservation after cancel', () => {
    const s = cancel(start);
    expect(reserve(s, { chunkIndex: 0, cents: 1 }).answer).toEqual({ granted: false, reason: 'cancelled' });
  });

  it('has no budget limit without a budget', () => {
    const unlimited = initialProgress({
      jobId: 'j',
      total: 1,
      chunkCount: 1,
      estimatedCents: 1,
      startTime: '2026-11-24T10:00:00.000Z',
    });
    expect(reserve(unlimited, { chunkIndex: 0, cents: 10 ** 9 }).answer.granted).toBe(true);
  });
});

describe('estimatedSecondsRemaining', () => {
  it('extrapolates the observed rate', () => {
    expect(estimatedSecondsRemaining(start)).toBeUndefined();
    const s = completeChunk(reserve(start, { chunkIndex: 0, cents: 1 }).state, done(0, 1, '2026-11-24T10:00:20.000Z'));
    expect(estimatedSecondsRemaining(s)).toBe(40); // 100 in 20 s, 200 to go
  });
});
