import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../../src/providers/errors.ts';
import { errorForStatus, parseRetryAfter } from '../../../src/providers/http-errors.ts';

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('0.5', now)).toBe(500);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:03 GMT', now)).toBe(3000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});

describe('errorForStatus', () => {
  const error = (status: number, headers: Record<string, string> = {}) =>
    errorForStatus({ provider: 'p', status, headers: new Headers(headers) });

  it('classifies statuses', () => {
    expect(error(404).kind).toBe('no_value');
    expect(error(429).kind).toBe('rate_limited');
    expect(error(503).kind).toBe('unavailable');
    expect(error(401).kind).toBe('rejected');
    expect(error(400).kind).toBe('rejected');
  });

  it('keeps Retry-After on 429 and marks only transient kinds retryable', () => {
    const limited = error(429, { 'retry-after': '3' });
    expect(limited).toBeInstanceOf(ProviderError);
    expect(limited.retryAfterMs).toBe(3000);
    expect(limited.retryable).toBe(true);
    expect(error(404).retryable).toBe(false);
    expect(error(401).retryable).toBe(false);
  });
});
