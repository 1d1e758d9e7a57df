// Per-chunk markers (DESIGN §2.4): one document per chunk of a job, the chunk's ledger across attempts and
// passes. An attempt records itself when it starts (`inFlight`, so the next attempt knows whether one died
// with calls in flight) and, when it finishes, the chunk's counts, cost and summary after it and what it
// changed (its settlement, so a repeated run of the same reservation answers the same). The report merges
// the chunks' summaries; a redrive or retry pass plans from their counts.
// Partition key /jobId, id `chunk-<n>`: point operations, and single-partition queries for a job's chunks.
import type { Container } from '@azure/cosmos';
import { z } from 'zod';
import { STOP_REASONS } from '../domain/job-progress.ts';
import { chunkCountsSchema, chunkDeltaSchema, type ChunkCounts } from '../domain/passes.ts';
import { chunkSummarySchema, type ChunkSummary } from '../domain/summary.ts';
import { parseStored } from './cosmos.ts';

export const chunkRunSchema = z.object({
  /** The reservation key the run spent under. */
  key: z.string(),
  at: z.string(),
  /** The chunk's counts after the run. */
  counts: chunkCountsSchema,
  /** Billed for the chunk's stored results after the run (every pass so far), in cents. */
  costCents: z.number().int().nonnegative(),
  /** What the run changed (what its lane settled with the job's entity). */
  delta: chunkDeltaSchema,
  /**
   * Cents that may have been billed without an answer recorded, over every run of the chunk so far (crashed
   * attempts' calls in flight, timed-out calls): the sum of the runs' delta.unconfirmedCents. Absent on markers
   * written before it was kept, which count their last run's (unconfirmedOf).
   */
  unconfirmedCents: z.number().int().nonnegative().optional(),
  /** Properties the run's cap left for the lane's next reservation. */
  deferred: z.number().int().nonnegative(),
  /** The job's stop, when the run saw it (properties not started were left). */
  stopped: z.enum(STOP_REASONS).optional(),
  /** The summary of the chunk's stored results after the run. */
  summary: chunkSummarySchema,
});
export type ChunkRun = z.infer<typeof chunkRunSchema>;

/** A finished run's unconfirmed cents over the chunk's runs so far (see chunkRunSchema), 0 for none. */
export function unconfirmedOf(
  run: { unconfirmedCents?: number | undefined; delta: Pick<ChunkRun['delta'], 'unconfirmedCents'> } | undefined,
): number {
  return run?.unconfirmedCents ?? run?.delta.unconfirmedCents ?? 0;
}

export const chunkMarkerSchema = z.object({
  id: z.string(),
  jobId: z.string(),
  chunkIndex: z.number().int().nonnegative(),
  /** Attempts so far, every pass together (diagnostics). */
  attempts: z.number().int().positive(),
  /** Key of the attempt running now; cleared when an attempt ends cleanly. Still set at the next attempt: one died. */
  inFlight: z.string().optional(),
  startedAt: z.string(),
  /** The last run that finished. */
  completed: chunkRunSchema.optional(),
});
export type ChunkMarker = z.infer<typeof chunkMarkerSchema>;

export interface ChunkMarkersRepositoryOptions {
  container: Container;
  now?: () => Date;
}

export const chunkMarkerId = (chunkIndex: number): string => `chunk-${chunkIndex}`;

export class ChunkMarkersRepository {
  readonly #container: Container;
  readonly #now: () => Date;

  constructor(options: ChunkMarkersRepositoryOptions) {
    this.#container = options.container;
    this.#now = options.now ?? (() => new Date());
  }

  /**
   * Records the start of an attempt under reservation `key` and returns the marker as it was before
   * (undefined on the chunk's very first attempt); records nothing when the last finished run had this key
   * (the run is answered again, not redone). One attempt of a chunk runs at a time (its lane waits for it),
   * so read-then-write is safe.
   */
  async begin(jobId: string, chunkIndex: number, key: string): Promise<ChunkMarker | undefined> {
    const before = await this.get(jobId, chunkIndex);
    if (before?.completed?.key === key) return before;
    const marker: ChunkMarker = {
      ...(before ?? { id: chunkMarkerId(chunkIndex), jobId, chunkIndex }),
      attempts: (before?.attempts ?? 0) + 1,
      inFlight: key,
      startedAt: this.#now().toISOString(),
    };
    await this.#container.items.upsert(marker);
    return before;
  }

  /** Records a finished run: the chunk's state after it, no attempt in flight. */
  async finish(jobId: string, chunkIndex: number, run: ChunkRun): Promise<void> {
    const current = await this.get(jobId, chunkIndex);
    const { inFlight: _done, ...rest } = current ?? {
      id: chunkMarkerId(chunkIndex),
      jobId,
      chunkIndex,
      attempts: 1,
      startedAt: run.at,
    };
    await this.#container.items.upsert({ ...rest, completed: run } satisfies ChunkMarker);
  }

  /** Clears `inFlight` after an attempt that failed cleanly (every answer it bought is recorded). */
  async release(jobId: string, chunkIndex: number): Promise<void> {
    const current = await this.get(jobId, chunkIndex);
    if (!current?.inFlight) return;
    const { inFlight: _done, ...rest } = current;
    await this.#container.items.upsert(rest satisfies ChunkMarker);
  }

  async get(jobId: string, chunkIndex: number): Promise<ChunkMarker | undefined> {
    const id = chunkMarkerId(chunkIndex);
    const { resource, statusCode } = await this.#container.item(id, jobId).read<Record<string, unknown>>();
    return statusCode === 404 || !resource
      ? undefined
      : parseStored(chunkMarkerSchema, resource, `chunkMarkers/${jobId}/${id}`);
  }

  /**
   * Every chunk of the job that has a marker, with its counts after its last finished run (undefined: none finished).
   */
  async counts(jobId: string): Promise<Array<{ chunkIndex: number; counts?: ChunkCounts; costCents?: number }>> {
    const { resources } = await this.#container.items
      .query<{ chunkIndex: number; counts?: ChunkCounts; costCents?: number }>(
        {
          query:
            'SELECT c.chunkIndex, c.completed.counts AS counts, c.completed.costCents AS costCents FROM c WHERE c.jobId = @jobId',
          parameters: [{ name: '@jobId', value: jobId }],
        },
        { partitionKey: jobId },
      )
      .fetchAll();
    return resources.map((r) => ({
      chunkIndex: r.chunkIndex,
      ...(r.counts && { counts: r.counts }),
      ...(r.costCents !== undefined && { costCents: r.costCents }),
    }));
  }

  /**
   * Cents that may have been billed without an answer recorded, over every finished run of the job's chunks (the
   * report's cost.unconfirmed; the jobProgress entity counts the same runs as they settle).
   */
  async unconfirmedCents(jobId: string): Promise<number> {
    const { resources } = await this.#container.items
      .query<{ unconfirmedCents?: number; delta?: { unconfirmedCents: number } }>(
        {
          query:
            'SELECT c.completed.unconfirmedCents AS unconfirmedCents, c.completed.delta AS delta FROM c WHERE c.jobId = @jobId AND IS_DEFINED(c.completed)',
          parameters: [{ name: '@jobId', value: jobId }],
        },
        { partitionKey: jobId },
      )
      .fetchAll();
    return resources.reduce((sum, r) => sum + (r.delta ? unconfirmedOf({ ...r, delta: r.delta }) : 0), 0);
  }

  /** The summaries of the job's finished chunks, a page at a time (so a 10,000-chunk job is never held whole). */
  async *summaries(jobId: string): AsyncGenerator<ChunkSummary> {
    const query = this.#container.items.query<{ summary: unknown }>(
      {
        query: 'SELECT c.completed.summary FROM c WHERE c.jobId = @jobId AND IS_DEFINED(c.completed)',
        parameters: [{ name: '@jobId', value: jobId }],
      },
      { partitionKey: jobId, maxItemCount: 200 },
    );
    while (query.hasMoreResults()) {
      const { resources } = await query.fetchNext();
      for (const r of resources) yield parseStored(chunkSummarySchema, r.summary, `chunkMarkers/${jobId} summary`);
    }
  }
}
