// Durable HTTP calls (`context.df.callHttp`), as the Durable extension runs them: the request is an activity of
// the extension's own (`BuiltIn::HttpActivity`, TaskHttpActivityShim) whose result is the response
// `{statusCode, headers, content}`; while it answers 202 with a Location and polling is enabled, the orchestration
// side waits (Retry-After seconds, else the default sleep) and polls the Location with GET
// (DurableOrchestrationContext.CallHttpAsync). Works at schema V3, where the SDK's CallHttpWithPollingTask
// follows the same steps.
import type { DurableHttpRequest } from './actions.ts';
import type { FunctionResult } from './functions.ts';

/** The response as the extension serializes it (DurableHttpResponse; header values: one string or several). */
export interface DurableHttpResponse {
  statusCode: number;
  headers: Record<string, string | string[]>;
  content: string;
}

/** .NET keeps these on the response content, not in the response headers it hands back. */
const CONTENT_HEADERS = new Set([
  'allow',
  'content-disposition',
  'content-encoding',
  'content-language',
  'content-length',
  'content-location',
  'content-md5',
  'content-range',
  'content-type',
  'expires',
  'last-modified',
]);

/** How long .NET's HttpClient waits for a response by default (its Timeout). */
const HTTP_TIMEOUT_MS = 100_000;

/** `retry-after` → `Retry-After`, as .NET spells header names. */
function canonicalHeaderName(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => `${dash}${c.toUpperCase()}`);
}

/** A completed call's result text read back: the status and a case-insensitive header lookup. */
export function readHttpResponse(
  result: string | null,
): { statusCode: number; header(name: string): string | undefined } | undefined {
  try {
    const response = JSON.parse(result ?? 'null') as Partial<DurableHttpResponse> | null;
    if (!response || typeof response.statusCode !== 'number') return undefined;
    const headers = Object.entries(response.headers ?? {});
    return {
      statusCode: response.statusCode,
      header(name) {
        const found = headers.find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
        return Array.isArray(found) ? found[0] : found;
      },
    };
  } catch {
    return undefined;
  }
}

/** The pause before a poll: Retry-After in whole seconds, else the extension's default sleep. */
export function httpPollDelayMs(response: { header(name: string): string | undefined }, defaultMs: number): number {
  const retryAfter = Number.parseInt(response.header('Retry-After') ?? '', 10);
  return Number.isFinite(retryAfter) ? retryAfter * 1000 : defaultMs;
}

/** The poll of a 202's Location: GET, the same headers without `x-functions-key` (CreateLocationPollRequest). */
export function pollRequest(request: DurableHttpRequest, location: string): DurableHttpRequest {
  const headers = Object.fromEntries(
    Object.entries(request.headers ?? {}).filter(([key]) => key.toLowerCase() !== 'x-functions-key'),
  );
  return {
    method: 'GET',
    uri: new URL(location, request.uri).href,
    headers,
    ...(request.tokenSource !== undefined && { tokenSource: request.tokenSource }),
    asynchronousPatternEnabled: request.asynchronousPatternEnabled ?? true,
  };
}

/** Sends one durable HTTP request (the activity's input is `[request]`); fails as the extension's activity does. */
export async function runHttpActivity(input: unknown): Promise<FunctionResult> {
  const request = (Array.isArray(input) ? input[0] : input) as DurableHttpRequest | undefined;
  if (!request || typeof request.uri !== 'string')
    return { ok: false, error: new Error('The durable HTTP request has no uri.') };
  if (request.tokenSource)
    return {
      ok: false,
      error: new Error(
        'devhost cannot get a managed identity token for callHttp (tokenSource): there is no identity endpoint locally. Send an Authorization header yourself when running on devhost.',
      ),
    };
  const headers = new Headers();
  let contentType = '';
  for (const [key, value] of Object.entries(request.headers ?? {})) {
    if (key.toLowerCase() !== 'content-type') headers.append(key, value);
    else if (value.includes('multipart'))
      return { ok: false, error: new Error('Multipart content is not supported with CallHttpAsync.') };
    else contentType = value;
  }
  const hasContent = request.content !== undefined && request.content !== null;
  if (hasContent) headers.set('content-type', contentType || 'text/plain');
  try {
    const response = await fetch(request.uri, {
      method: request.method,
      headers,
      ...(hasContent && { body: request.content }),
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
      redirect: 'follow',
    });
    const responseHeaders: Record<string, string | string[]> = {};
    response.headers.forEach((value, key) => {
      if (!CONTENT_HEADERS.has(key) && key !== 'set-cookie') responseHeaders[canonicalHeaderName(key)] = value;
    });
    const cookies = response.headers.getSetCookie();
    if (cookies.length > 0) responseHeaders['Set-Cookie'] = cookies.length === 1 ? cookies[0]! : cookies;
    const value: DurableHttpResponse = {
      statusCode: response.status,
      headers: responseHeaders,
      content: await response.text(),
    };
    return { ok: true, value };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return { ok: false, error: new Error(`${error instanceof Error ? error.message : String(error)}${cause}`) };
  }
}
