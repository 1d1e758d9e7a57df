// Delivery of what a commit sends elsewhere: its outbox row is written in the commit's own transaction, then the
// contents are upserted into their target partitions (idempotent, keyed by message id), then the outbox row is
// deleted, and only then is the delivered work offered, so a redelivery after a crash never duplicates a message
// that was already consumed. Deliveries from one partition run in order.
import type { TransactionAction } from '@azure/data-tables';
import type { ActivityWorkItem, EntityRequest, OrchestrationMessage, Outbox } from '../store.ts';
import type { Hub, Partition, PendingOutbox } from './hub.ts';
import { BATCH_LIMIT, chunks, delay, encodeKey, forEachLimit, ignore404, type Row } from './layout.ts';

/** The `M|<id>` row of an orchestration message in its instance's partition (`seq`: arrival order). */
export async function messageRow(hub: Hub, message: OrchestrationMessage, seq: string): Promise<Row> {
  return {
    partitionKey: encodeKey(message.instanceId),
    rowKey: `M|${encodeKey(message.id)}`,
    Seq: seq,
    ...(await hub.payloads.packText(message.instanceId, 'Data', JSON.stringify(message))),
  };
}

/** The `R|<id>` row of an entity request in the entity's partition. */
async function requestRow(hub: Hub, request: EntityRequest, seq: string): Promise<Row> {
  return {
    partitionKey: encodeKey(request.entityId),
    rowKey: `R|${encodeKey(request.id)}`,
    Seq: seq,
    ...(await hub.payloads.packText(request.entityId, 'Data', JSON.stringify(request))),
  };
}

/** The `A|<id>` row of an activity work item in its orchestration's partition. */
async function activityRow(hub: Hub, item: ActivityWorkItem): Promise<Row> {
  return {
    partitionKey: encodeKey(item.instanceId),
    rowKey: `A|${encodeKey(item.id)}`,
    ...(await hub.payloads.packText(item.instanceId, 'Data', JSON.stringify(item))),
  };
}

/**
 * Stores messages/requests/activities in their partitions (upserts: idempotent). Returns a function that
 * makes them visible in memory, to be called once the caller's own bookkeeping (an outbox delete) is done.
 */
export async function write(hub: Hub, outbox: Outbox): Promise<() => void> {
  const byPartition = new Map<string, { rows: Row[]; apply: Array<() => void> }>();
  const group = (id: string) => {
    let g = byPartition.get(id);
    if (!g) byPartition.set(id, (g = { rows: [], apply: [] }));
    return g;
  };
  for (const message of outbox.orchestrationMessages) {
    const seq = hub.nextSeq();
    const g = group(message.instanceId);
    g.rows.push(await messageRow(hub, message, seq));
    g.apply.push(() => hub.addMessage(message, seq));
  }
  for (const request of outbox.entityRequests) {
    const seq = hub.nextSeq();
    const g = group(request.entityId);
    g.rows.push(await requestRow(hub, request, seq));
    g.apply.push(() => hub.addRequest(request, seq));
  }
  for (const item of outbox.activities) {
    const g = group(item.instanceId);
    g.rows.push(await activityRow(hub, item));
    g.apply.push(() => hub.addActivity(item));
  }
  const partitions = [...byPartition.keys()].map((id) => hub.partition(id));
  for (const p of partitions) p.busy++;
  try {
    await forEachLimit([...byPartition], 8, async ([id, g]) => {
      await hub.ensureMarked(hub.partition(id));
      for (const batch of chunks(g.rows, BATCH_LIMIT))
        await hub.submit(
          id,
          batch.map((row): TransactionAction => ['upsert', row, 'Replace']),
        );
    });
  } catch (error) {
    for (const p of partitions) {
      p.busy--;
      hub.maybeUnmark(p);
    }
    throw error;
  }
  return () => {
    for (const g of byPartition.values()) for (const apply of g.apply) apply();
    for (const p of partitions) {
      p.busy--;
      hub.maybeUnmark(p);
    }
    if (byPartition.size > 0) hub.notify();
  };
}

/** Delivers an outbox row's contents, deletes the row, then offers the delivered work. */
export async function deliverOutbox(hub: Hub, o: PendingOutbox): Promise<void> {
  const apply = await write(hub, o.outbox);
  await hub.state.deleteEntity(encodeKey(o.partition), o.rowKey).catch(ignore404);
  apply();
}

/**
 * Delivers a commit's outbox in the background, in order per source partition, retrying until it succeeds
 * (the partition stays marked meanwhile, so a crash leaves the row for start-up to redeliver).
 */
export function deliverAfterCommit(hub: Hub, source: Partition, o: PendingOutbox): void {
  source.busy++;
  source.deliverChain = source.deliverChain
    .then(async () => {
      for (;;) {
        try {
          return await deliverOutbox(hub, o);
        } catch (error) {
          if (hub.stopped) throw error;
          await delay(hub.pollIntervalMs);
        }
      }
    })
    .catch(() => undefined)
    .finally(() => {
      source.busy--;
      hub.maybeUnmark(source);
    });
  hub.track(source.deliverChain);
}

export async function outboxProps(
  hub: Hub,
  partition: string,
  outbox: Outbox,
): Promise<{ row: Row; pending: PendingOutbox } | undefined> {
  if (outbox.activities.length === 0 && outbox.orchestrationMessages.length === 0 && outbox.entityRequests.length === 0)
    return undefined;
  const rowKey = `O|${hub.nextSeq()}`;
  const row: Row = {
    partitionKey: encodeKey(partition),
    rowKey,
    ...(await hub.payloads.packText(partition, 'Data', JSON.stringify(outbox))),
  };
  return { row, pending: { partition, rowKey, outbox: structuredClone(outbox) } };
}
