// Storage calls that must not fail for a passing cause (DESIGN §3, issue 12): the record of a paid answer,
// a chunk's results and its marker are retried with exponential backoff on transient errors before the
// caller sees a failure. The Cosmos SDK already retries throttling (429) on its own; this covers dropped
// connections and server errors, which it leaves to the caller for writes.
import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import { isTransientStorageError } from './errors.ts';

/** 5 attempts, 100 ms doubling to at most 3 s (about 6 s in all): long enough for a restart of a connection pool. */
const storagePolicy = retry(handleWhen(isTransientStorageError), {
  maxAttempts: 4,
  backoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 3_000 }),
});

/** Runs `operation`, again after a backoff while it fails with a transient storage error; rethrows the last error. */
export function withStorageRetry<T>(operation: () => Promise<T>): Promise<T> {
  return storagePolicy.execute(() => operation());
}
