// planPass: which chunks a later pass works on (the end-of-job retry pass, a redrive), from the counts each
// chunk's marker keeps. Stores the list as a plan blob, so neither the list nor its length ever enters an
// orchestration's history beyond one number; the lanes' chunk activities read their entries from it.
import type { ChunkCounts, PassMode } from '../domain/passes.ts';
import type { PlanPassInput, PlanPassOutput } from '../workflow.ts';

/** What planPass reads and writes; src/app.ts binds it to the chunk markers and blob staging. */
export interface PlanPassPorts {
  chunkCounts(jobId: string): Promise<Array<{ chunkIndex: number; counts?: ChunkCounts; costCents?: number }>>;
  savePlan(jobId: string, planId: string, chunkIndexes: readonly number[]): Promise<void>;
}

/** Whether a chunk with `counts` (undefined: it never finished a run) has work for a pass in `mode`. */
function hasWork(counts: ChunkCounts | undefined, mode: Exclude<PassMode, 'all'>): boolean {
  switch (mode) {
    case 'transient':
      return (counts?.transient ?? 0) > 0;
    case 'failed':
      return (counts?.failed ?? 0) > 0;
    case 'failed-and-left':
      return counts === undefined || counts.failed > 0 || counts.left > 0;
  }
}

/** Stores the plan (chunk indexes in order) and answers its length with the job's counts before the pass. */
export async function planPass(input: PlanPassInput, ports: PlanPassPorts): Promise<PlanPassOutput> {
  const markers = new Map((await ports.chunkCounts(input.jobId)).map((m) => [m.chunkIndex, m]));
  const chosen: number[] = [];
  const counts = { processed: 0, failed: 0, transient: 0, cached: 0, costCents: 0 };
  for (let chunkIndex = 0; chunkIndex < input.chunkCount; chunkIndex++) {
    const marker = markers.get(chunkIndex);
    if (marker?.counts) {
      counts.processed += marker.counts.processed;
      counts.failed += marker.counts.failed;
      counts.transient += marker.counts.transient;
      counts.cached += marker.counts.cached;
      counts.costCents += marker.costCents ?? 0;
    }
    if (hasWork(marker?.counts, input.mode)) chosen.push(chunkIndex);
  }
  if (chosen.length > 0) await ports.savePlan(input.jobId, input.planId, chosen);
  return { entries: chosen.length, counts };
}
