// Follows a job to its end with a live progress bar: processed, failed, rate, ETA and cost so far. An abort
// (Ctrl-C, see interrupt.ts) ends the wait at once; the job itself is untouched. A read the server answers
// 503 or 429 is tried again (try-again.ts): a job that runs for an hour should not lose its follower to one
// slow storage call.
import { setTimeout as sleep } from 'node:timers/promises';
import { SingleBar, Presets } from 'cli-progress';
import type { JobView } from '../src/api/answers.ts';
import { isFinal } from '../src/domain/job-status.ts';
import type { ApiClient } from './api-client.ts';
import { tryAgain } from './try-again.ts';

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
  const read = () => tryAgain.execute(() => client.job(jobId), signal);
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
