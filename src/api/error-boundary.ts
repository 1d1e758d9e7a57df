// The one error boundary of the HTTP functions (issue 11.7). Handlers answer the caller's mistakes
// themselves (400 with field errors, 404, 422); what they throw arrives here. A known error type maps to its
// status with a message a portal can show; a dependency that is down is a 503 with Retry-After; anything
// else is a JSON 500 that carries only a correlation id, and one log line with that id says what happened.
import { inspect } from 'node:util';
import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import {
  BlobNotFoundError,
  ConcurrencyConflictError,
  DocumentNotFoundError,
  InvalidContinuationTokenError,
  isTransientStorageError,
  JobAlreadyExistsError,
  MessageTooLargeError,
} from '../storage/errors.ts';
import type { ConflictAnswer, ErrorAnswer, ServerErrorAnswer } from './answers.ts';
import { badRequest, json, notFound } from './responses.ts';

/** Seconds a caller is asked to wait after a 409 conflict or a 503. */
const RETRY_AFTER_SECONDS = '5';

/** The answer for an error the caller can act on, or undefined when it is not one of those. */
export function knownErrorResponse(error: unknown): HttpResponseInit | undefined {
  if (error instanceof InvalidContinuationTokenError) return badRequest(`query.continuationToken: ${error.message}`);
  if (error instanceof DocumentNotFoundError)
    return notFound(`No ${singular(error.container)} '${error.id}' (it may have been removed).`);
  if (error instanceof BlobNotFoundError)
    return notFound(
      `The stored input '${error.blobName}' is missing (never staged, or removed); submit the portfolio again.`,
    );
  if (error instanceof JobAlreadyExistsError || error instanceof ConcurrencyConflictError)
    return json(409, { success: false, error: error.message } satisfies ConflictAnswer, {
      'retry-after': RETRY_AFTER_SECONDS,
    });
  if (error instanceof MessageTooLargeError)
    return json(413, {
      success: false,
      error: 'The request is too large to queue; send fewer properties.',
    } satisfies ErrorAnswer);
  return undefined;
}

const singular = (container: string) => (container.endsWith('s') ? container.slice(0, -1) : container);

/** One line (no line breaks) describing `error`, its stack and causes, for the log. */
export function describeForLog(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    if (e instanceof Error) {
      parts.push((e.stack ?? `${e.name}: ${e.message}`).replace(/\s*\n\s*/g, ' | '));
      e = e.cause;
    } else {
      parts.push(inspect(e, { breakLength: Infinity }));
      break;
    }
  }
  return parts.join(' <- caused by ');
}

/**
 * `handler` behind the boundary: what it answers passes unchanged; what it throws becomes a known error's
 * 4xx, a 503 for a dependency that is unavailable, or a 500 `{success: false, error, correlationId}` whose
 * correlation id (the invocation id) is in the one log line written for it. Nothing internal is answered.
 */
export function withErrorBoundary(handler: HttpHandler): HttpHandler {
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    try {
      return await handler(request, context);
    } catch (error) {
      const known = knownErrorResponse(error);
      if (known) return known;
      const correlationId = context.invocationId;
      const headers = { 'x-correlation-id': correlationId };
      if (isTransientStorageError(error)) {
        context.warn(
          `${context.functionName}: dependency unavailable [correlationId ${correlationId}] ${describeForLog(error)}`,
        );
        return json(
          503,
          {
            success: false,
            error: `A service the app depends on is unavailable; try again in a moment (correlation id ${correlationId}).`,
            correlationId,
          } satisfies ServerErrorAnswer,
          { ...headers, 'retry-after': RETRY_AFTER_SECONDS },
        );
      }
      context.error(
        `${context.functionName}: unhandled error [correlationId ${correlationId}] ${describeForLog(error)}`,
      );
      return json(
        500,
        {
          success: false,
          error: `Internal error. Quote correlation id ${correlationId} when reporting it.`,
          correlationId,
        } satisfies ServerErrorAnswer,
        headers,
      );
    }
  };
}
