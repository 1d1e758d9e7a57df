// How a run ends (src/domain/run-end.ts): the stops as they always ended a job, the failure limit, and the rule that a
// run which ends with properties still without a result and no stop of its own never reads completed: it keeps the
// status that left them, and says how many are left and what analyses them.
import { describe, expect, it } from 'vitest';
import { endWithLeft, runEnd, type RunOutcome } from '../../../src/domain/run-end.ts';

const outcome = (fields: Partial<RunOutcome>): RunOutcome => ({
  total: 300,
  processed: 300,
  failed: 0,
  maxFailureRate: 0.2,
  ...fields,
});

describe('runEnd', () => {
  it('ends completed when every property has a result and failures stay within the limit', () => {
    expect(runEnd(outcome({ failed: 60 }))).toEqual({ status: 'completed' });
  });

  it('ends failed above the failure limit, saying the share', () => {
    expect(runEnd(outcome({ failed: 61 }))).toEqual({
      status: 'failed',
      error: '61 of 300 properties failed (20.3%), above the limit of 20.0%',
    });
  });

  it("ends as its stop says: cancelled (or terminated), failed with the failing chunk's message, budget_exceeded", () => {
    const terminated = runEnd(outcome({ processed: 100, stop: { reason: 'terminated' } }));
    expect(terminated.status).toBe('cancelled');
    expect(terminated.statusReason).toMatch(/terminated/);
    expect(runEnd(outcome({ processed: 100, stop: { reason: 'failed', message: 'chunk 3: blob gone' } }))).toEqual({
      status: 'failed',
      error: 'chunk 3: blob gone',
    });
    expect(runEnd(outcome({ processed: 100, stop: { reason: 'budget_exceeded' } }))).toEqual({
      status: 'budget_exceeded',
      statusReason: 'The budget could not cover one more property at its worst case.',
    });
  });

  it('keeps the status that left properties when a run without a stop ends with them still left', () => {
    // A redrive with include "failed" of a job the budget left short: its failed properties fixed, 205 still left.
    expect(runEnd(outcome({ processed: 95, previous: 'budget_exceeded' }))).toEqual({
      status: 'budget_exceeded',
      statusReason:
        '205 of 300 properties are still without a result (the budget left them); a redrive with include "failed" analyses failed properties only: redrive with include "failed-and-left" and a budget that covers them to analyse them.',
    });
    expect(runEnd(outcome({ processed: 299, previous: 'cancelled' }))).toEqual({
      status: 'cancelled',
      statusReason:
        '1 of 300 properties is still without a result (the cancel left them); a redrive with include "failed" analyses failed properties only: redrive with include "failed-and-left" to analyse them.',
    });
    // A job whose run failed before reaching its properties ends failed again, the count and the fix as its error.
    expect(runEnd(outcome({ total: 20, processed: 0, previous: 'failed' }))).toEqual({
      status: 'failed',
      error:
        '20 of 20 properties are still without a result (the run that failed left them); a redrive with include "failed" analyses failed properties only: redrive with include "failed-and-left" to analyse them.',
    });
  });

  it('never ends completed with properties left, even when nothing says what left them', () => {
    for (const previous of ['completed', undefined] as const) {
      const end = runEnd(outcome({ processed: 250, previous }));
      expect(end.status).toBe('failed');
      expect(end.error).toMatch(/^50 of 300 properties are still without a result \(no run reached them\)/);
    }
  });

  it('leaves a budget stop that left nothing (it stopped a redrive of failed properties) to the failure limit', () => {
    expect(runEnd(outcome({ failed: 10, stop: { reason: 'budget_exceeded' } }))).toEqual({
      status: 'completed',
      statusReason: 'The budget could not cover one more property at its worst case.',
    });
  });
});

describe('endWithLeft', () => {
  it('names the status that left properties, why, and the fix', () => {
    expect(endWithLeft('budget_exceeded')).toEqual({
      status: 'budget_exceeded',
      why: 'the budget left them',
      fix: 'redrive with include "failed-and-left" and a budget that covers them to analyse them',
    });
    expect(endWithLeft('completed')).toMatchObject({ status: 'failed', why: 'no run reached them' });
  });
});
