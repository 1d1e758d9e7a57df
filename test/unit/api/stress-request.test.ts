// The stress request body as POST /jobs/{id}/stress reads it: JSON only, and any other Content-Type a 415
// naming what is read (as /analyze answers), before the job is looked up.
import { HttpRequest, InvocationContext } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { jsonBodyFormat } from '../../../src/api/body-format.ts';
import { postJobStress } from '../../../src/functions/jobs.ts';
import type { AppServices } from '../../../src/services.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('jsonBodyFormat', () => {
  it.each([
    ['application/json', '{"shock":-0.1}'],
    ['application/json; charset=utf-8', ''],
    ['text/plain', ' {"shock":-0.1}'],
    ['application/x-www-form-urlencoded', '{}'],
    [null, ''],
  ])('reads %s with %j', (type, text) => {
    expect(jsonBodyFormat(type, bytes(text))).toStrictEqual({ ok: true });
  });

  it.each([
    ['text/csv', 'propertyId\nP1\n'],
    ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'PK'],
    ['text/plain', 'shock=-0.1'],
  ])('refuses %s with a 415 naming application/json', (type, text) => {
    const format = jsonBodyFormat(type, bytes(text));
    expect(format).toMatchObject({ ok: false, status: 415 });
    if (!format.ok) expect(format.message).toContain('send JSON as application/json');
  });
});

describe('POST /jobs/{id}/stress', () => {
  it('answers 415 for a CSV body, before reading the job (no storage is touched)', async () => {
    const request = new HttpRequest({
      method: 'POST',
      url: 'http://localhost/api/portfolio/jobs/job-1/stress',
      body: { bytes: bytes('shock\n-0.1\n') },
      headers: { 'content-type': 'text/csv' },
      params: { jobId: 'job-1' },
    });
    // Services a rejected body must never reach: any use throws.
    const services = new Proxy({} as AppServices, {
      get: () => {
        throw new Error('a rejected request reached storage');
      },
    });
    const answer = await postJobStress(services, request, new InvocationContext());
    expect(answer.status).toBe(415);
    expect((answer.jsonBody as { error: string }).error).toBe(
      "Content-Type 'text/csv' is not read here: send JSON as application/json, text/plain, application/octet-stream (the last two are read by content).",
    );
  });
});
