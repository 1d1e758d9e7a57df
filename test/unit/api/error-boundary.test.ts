// The error boundary's answers: each known error type's status and message, 503 for a dependency that is
// down, and for anything else a JSON 500 with a correlation id, one log line, and nothing internal.
import { HttpRequest, InvocationContext, type HttpResponseInit } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { withErrorBoundary } from '../../../src/api/error-boundary.ts';
import { openApiDocument } from '../../../src/api/openapi.ts';
import {
  BlobNotFoundError,
  ConcurrencyConflictError,
  DocumentNotFoundError,
  InvalidContinuationTokenError,
  InvalidStoredDocumentError,
  JobAlreadyExistsError,
  MessageTooLargeError,
} from '../../../src/storage/errors.ts';
import { answersAgainstDocument } from '../../openapi-answers.ts';

/** Runs a handler that throws `error` behind the boundary; returns the answer and what was logged. */
async function answerFor(error: unknown) {
  const logged: Array<{ level: string; text: string }> = [];
  const context = new InvocationContext({
    invocationId: 'inv-1234-5678',
    functionName: 'getJob',
    logHandler: (level, ...args) => logged.push({ level, text: args.map(String).join(' ') }),
  });
  const handler = withErrorBoundary(async () => {
    throw error;
  });
  const response: HttpResponseInit = await handler(
    new HttpRequest({ url: 'http://localhost/api/x', method: 'GET' }),
    context,
  );
  return { response, body: response.jsonBody as { error: string; correlationId?: string }, logged };
}

describe('withErrorBoundary', () => {
  it.each([
    [new InvalidContinuationTokenError(), 400, /continuationToken: .*request the first page again/],
    [new DocumentNotFoundError('jobs', 'job-1'), 404, /No job 'job-1'/],
    [new BlobNotFoundError('portfolio-staging', 'portfolios/p/x.json'), 404, /submit the portfolio again/],
    [new JobAlreadyExistsError('job-1'), 409, /already exists/],
    [new ConcurrencyConflictError('jobs', 'job-1', 10), 409, /retry the operation later/],
    [new MessageTooLargeError('portfolio-alerts', 70_000), 413, /too large/],
  ])('answers %s with %i and a message a portal can show', async (error, status, message) => {
    const { response, body, logged } = await answerFor(error);
    expect(response.status).toBe(status);
    expect(body.error).toMatch(message);
    expect(logged).toEqual([]);
  });

  it('answers a dependency that is down with 503, Retry-After and a correlation id, logged once as a warning', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8081'), { code: 'ECONNREFUSED' });
    const { response, body, logged } = await answerFor(new Error('read failed', { cause: refused }));
    expect(response.status).toBe(503);
    expect(response.headers).toMatchObject({ 'retry-after': '5', 'x-correlation-id': 'inv-1234-5678' });
    expect(body.correlationId).toBe('inv-1234-5678');
    expect(body.error).not.toContain('ECONNREFUSED');
    expect(logged).toHaveLength(1);
    expect(logged[0]?.level).toBe('warning');
    expect(logged[0]?.text).toContain('ECONNREFUSED');
  });

  it('answers a Cosmos DB request that timed out (a server too busy to answer in time) with 503', async () => {
    // @azure/cosmos's own TimeoutError: code 'TimeoutError', after its client-side request timeout (60 s).
    const timedOut = Object.assign(new Error('Timeout Error! Request took more than 60000 ms'), {
      name: 'TimeoutError',
      code: 'TimeoutError',
    });
    const { response } = await answerFor(timedOut);
    expect(response.status).toBe(503);
    expect(response.headers).toMatchObject({ 'retry-after': '5' });
  });

  it('answers anything else with a JSON 500 that leaks nothing, and one log line with the id and the stack', async () => {
    const { response, body, logged } = await answerFor(
      new InvalidStoredDocumentError('jobs/job-9', ['status: expected one of queued, processing']),
    );
    expect(response.status).toBe(500);
    expect(body).toEqual({
      success: false,
      error: 'Internal error. Quote correlation id inv-1234-5678 when reporting it.',
      correlationId: 'inv-1234-5678',
    });
    expect(logged).toHaveLength(1);
    expect(logged[0]?.level).toBe('error');
    expect(logged[0]?.text).toMatch(
      /^getJob: unhandled error \[correlationId inv-1234-5678\] InvalidStoredDocumentError: /,
    );
    expect(logged[0]?.text).toContain('error-boundary.test.ts');
    expect(logged[0]?.text).not.toContain('\n');
  });

  it('answers only what the OpenAPI document lists: 500 and 503 on every operation, known errors where thrown', async () => {
    const document = openApiDocument('http://localhost/api');
    const operationIds = Object.values(document.paths as Record<string, Record<string, { operationId: string }>>)
      .flatMap((item) => Object.values(item))
      .map((operation) => operation.operationId);
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8081'), { code: 'ECONNREFUSED' });
    const [internal, unavailable] = [await answerFor(new Error('boom')), await answerFor(refused)];
    const thrownWhere: Array<[string, unknown]> = [
      ['listJobs', new InvalidContinuationTokenError()],
      ['getJobProperties', new InvalidContinuationTokenError()],
      ['redriveJob', new DocumentNotFoundError('jobs', 'job-1')],
      ['redriveJob', new ConcurrencyConflictError('jobs', 'job-1', 10)],
      ['revaluePortfolio', new BlobNotFoundError('portfolio-staging', 'portfolios/p/x.json')],
      ['analyzePortfolio', new MessageTooLargeError('portfolio-alerts', 70_000)],
    ];
    const known = await Promise.all(
      thrownWhere.map(async ([operationId, error]) => ({ operationId, ...(await answerFor(error)) })),
    );
    const recorded = (operationId: string, response: HttpResponseInit) => ({
      operationId,
      method: 'GET',
      url: 'http://localhost/api/x',
      status: response.status ?? 200,
      contentType: 'application/json',
      body: response.jsonBody as unknown,
    });
    const answers = [
      ...operationIds.flatMap((id) => [recorded(id, internal.response), recorded(id, unavailable.response)]),
      ...known.map((k) => recorded(k.operationId, k.response)),
    ];
    expect(operationIds.length).toBeGreaterThan(10);
    expect(answersAgainstDocument(answers, document)).toEqual([]);
  });

  it('passes what the handler answers unchanged', async () => {
    const answer = { status: 202, jsonBody: { ok: true } };
    const handler = withErrorBoundary(async () => answer);
    expect(await handler(new HttpRequest({ url: 'http://localhost/', method: 'GET' }), new InvocationContext())).toBe(
      answer,
    );
  });
});
