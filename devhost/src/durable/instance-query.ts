// Filtering and paging of instance queries, shared by every store. The continuation token is the last
// instance id of the previous page (instances are listed in id order), so paging is stable while
// instances come and go.
import type { InstanceQuery, InstanceRecord } from './store.ts';

export const DEFAULT_PAGE_SIZE = 100;

export function matchesQuery(instance: InstanceRecord, query: InstanceQuery): boolean {
  if (query.createdTimeFrom !== undefined && instance.createdTime < query.createdTimeFrom) return false;
  if (query.createdTimeTo !== undefined && instance.createdTime > query.createdTimeTo) return false;
  if (
    query.runtimeStatus !== undefined &&
    query.runtimeStatus.length > 0 &&
    !query.runtimeStatus.includes(instance.runtimeStatus)
  )
    return false;
  if (query.instanceIdPrefix !== undefined && !instance.instanceId.startsWith(query.instanceIdPrefix)) return false;
  return true;
}

export function encodeToken(lastInstanceId: string): string {
  return Buffer.from(lastInstanceId, 'utf8').toString('base64url');
}

export function decodeToken(token: string): string {
  return Buffer.from(token, 'base64url').toString('utf8');
}

/** One page of `sorted` (by instance id) after the query's continuation token. */
export function pageOf(
  sorted: readonly InstanceRecord[],
  query: InstanceQuery,
): { instances: InstanceRecord[]; continuationToken?: string | undefined } {
  const after = query.continuationToken ? decodeToken(query.continuationToken) : undefined;
  const start = after === undefined ? 0 : sorted.findIndex((i) => i.instanceId > after);
  if (start < 0) return { instances: [] };
  const size = query.top ?? DEFAULT_PAGE_SIZE;
  const instances = sorted.slice(start, start + size).map((i) => ({ ...i }));
  const more = start + size < sorted.length;
  return {
    instances,
    ...(more &&
      instances.length > 0 && { continuationToken: encodeToken(instances[instances.length - 1]!.instanceId) }),
  };
}
