// The layout of the task hub on Azure Storage (see ../azure-storage-store.ts for the store itself), the limits
// that keep every commit one table transaction, and small helpers the store's modules share.
//
// Layout (hub "MyHub"):
//   table MyHubState      one partition per orchestration instance / entity (PartitionKey = the id), rows:
//                           I            the instance record (orchestrations)
//                           E            the entity record (entities)
//                           H|gen|seq    history: the events one commit appended (one row per commit)
//                           M|msgId      an orchestration message (inbox); visibleAt for timers
//                           R|reqId      an entity request (inbox)
//                           A|itemId     an activity work item of this orchestration
//                           O|seq        an outbox: what a commit sends elsewhere, until it is delivered
//   table MyHubReady      the work index: one row per partition that may hold pending work (messages,
//                         requests, activities, outboxes) or whose MyHubInstances row may be stale
//   table MyHubInstances  a copy of every I row in one partition, for listing (RowKey = instance id)
//   container myhub-large payloads over 16 K characters (32 KB as UTF-16); rows keep the blob name
//
// Crash safety: every state change is one table batch transaction in one partition, made before it is
// acknowledged. An episode's commit (history row + instance row + consumed message deletes + outbox row) is one
// batch: history is packed one row per commit and large payloads go to blobs written before the batch, and an
// episode takes at most MAX_MESSAGES messages, so a commit never exceeds 100 operations. Outboxes are delivered
// after the commit (idempotent upserts keyed by message id into the target partitions), then deleted; delivered
// messages are offered to the dispatcher only after their outbox row is gone, so a redelivery after a crash can
// never duplicate a consumed message. Activity completion is one batch in the orchestration's partition (result
// message upsert + work item delete).
//
// Single host: one devhost process owns a hub. Locks live in memory; after a crash they are simply gone and
// every unfinished work item is offered again (activities are at-least-once). Start-up rebuilds the in-memory
// view from storage: the instance list from MyHubInstances, the pending work from the partitions MyHubReady
// names (leftover outboxes are redelivered first).
import type { TableEntity } from '@azure/data-tables';

/** Messages one episode (or entity batch) may consume, so a commit fits in one 100-operation batch. */
export const MAX_MESSAGES = 90;
/** Strings longer than this (UTF-16: 2 bytes a character) are stored in a blob. */
export const MAX_INLINE_CHARS = 16 * 1024;
export const BATCH_LIMIT = 100;
/** Above this many partitions to rebuild, start-up reads the whole table once instead of querying each. */
export const FULL_SCAN_THRESHOLD = 64;
export const INDEX_PARTITION = 'instances';
export const ENTITY_INDEX_PARTITION = 'entities';
export const READY_PARTITION = 'ready';

export type Row = TableEntity<Record<string, unknown>>;
export type Props = Record<string, string | number | boolean>;

/** Table keys may not contain / \ # ? or control characters; % escapes them (and itself). */
export function encodeKey(id: string): string {
  return id.replace(
    // eslint-disable-next-line no-control-regex
    /[%/\\#?\u0000-\u001f\u007f-\u009f]/g,
    (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`,
  );
}

export function decodeKey(key: string): string {
  return key.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

export const pad = (n: number, width: number) => String(n).padStart(width, '0');
export const historyKey = (gen: number, seq: number) => `H|${pad(gen, 6)}|${pad(seq, 8)}`;

export function tableName(hub: string, suffix: string): string {
  let base = hub.replace(/[^A-Za-z0-9]/g, '');
  if (!/^[A-Za-z]/.test(base)) base = `h${base}`;
  return `${base.slice(0, 63 - suffix.length)}${suffix}`;
}

export function containerName(hub: string): string {
  let base = hub.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (base.length === 0) base = 'hub';
  return `${base.slice(0, 57)}-large`;
}

export function statusOf(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'statusCode' in error
    ? (error as { statusCode?: number }).statusCode
    : undefined;
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Runs `fn` over `items`, at most `limit` at a time. */
export async function forEachLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export function sameProps(a: Props, b: Props): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function ignore404(error: unknown): void {
  if (statusOf(error) !== 404) throw error;
}

export function insertSorted<T extends { seq: string }>(list: T[], item: T): void {
  let i = list.length;
  while (i > 0 && list[i - 1]!.seq > item.seq) i--;
  list.splice(i, 0, item);
}
