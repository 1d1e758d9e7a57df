// Ctrl-C while `analyze` follows a job (issue 11.8): the job runs on the server and keeps buying whatever
// the CLI does, so exiting silently would leave it spending unseen. The first Ctrl-C stops following and
// asks whether to cancel the job; the answer (or a second Ctrl-C, or no terminal to answer from) is
// followed by how to look at or cancel the job later. The process then exits 130, as after SIGINT.
import { createInterface } from 'node:readline/promises';
import type { JobView } from '../src/api/answers.ts';
import { isFinal } from '../src/domain/job-status.ts';
import type { ApiClient } from './api-client.ts';

/** Exit code after an interrupt: 128 + SIGINT, what shells report for Ctrl-C. */
export const INTERRUPTED_EXIT_CODE = 130;

export interface Terminal {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

/** Ctrl-C from the moment it is created: the first SIGINT aborts `signal` (and no longer ends the process). */
export interface InterruptWatch {
  signal: AbortSignal;
  /** Stops watching: a later SIGINT ends the process again. */
  stop(): void;
}

/**
 * Starts watching for Ctrl-C. Start it before the job is submitted: a Ctrl-C between the job's id on screen and
 * the start of following it must not end the process with the job unseen.
 */
export function watchInterrupt(): InterruptWatch {
  const controller = new AbortController();
  const onSigint = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSigint);
  return { signal: controller.signal, stop: () => process.off('SIGINT', onSigint) };
}

/**
 * Runs `follow` with the watch's signal, then stops the watch. Resolves with what `follow` returns, or
 * `interrupted` when SIGINT arrived first, before `follow` or during it (what `follow` then throws is the abort
 * and is dropped).
 */
export async function untilInterrupted<T>(
  watch: InterruptWatch,
  follow: (signal: AbortSignal) => Promise<T>,
): Promise<{ interrupted: false; value: T } | { interrupted: true }> {
  try {
    return { interrupted: false, value: await follow(watch.signal) };
  } catch (error) {
    if (watch.signal.aborted) return { interrupted: true };
    throw error;
  } finally {
    watch.stop();
  }
}

/**
 * Asks `question` on `terminal`; true only for an answer that starts with y. No answer (the input ends, a
 * second Ctrl-C) is no: cancelling is never done by default.
 */
export async function confirm(question: string, terminal: Terminal): Promise<boolean> {
  const rl = createInterface({ input: terminal.input, output: terminal.output, terminal: false });
  const controller = new AbortController();
  const abort = () => controller.abort();
  rl.once('close', abort);
  rl.once('SIGINT', abort);
  process.once('SIGINT', abort);
  try {
    const answer = await rl.question(question, { signal: controller.signal });
    return /^\s*y/i.test(answer);
  } catch {
    terminal.output.write('\n');
    return false;
  } finally {
    process.off('SIGINT', abort);
    rl.close();
  }
}

/**
 * After a Ctrl-C: says where the job stands, offers to cancel it, and says how to follow or cancel it
 * later. Returns the exit code (130). Errors from the API (the server went away meanwhile) are thrown.
 */
export async function offerToCancel(api: ApiClient, jobId: string, terminal: Terminal): Promise<number> {
  const say = (line: string) => terminal.output.write(`${line}\n`);
  const job: JobView = await api.job(jobId);
  const live = !isFinal(job.status);
  say(
    `\nStopped following job ${jobId}: ${job.status}, ${job.progress.processed}/${job.progress.total} properties, $${job.cost.actual.toFixed(2)} spent so far.${live ? ' It keeps running on the server until it is cancelled.' : ''}`,
  );
  const status = `  its status: portfolio-analytics status ${jobId}`;
  const cancelIt = `  cancel it:  portfolio-analytics cancel ${jobId}`;
  const report = `  its report: portfolio-analytics results ${jobId} (once it has finished)`;
  if (!live) {
    say(report);
    return INTERRUPTED_EXIT_CODE;
  }
  const cancel = await confirm(
    'Cancel the job? Running chunks stop buying; a partial report is written. [y/N] ',
    terminal,
  );
  if (cancel) {
    say((await api.cancel(jobId)).message);
    [status, report].forEach(say);
  } else {
    say(`Job ${jobId} was not cancelled. Later:`);
    [status, cancelIt, report].forEach(say);
  }
  return INTERRUPTED_EXIT_CODE;
}
