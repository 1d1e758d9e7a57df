// Follows a job to its end with a live progress bar: processed, failed, rate, ETA and cost so far. An abort
// (Ctrl-C, see interrupt.ts) ends the wait at once; the job itself is untouched. A read the server answers
// 503 (a service it depends on is down for a moment) or 429 is tried again after its Retry-After, for up to
// about a minute: a job that runs for an hour should not lose its follower to one slow storage call.
import { setTimeout as sleep } from 'node:timers/promises';
import { SingleBar, Presets } from 'cli-progress';
import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import type { JobView } from '../src/api/answers.ts';
import { isFinal } from '../src/domain/job-status.ts';
import { RetryAfterBackoff } from '../src/providers/retry-after-backoff.ts';
import { ApiError, type ApiClient } from './api-client.ts';

/** Statuses that say "try again shortly" (RFC 9110 §15.6.4, RFC 6585 §4). */
const TRY_AGAIN = new Set([429, 503]);

/** Reads of a job: 8 retries, 1 s doubling to at most 15 s (at least each Retry-After): about a minute. */
const reads = retry(
  handleWhen((error) => error instanceof ApiError && TRY_AGAIN.has(error.status)),
  {
    maxAttempts: 8,
    backoff: new RetryAfterBackoff(new ExponentialBackoff({ initialDelay: 1_000, maxDelay: 15_000 })),
  },
);

export interface FollowOptions {
  pollIntervalMs?: number;
  /** Draw the bar (off when stdout is not a terminal and in tests). */
  showProgress?: boolean;
  signal?: AbortSignal;
}

/**
 * The job once it has finished. Throws an AbortError when `signal` aborts first, and what the client throws
 * (a 429 or 503 only once it has persisted through the retries).
 */
export async function followJob(client: ApiClient, jobId: string, options: FollowOptions = {}): Promise<JobView> {
  const interval = options.pollIntervalMs ?? 500;
  const { signal } = options;
  const bar = options.showProgress
    ? new SingleBar(
        {
          format:
            ' {bar} {percentage}% | {value}/{total} properties | failed {failed} | {rate}/s | ETA {etaText} | cost ${cost}',
          hideCursor: true,
          barsize: 30,
        },
        Presets.shades_classic,
      )
    : undefined;
  const started = Date.now();
  const read = () => reads.execute(() => client.job(jobId), signal);
  try {
    let job = await read();
    bar?.start(job.progress.total, 0, { failed: 0, rate: '0', etaText: '-', cost: '0.00' });
    while (!isFinal(job.status)) {
      await sleep(interval, undefined, signal && { signal });
      job = await read();
      signal?.throwIfAborted();
      const seconds = (Date.now() - started) / 1000;
      // A tape by reference has no count while it is read (reading): the bar gets it when the read ends.
      if (bar && bar.getTotal() !== job.progress.total) bar.setTotal(job.progress.total);
      bar?.update(job.progress.processed, {
        failed: job.progress.failed,
        rate: seconds > 0 ? (job.progress.processed / seconds).toFixed(0) : '0',
        etaText: job.estimatedTimeRemaining !== undefined ? `${job.estimatedTimeRemaining}s` : '-',
        cost: job.cost.actual.toFixed(2),
      });
    }
    bar?.update(job.progress.processed, {
      failed: job.progress.failed,
      etaText: '0s',
      cost: job.cost.actual.toFixed(2),
    });
    return job;
  } finally {
    bar?.stop();
  }
}
