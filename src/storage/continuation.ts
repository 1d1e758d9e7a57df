// Continuation tokens handed to API callers: the store's own token, wrapped with a digest of the query it
// belongs to (text and parameters) and a checksum over both, so that a token replayed against another job
// or filter, or altered in any way, is refused (InvalidContinuationTokenError, a 400 at the API) instead of
// failing in the store or silently paging the wrong query (or starting again at page 1).
import { createHash } from 'node:crypto';
import type { FeedResponse, QueryIterator, SqlParameter, SqlQuerySpec } from '@azure/cosmos';
import { z } from 'zod';
import { InvalidContinuationTokenError, statusOf } from './errors.ts';

const wrappedSchema = z.strictObject({ q: z.string(), t: z.string().min(1), s: z.string() });

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

function digest(spec: SqlQuerySpec): string {
  const parameters: readonly SqlParameter[] = spec.parameters ?? [];
  return sha256(JSON.stringify([spec.query, parameters])).slice(0, 16);
}

/** The checksum of a wrapped token: any change to the query digest or the store's token breaks it. */
const checksum = (queryDigest: string, token: string) => sha256(`${queryDigest}\n${token}`).slice(0, 22);

/** The caller's token for the store's `token` of `spec` (base64url JSON). */
export function wrapContinuation(token: string, spec: SqlQuerySpec): string {
  const q = digest(spec);
  return Buffer.from(JSON.stringify({ q, t: token, s: checksum(q, token) })).toString('base64url');
}

/**
 * The store's token inside `encoded`. Throws InvalidContinuationTokenError when it is malformed, altered,
 * or another query's.
 */
export function unwrapContinuation(encoded: string, spec: SqlQuerySpec): string {
  let parsed: z.infer<typeof wrappedSchema>;
  try {
    parsed = wrappedSchema.parse(JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')));
  } catch (error) {
    throw new InvalidContinuationTokenError({ cause: error });
  }
  // base64url decoding skips characters outside its alphabet: re-encoding must give the token back.
  if (Buffer.from(JSON.stringify(parsed)).toString('base64url') !== encoded) throw new InvalidContinuationTokenError();
  if (parsed.s !== checksum(parsed.q, parsed.t) || parsed.q !== digest(spec)) throw new InvalidContinuationTokenError();
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
