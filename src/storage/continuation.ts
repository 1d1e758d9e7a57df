// Continuation tokens handed to API callers: the store's own token, wrapped with a digest of the query it
// belongs to (text and parameters), so a token replayed against another job or filter is refused
// (InvalidContinuationTokenError, a 400 at the API) instead of silently paging the wrong query.
import { createHash } from 'node:crypto';
import type { FeedResponse, QueryIterator, SqlParameter, SqlQuerySpec } from '@azure/cosmos';
import { z } from 'zod';
import { InvalidContinuationTokenError, statusOf } from './errors.ts';

const wrappedSchema = z.object({ q: z.string(), t: z.string() });

function digest(spec: SqlQuerySpec): string {
  const parameters: readonly SqlParameter[] = spec.parameters ?? [];
  return createHash('sha256')
    .update(JSON.stringify([spec.query, parameters]))
    .digest('base64url')
    .slice(0, 16);
}

/** The caller's token for the store's `token` of `spec` (base64url JSON). */
export function wrapContinuation(token: string, spec: SqlQuerySpec): string {
  return Buffer.from(JSON.stringify({ q: digest(spec), t: token })).toString('base64url');
}

/** The store's token inside `encoded`. Throws InvalidContinuationTokenError when it is malformed or another query's. */
export function unwrapContinuation(encoded: string, spec: SqlQuerySpec): string {
  let parsed: z.infer<typeof wrappedSchema>;
  try {
    parsed = wrappedSchema.parse(JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')));
  } catch (error) {
    throw new InvalidContinuationTokenError({ cause: error });
  }
  if (parsed.q !== digest(spec)) throw new InvalidContinuationTokenError();
  return parsed.t;
}

/**
 * The iterator's next page. A store that refuses a resumed query (400) was handed a token it cannot use:
 * InvalidContinuationTokenError, so the API answers 400 instead of 500.
 */
export async function fetchPage<T>(iterator: QueryIterator<T>, resumed: boolean): Promise<FeedResponse<T>> {
  try {
    return await iterator.fetchNext();
  } catch (error) {
    if (resumed && statusOf(error) === 400) throw new InvalidContinuationTokenError({ cause: error });
    throw error;
  }
}
