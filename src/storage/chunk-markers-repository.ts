// Per-chunk markers (DESIGN §2.4): tell a chunk's first attempt (create succeeds) from a retry (409), so a
// first attempt skips the stored-results lookup. Partition key /jobId, id `chunk-<n>`: point operations only.
import type { Container } from '@azure/cosmos';
import { z } from 'zod';
import { parseStored } from './cosmos.ts';
import { statusOf } from './errors.ts';

export const chunkMarkerSchema = z.object({
  id: z.string(),
  jobId: z.string(),
  chunkIndex: z.number().int().nonnegative(),
  /** 1 on the first attempt; counted up by later attempts (best effort, for diagnostics). */
  attempt: z.number().int().positive(),
  startedAt: z.string(),
  completedAt: z.string().optional(),
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

  /** True when this is the chunk's first attempt (the marker was created); false on a retry (it existed). */
  async markStarted(jobId: string, chunkIndex: number): Promise<boolean> {
    const marker: ChunkMarker = {
      id: chunkMarkerId(chunkIndex),
      jobId,
      chunkIndex,
      attempt: 1,
      startedAt: this.#now().toISOString(),
    };
    try {
      await this.#container.items.create(marker);
      return true;
    } catch (error) {
      if (statusOf(error) !== 409) throw error;
    }
    // A retry: count the attempt (a lost race only under-counts, which is harmless).
    const existing = await this.get(jobId, chunkIndex);
    if (existing) {
      await this.#container.items
        .upsert({ ...existing, attempt: existing.attempt + 1, startedAt: this.#now().toISOString() })
        .catch(() => undefined);
    }
    return false;
  }

  async markCompleted(jobId: string, chunkIndex: number): Promise<void> {
    const existing = await this.get(jobId, chunkIndex);
    const now = this.#now().toISOString();
    const marker: ChunkMarker = existing
      ? { ...existing, completedAt: now }
      : { id: chunkMarkerId(chunkIndex), jobId, chunkIndex, attempt: 1, startedAt: now, completedAt: now };
    await this.#container.items.upsert(marker);
  }

  async get(jobId: string, chunkIndex: number): Promise<ChunkMarker | undefined> {
    const id = chunkMarkerId(chunkIndex);
    const { resource, statusCode } = await this.#container.item(id, jobId).read<Record<string, unknown>>();
    return statusCode === 404 || !resource
      ? undefined
      : parseStored(chunkMarkerSchema, resource, `chunkMarkers/${jobId}/${id}`);
  }
}
