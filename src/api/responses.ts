// Response shapes shared by the HTTP triggers. Errors always carry a message and, for validation, the
// field paths a portal can show next to the offending field.
import type { HttpResponseInit } from '@azure/functions';
import type { DataQuality } from '../domain/data-quality.ts';
import type { FieldError } from '../domain/validation.ts';
import type { ErrorAnswer, ValidationErrorAnswer } from './answers.ts';

export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponseInit {
  return { status, jsonBody: body, headers };
}

/** 400 with field errors; `dataQuality` is the account of a file read, when the refusal came from reading it. */
export function validationFailed(
  errors: readonly FieldError[],
  totalErrors = errors.length,
  dataQuality?: DataQuality,
): HttpResponseInit {
  return json(400, {
    success: false,
    error: 'Validation failed',
    errors: [...errors],
    totalErrors,
    ...(dataQuality !== undefined && { dataQuality }),
  } satisfies ValidationErrorAnswer);
}

/**
 * 409 with field errors: a valid request whose input changed while it was being read (an uploaded tape
 * replaced mid-read); the message names the fix, after which the same request can succeed.
 */
export function inputChanged(errors: readonly FieldError[]): HttpResponseInit {
  return json(409, {
    success: false,
    error: 'The input changed while it was being read',
    errors: [...errors],
    totalErrors: errors.length,
  } satisfies ValidationErrorAnswer);
}

export function badRequest(message: string): HttpResponseInit {
  return json(400, {
    success: false,
    error: message,
    errors: [{ path: '', message }],
    totalErrors: 1,
  } satisfies ValidationErrorAnswer);
}

export function notFound(message: string): HttpResponseInit {
  return json(404, { success: false, error: message } satisfies ErrorAnswer);
}

export function unsupportedMediaType(message: string): HttpResponseInit {
  return json(415, {
    success: false,
    error: message,
    errors: [{ path: '', message }],
    totalErrors: 1,
  } satisfies ValidationErrorAnswer);
}

export function payloadTooLarge(limitBytes: number): HttpResponseInit {
  return json(413, {
    success: false,
    error: `Request body too large: the limit is ${limitBytes} bytes`,
  } satisfies ErrorAnswer);
}
