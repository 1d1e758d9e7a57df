// The CLI's one retry rule for our own API: an answer that says "try again shortly" (a 503 while a service the
// app depends on is down for a moment, a 429) is tried again after its Retry-After, for up to about a minute;
// every other answer, and a server that cannot be reached, ends the command at once. Only calls that are safe
// to repeat go through it: reads, and a submission that carries an Idempotency-Key (the same key names the
// same job, so a submission the server did take is not started twice).
import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import { RetryAfterBackoff } from '../src/providers/retry-after-backoff.ts';
import { ApiError } from './api-client.ts';

/** Statuses that say "try again shortly" (RFC 9110 §15.6.4, RFC 6585 §4). */
const TRY_AGAIN = new Set([429, 503]);

/** 8 attempts, 1 s doubling to at most 15 s (at least each Retry-After): about a minute in all. */
export const tryAgain = retry(
  handleWhen((error) => error instanceof ApiError && TRY_AGAIN.has(error.status)),
  {
    maxAttempts: 8,
    backoff: new RetryAfterBackoff(new ExponentialBackoff({ initialDelay: 1_000, maxDelay: 15_000 })),
  },
);
