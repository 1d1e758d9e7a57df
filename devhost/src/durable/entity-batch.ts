// Runs one batch of entity operations (durable-protocol.md §3): the SDK gets the state and the batch, and
// answers each operation's result, the new state and the signals the entity sent. Callers get their
// responses as EventRaised events named by request id; signals become requests to other entities.
import { randomUUID } from 'node:crypto';
import { EventType, historyEvent } from './history.ts';
import type { DurableFunctionRunner } from './functions.ts';
import { emptyOutbox, type EntityRecord, type EntityWorkItem, type Outbox } from './store.ts';

interface EntityBatchResult {
  entityExists: boolean;
  entityState?: string | null;
  results: Array<{ isError: boolean; result?: string | null }>;
  signals: Array<{ target: { name: string; key: string }; name: string; input?: string | null }>;
}

export function parseEntityId(schedulerId: string): { name: string; key: string } {
  const at = schedulerId.indexOf('@', 1);
  return { name: schedulerId.slice(1, at), key: schedulerId.slice(at + 1) };
}

export function schedulerIdOf(name: string, key: string): string {
  return `@${name.toLowerCase()}@${key}`;
}

export async function runEntityBatch(
  item: EntityWorkItem,
  current: EntityRecord | undefined,
  functions: DurableFunctionRunner,
): Promise<{ entity: EntityRecord; outbox: Outbox }> {
  const self = parseEntityId(item.entityId);
  const payload = {
    self,
    exists: current?.exists ?? false,
    state: current?.exists ? current.state : null,
    batch: item.requests.map((r) => ({ name: r.operation, input: r.input, isSignal: r.isSignal })),
  };
  const outcome = await functions.runEntity(self.name, payload);
  const now = new Date().toISOString();
  const outbox = emptyOutbox();
  let entity: EntityRecord = current ?? { entityId: item.entityId, exists: false, state: null, lastModifiedTime: now };
  let results: EntityBatchResult['results'];
  if (outcome.ok) {
    const batch = outcome.value as EntityBatchResult;
    results = batch.results;
    entity = {
      entityId: item.entityId,
      exists: batch.entityExists,
      state: batch.entityExists ? (batch.entityState ?? null) : null,
      lastModifiedTime: now,
    };
    for (const signal of batch.signals) {
      outbox.entityRequests.push({
        id: randomUUID(),
        entityId: schedulerIdOf(signal.target.name, signal.target.key),
        operation: signal.name,
        input: signal.input || null,
        isSignal: true,
      });
    }
  } else {
    // The whole batch failed (no such entity function, or it threw outside an operation): every caller hears it.
    results = item.requests.map(() => ({ isError: true, result: JSON.stringify(outcome.error.message) }));
  }
  item.requests.forEach((request, i) => {
    if (request.isSignal || request.parentInstanceId === undefined) return;
    const result = results[i] ?? {
      isError: true,
      result: JSON.stringify('the entity returned no result for this operation'),
    };
    const response = { result: result.result ?? null, ...(result.isError && { exceptionType: 'Error' }) };
    outbox.orchestrationMessages.push({
      id: randomUUID(),
      instanceId: request.parentInstanceId,
      executionId: request.parentExecutionId,
      event: historyEvent(EventType.EventRaised, now, { Name: request.id, Input: JSON.stringify(response) }),
    });
  });
  return { entity, outbox };
}
