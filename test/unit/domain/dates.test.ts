import { describe, expect, it } from 'vitest';
import { addMonths, daysBetween, isWithinMonths } from '../../../src/domain/dates.ts';

describe('calendar months', () => {
  it('adds months, clamping to the end of shorter months', () => {
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2023-01-31', 1)).toBe('2023-02-28');
    expect(addMonths('2023-11-15', 3)).toBe('2024-02-15');
    expect(addMonths('2024-03-31', -1)).toBe('2024-02-29');
  });

  it('counts the last day of the window as within it', () => {
    expect(isWithinMonths('2023-06-10', '2024-06-10', 12)).toBe(true);
    expect(isWithinMonths('2023-06-10', '2024-06-11', 12)).toBe(false);
    expect(isWithinMonths('2023-06-10', '2023-06-09', 12)).toBe(false);
  });

  it('counts days across a leap day', () => {
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    expect(daysBetween('2024-03-01', '2024-02-28T12:00:00Z')).toBe(-2);
  });
});
