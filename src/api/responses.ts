// Response shapes shared by the HTTP triggers. Errors always carry a message and, for validation, the
// field paths a portal can show next to the offending field.
import type { HttpResponseInit } from '@azure/functions';
import type { FieldError } from '../domain/validation.ts';

export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponseInit {
  return { status, jsonBody: body, headers };
}

/** 400 with field errors; `extra` adds fields to the answer (the data-quality account of a file read). */
export function validationFailed(
  errors: readonly FieldError[],
  totalErrors = errors.length,
  extra: Record<string, unknown> = {},
): HttpResponseInit {
  return json(400, { success: false, error: 'Validation failed', errors, totalErrors, ...extra });
}

export function badRequest(message: string): HttpResponseInit {
  return json(400, { success: false, error: message, errors: [{ path: '', message }], totalErrors: 1 });
}

export function notFound(message: string): HttpResponseInit {
  return json(404, { success: false, error: message });
}

export function unsupportedMediaType(message: string): HttpResponseInit {
  return json(415, { success: false, error: message, errors: [{ path: '', message }], totalErrors: 1 });
}

export function payloadTooLarge(limitBytes: number): HttpResponseInit {
  return json(413, { success: false, error: `Request body too large: the limit is ${limitBytes} bytes` });
}
