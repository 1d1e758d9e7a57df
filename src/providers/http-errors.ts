// The HTTP-to-ProviderError mapping both HTTP clients share, so a 429 or a 503 means the same thing
// whichever provider sent it.
import { ProviderError } from './errors.ts';
import type { ProviderErrorKind } from './errors.ts';

/**
 * Retry-After as milliseconds from `now`: either delay-seconds ("2", "0.5") or an HTTP date.
 * Undefined when absent or unreadable; a date in the past gives 0.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value == null) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function kindForStatus(status: number): ProviderErrorKind {
  if (status === 404) return 'no_value';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'unavailable';
  return 'rejected';
}

export interface StatusErrorInput {
  provider: string;
  status: number;
  headers: Headers;
  /** Start of the response body, for the message; providers often say why there. */
  body?: string;
}

const BODY_EXCERPT_CHARS = 200;

/** The error for a non-2xx answer. Retry-After is kept for 429 and 5xx (503 may carry it too). */
export function errorForStatus({ provider, status, headers, body }: StatusErrorInput): ProviderError {
  const kind = kindForStatus(status);
  const retryAfterMs =
    kind === 'rate_limited' || kind === 'unavailable' ? parseRetryAfter(headers.get('retry-after')) : undefined;
  const excerpt = body ? `: ${body.slice(0, BODY_EXCERPT_CHARS)}` : '';
  return new ProviderError({
    provider,
    kind,
    status,
    message: `${provider} answered HTTP ${status}${excerpt}`,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

export interface FailureInput {
  provider: string;
  error: unknown;
  timeoutInMs: number;
  /** The per-attempt timeout signal: when it fired, the failure is a timeout. */
  timeoutSignal: AbortSignal;
  /** The caller's signal: when it fired, the call was cancelled, which is not a provider failure. */
  callerSignal?: AbortSignal | undefined;
}

/**
 * The error for a request that got no usable answer. A caller's abort is rethrown as its own reason
 * (cancellation must not be retried or reported as an outage).
 */
export function errorForFailure({ provider, error, timeoutInMs, timeoutSignal, callerSignal }: FailureInput): unknown {
  if (error instanceof ProviderError) return error;
  if (callerSignal?.aborted) return callerSignal.reason;
  if (timeoutSignal.aborted) {
    return new ProviderError({
      provider,
      kind: 'timeout',
      message: `${provider} did not answer within ${timeoutInMs} ms`,
      cause: error,
    });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new ProviderError({
    provider,
    kind: 'unavailable',
    message: `${provider} could not be reached: ${reason}`,
    cause: error,
  });
}
