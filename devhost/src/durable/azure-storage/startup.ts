// Start-up of the Azure Storage task hub: the instance list from the `Instances` table, then, for the partitions
// the `Ready` table names, leftover outboxes are redelivered and the inboxes, activity queues and timers rebuilt;
// the `Instances` copy is corrected from each partition's `I` row (the truth).
import { odata, type TableEntityResult } from '@azure/data-tables';
import type { ActivityWorkItem, EntityRecord, EntityRequest, OrchestrationMessage, Outbox } from '../store.ts';
import { deliverOutbox } from './delivery.ts';
import type { Hub, PendingOutbox } from './hub.ts';
import {
  decodeKey,
  encodeKey,
  ENTITY_INDEX_PARTITION,
  forEachLimit,
  FULL_SCAN_THRESHOLD,
  INDEX_PARTITION,
  READY_PARTITION,
  sameProps,
} from './layout.ts';
import { decodeInstance, propsOf } from './payloads.ts';

/** Creates the tables and the container if needed and rebuilds the in-memory view (see the top of this file). */
export async function loadHub(hub: Hub): Promise<void> {
  await Promise.all([
    hub.state.createTable(),
    hub.ready.createTable(),
    hub.index.createTable(),
    hub.payloads.container.createIfNotExists(),
  ]);
  // 1. The instance list, from the index (reconciled below for partitions that may be stale).
  for await (const row of hub.index.listEntities<Record<string, unknown>>({
    queryOptions: { filter: odata`PartitionKey eq ${INDEX_PARTITION}` },
  })) {
    const stored = await decodeInstance(hub.payloads, row);
    hub.instances.set(stored.record.instanceId, stored);
  }
  for await (const row of hub.index.listEntities<Record<string, unknown>>({
    queryOptions: { filter: odata`PartitionKey eq ${ENTITY_INDEX_PARTITION}` },
  })) {
    const record = JSON.parse(await hub.payloads.readText(row, 'Data')) as EntityRecord;
    if (record.exists) hub.entities.set(record.entityId, { record, props: propsOf(row) });
  }
  // 2. Partitions with possible pending work.
  const marked: string[] = [];
  for await (const row of hub.ready.listEntities<Record<string, unknown>>({
    queryOptions: { filter: odata`PartitionKey eq ${READY_PARTITION}` },
  })) {
    const id = decodeKey(row.rowKey ?? '');
    const p = hub.partition(id);
    p.marked = true;
    marked.push(id);
  }
  // 3. Leftover outboxes first (their deliveries may add partitions to scan), then each partition's rows.
  //    Few marked partitions: a query per partition. Many: one pass over the table (Azurite answers every
  //    query by scanning the whole table, so per-partition queries would cost O(partitions x rows)).
  const wholeTable = marked.length > FULL_SCAN_THRESHOLD;
  const outboxes: PendingOutbox[] = [];
  const collectOutbox = async (row: TableEntityResult<Record<string, unknown>>) => {
    const id = decodeKey(row.partitionKey ?? '');
    if (hub.partitions.get(id)?.marked)
      outboxes.push({
        partition: id,
        rowKey: row.rowKey ?? '',
        outbox: JSON.parse(await hub.payloads.readText(row, 'Data')) as Outbox,
      });
  };
  if (wholeTable) {
    for await (const row of hub.state.listEntities<Record<string, unknown>>({
      queryOptions: { filter: odata`RowKey ge 'O|' and RowKey lt 'O}'` },
    }))
      await collectOutbox(row);
  } else {
    await forEachLimit(marked, 16, async (id) => {
      for await (const row of hub.state.listEntities<Record<string, unknown>>({
        queryOptions: { filter: odata`PartitionKey eq ${encodeKey(id)} and RowKey ge 'O|' and RowKey lt 'O}'` },
      }))
        await collectOutbox(row);
    });
  }
  outboxes.sort((a, b) => (a.rowKey < b.rowKey ? -1 : a.rowKey > b.rowKey ? 1 : 0));
  for (const o of outboxes) await deliverOutbox(hub, o);
  const toScan = [...hub.partitions.values()].filter((p) => p.marked).map((p) => p.id);
  const rowsOf = new Map<string, Array<TableEntityResult<Record<string, unknown>>>>(toScan.map((id) => [id, []]));
  const filters = [odata`RowKey lt 'H'`, odata`RowKey ge 'I' and RowKey lt 'O'`, odata`RowKey ge 'P'`];
  if (wholeTable || toScan.length > FULL_SCAN_THRESHOLD) {
    for (const filter of filters) {
      for await (const row of hub.state.listEntities<Record<string, unknown>>({ queryOptions: { filter } }))
        rowsOf.get(decodeKey(row.partitionKey ?? ''))?.push(row);
    }
  } else {
    await forEachLimit(toScan, 16, async (id) => {
      const pk = encodeKey(id);
      for (const filter of filters) {
        for await (const row of hub.state.listEntities<Record<string, unknown>>({
          queryOptions: { filter: `${odata`PartitionKey eq ${pk}`} and ${filter}` },
        }))
          rowsOf.get(id)?.push(row);
      }
    });
  }
  await forEachLimit([...rowsOf], 16, ([id, rows]) => applyRows(hub, id, rows));
}

/** Rebuilds one partition's pending work from its rows and reconciles its index rows (start-up only). */
async function applyRows(hub: Hub, id: string, rows: Array<TableEntityResult<Record<string, unknown>>>): Promise<void> {
  const p = hub.partition(id);
  let instanceRow: TableEntityResult<Record<string, unknown>> | undefined;
  for (const row of rows) {
    const key = row.rowKey ?? '';
    if (key === 'I') instanceRow = row;
    else if (key === 'E') {
      const record = JSON.parse(await hub.payloads.readText(row, 'Data')) as EntityRecord;
      const props = propsOf(row);
      const indexed = hub.entities.get(id);
      if (record.exists) hub.entities.set(id, { record, props });
      else hub.entities.delete(id);
      if (!indexed || !record.exists || !sameProps(indexed.props, props)) await hub.writeIndexRow(id, 'E');
    } else if (key.startsWith('M|')) {
      hub.addMessage(JSON.parse(await hub.payloads.readText(row, 'Data')) as OrchestrationMessage, seqOf(row));
    } else if (key.startsWith('R|')) {
      hub.addRequest(JSON.parse(await hub.payloads.readText(row, 'Data')) as EntityRequest, seqOf(row));
    } else if (key.startsWith('A|')) {
      hub.addActivity(JSON.parse(await hub.payloads.readText(row, 'Data')) as ActivityWorkItem);
    }
  }
  // The I row is the truth; the index row follows it.
  const indexed = hub.instances.get(id);
  if (instanceRow) {
    const props = propsOf(instanceRow);
    if (!indexed || !sameProps(indexed.props, props)) {
      hub.instances.set(id, await decodeInstance(hub.payloads, instanceRow));
      await hub.writeIndexRow(id, 'I');
    }
  } else if (indexed) {
    hub.instances.delete(id);
    await hub.writeIndexRow(id, 'I');
  }
  hub.maybeUnmark(p);
}

/** The arrival sequence of a message or request row (a string property). */
function seqOf(row: Record<string, unknown>): string {
  return typeof row.Seq === 'string' ? row.Seq : '';
}
