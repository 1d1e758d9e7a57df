// readTape: the first activity of a job whose tape was submitted by reference (`propertiesBlob`), run by its root
// after the 202. It writes the job's document (status reading) if the submission died before it could, then reads
// the tape — the version the request named, pinned by its ETag — through the same intake as a synchronous request,
// staging each accepted property as it is read. It answers the staged tape's counts and data-quality account, the
// refusal a synchronous read would have answered (field errors, bounded), or that the job was stopped meanwhile
// (DELETE, a terminated root: checked as properties are staged). A refused or stopped read deletes what it staged.
//
// Retries and crashes: the tape is staged under one folder per job (READ_STAGING_ID), emptied before each attempt,
// so an attempt run again after a host crash replaces the earlier attempt's chunks instead of adding a second set.
import type { DataQuality } from '../domain/data-quality.ts';
import type { StopReason } from '../domain/job-progress.ts';
import type { PropertySink } from '../domain/property-sink.ts';
import type { TapeRejection } from '../domain/tape-rejection.ts';
import type { JobDocument } from '../storage/jobs-repository.ts';
import type { ReadTapeInput, ReadTapeOutput } from '../workflow.ts';
import { readingDocumentFor } from './open-job.ts';

/** The staging folder of a tape read by its job: one per job (a job reads its tape once), so a retry reuses it. */
export const READ_STAGING_ID = 'read';

/** How reading the tape went (src/jobs/uploaded-tape.ts): its account, or its refusal. */
export type TapeOutcome =
  | { ok: true; dataQuality: DataQuality; sharedIdentities: ReadonlySet<string> }
  | (TapeRejection & { ok: false; dataQuality?: DataQuality | undefined; changed?: unknown });

/** Stages a tape's properties in chunks while it is read (src/jobs/chunk-stager.ts). */
export interface TapeStager extends PropertySink {
  /** Stages the last chunk and the shared identities; the counts staged. */
  finish(shared: ReadonlySet<string>): Promise<{ count: number; chunkCount: number }>;
  /** Deletes what was staged. */
  discard(): Promise<void>;
}

/** What readTape reads and writes; src/app.ts binds it to the uploads, the staging container and the jobs. */
export interface ReadTapePorts {
  /** Creates the job document; false when it exists. */
  createJob(job: JobDocument): Promise<boolean>;
  /** Deletes the staging folder `stagingId` of the job (what an earlier attempt staged). */
  discardStaging(jobId: string, stagingId: string): Promise<unknown>;
  /** A stager into the job's folder `stagingId`. */
  stager(jobId: string, stagingId: string): TapeStager;
  /** Opens the tape the input names, its version pinned, checks it and reads it into `sink`. */
  readTape(input: ReadTapeInput, sink: PropertySink): Promise<TapeOutcome>;
  /** The job's stop (its entity, its root terminated), read at most once an interval. */
  stopRequested(jobId: string): Promise<StopReason | undefined>;
  now(): Date;
}

/** Properties staged between two looks at the job's stop (the check answers from a cache within its interval). */
const STOP_CHECK_EVERY = 1_000;

/** Thrown by the sink to end a read the job's stop interrupted. */
class ReadStopped extends Error {
  readonly reason: StopReason;
  constructor(reason: StopReason) {
    super(`read stopped: ${reason}`);
    this.reason = reason;
  }
}

/** Reads, validates and stages the job's tape (see the module comment). Throws what its ports throw. */
export async function readTape(input: ReadTapeInput, ports: ReadTapePorts): Promise<ReadTapeOutput> {
  const { jobId } = input.job;
  await ports.createJob(readingDocumentFor(input.job, input.tape, ports.now()));
  await ports.discardStaging(jobId, READ_STAGING_ID);
  const stager = ports.stager(jobId, READ_STAGING_ID);
  let seen = 0;
  const sink: PropertySink = {
    async add(property) {
      if (++seen % STOP_CHECK_EVERY === 0) {
        const stop = await ports.stopRequested(jobId);
        if (stop) throw new ReadStopped(stop);
      }
      await stager.add(property);
    },
  };
  let outcome: TapeOutcome;
  try {
    outcome = await ports.readTape(input, sink);
  } catch (error) {
    await stager.discard().catch(() => undefined);
    if (error instanceof ReadStopped) return { kind: 'stopped', reason: error.reason };
    throw error;
  }
  // A stop that came while the last properties were read (or while no property was accepted) still wins.
  const stop = await ports.stopRequested(jobId);
  if (stop || !outcome.ok) {
    await stager.discard();
    if (stop) return { kind: 'stopped', reason: stop };
  }
  if (!outcome.ok)
    return {
      kind: 'rejected',
      rejection: { errors: outcome.errors, totalErrors: outcome.totalErrors },
      ...(outcome.dataQuality !== undefined && { dataQuality: outcome.dataQuality }),
      ...(outcome.changed !== undefined && { changed: true }),
    };
  const staged = await stager.finish(outcome.sharedIdentities);
  return { kind: 'read', stagingId: READ_STAGING_ID, ...staged, dataQuality: outcome.dataQuality };
}
