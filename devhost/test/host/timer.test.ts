import { describe, expect, it } from 'vitest';
import { nextOccurrence, parseSchedule, resolveScheduleSetting, timerPayload } from '../../src/timer-triggers.ts';

const at = (iso: string): Date => new Date(iso);
const next = (schedule: string, after: string): string => nextOccurrence(schedule, at(after)).toISOString();

describe('nextOccurrence (NCRONTAB, UTC)', () => {
  it('every five minutes', () => {
    expect(next('0 */5 * * * *', '2024-03-10T10:02:30Z')).toBe('2024-03-10T10:05:00.000Z');
    expect(next('0 */5 * * * *', '2024-03-10T10:05:00Z')).toBe('2024-03-10T10:10:00.000Z');
  });

  it('every second and specific seconds', () => {
    expect(next('* * * * * *', '2024-01-01T00:00:00.400Z')).toBe('2024-01-01T00:00:01.000Z');
    expect(next('15,45 * * * * *', '2024-01-01T00:00:20Z')).toBe('2024-01-01T00:00:45.000Z');
  });

  it('daily at 09:30 rolls over to the next day and month/year', () => {
    expect(next('0 30 9 * * *', '2024-01-31T10:00:00Z')).toBe('2024-02-01T09:30:00.000Z');
    expect(next('0 30 9 * * *', '2024-12-31T09:30:00Z')).toBe('2025-01-01T09:30:00.000Z');
  });

  it('weekday names and ranges (Mon-Fri at 09:00)', () => {
    // 2024-03-09 is a Saturday -> next Monday 2024-03-11
    expect(next('0 0 9 * * Mon-Fri', '2024-03-09T12:00:00Z')).toBe('2024-03-11T09:00:00.000Z');
    expect(next('0 0 9 * * 1-5', '2024-03-11T08:00:00Z')).toBe('2024-03-11T09:00:00.000Z');
    // Sunday as 0 and as 7
    expect(next('0 0 0 * * sun', '2024-03-11T00:00:00Z')).toBe('2024-03-17T00:00:00.000Z');
    expect(next('0 0 0 * * 7', '2024-03-11T00:00:00Z')).toBe('2024-03-17T00:00:00.000Z');
  });

  it('month names, lists and day of month', () => {
    expect(next('0 0 0 1 jan,jul *', '2024-02-15T00:00:00Z')).toBe('2024-07-01T00:00:00.000Z');
    expect(next('0 0 12 15 Mar *', '2024-03-15T12:00:00Z')).toBe('2025-03-15T12:00:00.000Z');
    // Feb 29 only in leap years
    expect(next('0 0 0 29 feb *', '2024-03-01T00:00:00Z')).toBe('2028-02-29T00:00:00.000Z');
  });

  it('range steps and start/step', () => {
    expect(next('0 0 8-18/4 * * *', '2024-05-01T09:00:00Z')).toBe('2024-05-01T12:00:00.000Z');
    expect(next('0 5/20 * * * *', '2024-05-01T09:26:00Z')).toBe('2024-05-01T09:45:00.000Z');
  });

  it('requires both day-of-month and day-of-week to match (NCrontab semantics)', () => {
    // Friday the 13th: 2024-09-13 is the first after 2024-01-01 (2023-10-13 was before).
    expect(next('0 0 0 13 * fri', '2024-01-01T00:00:00Z')).toBe('2024-09-13T00:00:00.000Z');
  });

  it('resolves %Setting% schedules and reports unset settings', () => {
    const env = { MY_SCHEDULE: '0 0 * * * *' };
    expect(resolveScheduleSetting('%MY_SCHEDULE%', env)).toBe('0 0 * * * *');
    expect(parseSchedule('%MY_SCHEDULE%', env).expression).toBe('0 0 * * * *');
    expect(() => parseSchedule('%MISSING_SETTING%', {})).toThrow(/MISSING_SETTING.*not set/);
  });

  it('supports TimeSpan schedules', () => {
    expect(next('00:05:00', '2024-01-01T00:00:00Z')).toBe('2024-01-01T00:05:00.000Z');
    expect(next('1.00:00:00', '2024-01-01T00:00:00Z')).toBe('2024-01-02T00:00:00.000Z');
  });

  it('rejects malformed expressions clearly', () => {
    expect(() => parseSchedule('0 0 * * *x')).toThrow(/NCRONTAB|timer schedule/i);
    expect(() => parseSchedule('61 * * * * *')).toThrow(/outside 0-59/);
    expect(() => parseSchedule('* * *')).toThrow(/6 NCRONTAB fields/);
  });

  it('builds the host timer payload', () => {
    const data = timerPayload({ last: at('2024-01-01T00:00:00Z'), next: at('2024-01-01T00:05:00Z'), isPastDue: true });
    const parsed = JSON.parse(data.json ?? '{}') as Record<string, unknown>;
    expect(parsed).toMatchObject({
      Schedule: { AdjustForDST: true },
      ScheduleStatus: { Last: '2024-01-01T00:00:00.000Z', Next: '2024-01-01T00:05:00.000Z' },
      IsPastDue: true,
    });
  });
});
