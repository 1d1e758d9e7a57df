// One JSON POST with a per-attempt timeout, returning the parsed body or throwing a ProviderError.
// Both HTTP clients use it; each validates the body against its own schema.
import { ProviderError } from './errors.ts';
import { errorForFailure, errorForStatus } from './http-errors.ts';

export type FetchFn = typeof globalThis.fetch;

/** "https://host/" and "https://host" name the same base. */
export function trimBaseUrl(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '');
}

export interface PostJsonInput {
  provider: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  timeoutInMs: number;
  signal?: AbortSignal | undefined;
  fetch?: FetchFn | undefined;
}

export async function postJson(input: PostJsonInput): Promise<unknown> {
  const { provider, timeoutInMs, signal } = input;
  const doFetch = input.fetch ?? globalThis.fetch;
  // A fresh timeout per attempt: retries each get the full allowance.
  const timeoutSignal = AbortSignal.timeout(timeoutInMs);
  const combined = signal ? AbortSignal.any([signal, timeoutSignal]) : timeoutSignal;
  let status: number;
  let text: string;
  let headers: Headers;
  try {
    const response = await doFetch(input.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...input.headers },
      body: JSON.stringify(input.body),
      signal: combined,
    });
    status = response.status;
    headers = response.headers;
    // Read the body under the same timeout: a provider can stall mid-answer too.
    text = await response.text();
  } catch (error) {
    throw errorForFailure({ provider, error, timeoutInMs, timeoutSignal, callerSignal: signal });
  }
  if (status < 200 || status > 299) throw errorForStatus({ provider, status, headers, body: text });
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ProviderError({
      provider,
      kind: 'bad_response',
      status,
      message: `${provider} answered with invalid JSON`,
      cause: error,
    });
  }
}
