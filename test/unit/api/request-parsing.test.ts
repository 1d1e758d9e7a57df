// The HTTP parsing of src/api over real @azure/functions HttpRequest objects: size limits (by the declared
// Content-Length and by what arrives), JSON text, field errors with their paths, route and query schemas.
// A refusal is a ready 400/413 answer, never a throw. Bodies of every form: portfolio-request.test.ts.
import { HttpRequest, type HttpResponseInit } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseJsonText, readBody, readQuery, validate, type Parsed } from '../../../src/api/request-parsing.ts';
import { fileRequestQuerySchema, jobRouteSchema, propertiesQuerySchema } from '../../../src/api/schemas.ts';

const post = (body: string, headers: Record<string, string> = {}) =>
  new HttpRequest({ method: 'POST', url: 'http://localhost/api/portfolio/analyze', body: { string: body }, headers });

/** The refusal's status and JSON body (fails the test when the value was accepted). */
function refusal<T>(parsed: Parsed<T>): { status: number | undefined; body: Record<string, unknown> } {
  if (parsed.ok) throw new Error(`expected a refusal, got ${JSON.stringify(parsed.value)}`);
  const response: HttpResponseInit = parsed.response;
  return { status: response.status, body: response.jsonBody as Record<string, unknown> };
}

describe('readBody', () => {
  it('reads a body within the limit', async () => {
    expect(await readBody(post('{"a":1}'), 100)).toEqual({ ok: true, value: new TextEncoder().encode('{"a":1}') });
  });

  it('answers 413 on the declared Content-Length alone', async () => {
    const r = refusal(await readBody(post('{}', { 'content-length': '5000' }), 1000));
    expect(r).toEqual({
      status: 413,
      body: { success: false, error: 'Request body too large: the limit is 1000 bytes' },
    });
  });

  it('answers 413 on what arrives when no length is declared, counting bytes, not characters', async () => {
    expect(refusal(await readBody(post('x'.repeat(1001)), 1000)).status).toBe(413);
    expect(refusal(await readBody(post('é'.repeat(501)), 1000)).status).toBe(413); // 1,002 bytes
    expect(await readBody(post('é'.repeat(500)), 1000)).toMatchObject({ ok: true });
  });
});

describe('parseJsonText', () => {
  it('parses JSON', () => {
    expect(parseJsonText('{"portfolioId":"p"}')).toEqual({ ok: true, value: { portfolioId: 'p' } });
  });

  it('refuses an empty or malformed body with a 400 naming the problem', () => {
    expect(refusal(parseJsonText('  '))).toEqual({
      status: 400,
      body: {
        success: false,
        error: 'The request body is empty; expected JSON.',
        errors: [{ path: '', message: 'The request body is empty; expected JSON.' }],
        totalErrors: 1,
      },
    });
    const malformed = refusal(parseJsonText('{"a": '));
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toMatch(/^The request body is not valid JSON: /);
  });
});

describe('validate', () => {
  const schema = z.strictObject({ name: z.string(), count: z.number().int().min(1, 'must be >= 1') });

  it('returns the parsed value', () => {
    expect(validate(schema, { name: 'a', count: 2 })).toEqual({ ok: true, value: { name: 'a', count: 2 } });
  });

  it('answers every field error with its path, prefixed with where it was found', () => {
    const r = refusal(validate(schema, { name: 3, count: 0, extra: true }, 'query'));
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ success: false, error: 'Validation failed', totalErrors: 3 });
    const paths = (r.body.errors as Array<{ path: string }>).map((e) => e.path).sort();
    expect(paths).toEqual(['query', 'query.count', 'query.name']);
  });
});

describe('route and query schemas', () => {
  const get = (query: string) =>
    new HttpRequest({ method: 'GET', url: `http://localhost/api/portfolio/jobs/j/properties?${query}` });

  it('takes the query as a plain object, without the function key (?code=)', () => {
    expect(readQuery(get('filter=failed&code=KEY&search=a%2Cb'))).toEqual({
      ok: true,
      value: { filter: 'failed', search: 'a,b' },
    });
  });

  it('refuses a parameter given twice, naming it and how often: picking one value would be a guess', () => {
    const r = refusal(readQuery(get('filter=failed&pageSize=5&pageSize=7&code=a&code=b')));
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([{ path: 'query.pageSize', message: 'given 2 times; give it once' }]);
  });

  it('reads the properties query: defaults, bounds, filters', () => {
    expect(validate(propertiesQuerySchema, {})).toEqual({ ok: true, value: { filter: 'all', pageSize: 100 } });
    expect(validate(propertiesQuerySchema, { filter: 'tier-D', pageSize: '1000' })).toMatchObject({
      ok: true,
      value: { filter: 'tier-D', pageSize: 1000 },
    });
    for (const bad of [{ pageSize: '0' }, { pageSize: '1001' }, { pageSize: '5.5' }, { filter: 'tier-E' }])
      expect(refusal(validate(propertiesQuerySchema, bad, 'query')).status).toBe(400);
  });

  it('reads the request fields of a tape from the query: money and booleans from text', () => {
    expect(
      validate(fileRequestQuerySchema, {
        portfolioId: 'PF-1',
        analysisType: 'risk',
        budget: '125.50',
        allowPartial: 'true',
      }),
    ).toEqual({
      ok: true,
      value: { portfolioId: 'PF-1', analysisType: 'risk', budget: 125.5, allowPartial: true },
    });
    expect(
      refusal(validate(fileRequestQuerySchema, { portfolioId: 'PF-1', analysisType: 'risk', budget: '1e3' })).status,
    ).toBe(400);
  });

  it('refuses a job id that is not an identifier', () => {
    expect(validate(jobRouteSchema, { jobId: 'job-1' })).toMatchObject({ ok: true });
    expect(refusal(validate(jobRouteSchema, { jobId: '../../etc/passwd' }, 'route')).body.errors).toEqual([
      expect.objectContaining({ path: 'route.jobId' }),
    ]);
  });
});
