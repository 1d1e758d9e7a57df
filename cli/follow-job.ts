// Follows a job to its end with a live progress bar: processed, failed, rate, ETA and cost so far. An abort
// (Ctrl-C, see interrupt.ts) ends the wait at once; the job itself is untouched.
import { setTimeout as sleep } from 'node:timers/promises';
import { SingleBar, Presets } from 'cli-progress';
import type { JobView } from '../src/api/answers.ts';
import { isFinal } from '../src/domain/job-status.ts';
import type { ApiClient } from './api-client.ts';

export interface FollowOptions {
  pollIntervalMs?: number;
  /** Draw the bar (off when stdout is not a terminal and in tests). */
  showProgress?: boolean;
  signal?: AbortSignal;
}

/** The job once it has finished. Throws an AbortError when `signal` aborts first, and what the client throws. */
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
  try {
    let job = await client.job(jobId);
    bar?.start(job.progress.total, 0, { failed: 0, rate: '0', etaText: '-', cost: '0.00' });
    while (!isFinal(job.status)) {
      await sleep(interval, undefined, signal && { signal });
      job = await client.job(jobId);
      signal?.throwIfAborted();
      const seconds = (Date.now() - started) / 1000;
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
