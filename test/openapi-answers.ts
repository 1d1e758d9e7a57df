// Holds the app to its OpenAPI document: every answer an HTTP trigger gives during an integration test
// file is recorded (an @azure/functions postInvocation hook, which devhost runs for each invocation in this
// process, whoever sent the request: the tests, the CLI, the harness's polling), then validated against the
// response schema the document lists for that operation (operationId = function name) and status, with
// Ajv's JSON Schema 2020-12 validator, the dialect of OpenAPI 3.1.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { HttpResponseInit } from '@azure/functions';
import { expect, it } from 'vitest';
import { openApiDocument, type JsonObject } from '../src/api/openapi.ts';

export interface RecordedAnswer {
  operationId: string;
  method: string;
  url: string;
  status: number;
  /** The answer's media type, without parameters ('application/json' for jsonBody). */
  contentType: string;
  /** The JSON body; undefined for any other media type. */
  body: unknown;
}

/** Starts recording the answers of every HTTP trigger (operationId = function name); dispose() stops it. */
export async function recordAnswers(): Promise<{ answers: RecordedAnswer[]; dispose(): void }> {
  const { app } = await import('@azure/functions');
  const answers: RecordedAnswer[] = [];
  const hook = app.hook.postInvocation((context) => {
    const operationId = context.invocationContext.functionName;
    if (context.invocationContext.options.trigger.type !== 'httpTrigger' || context.error !== undefined) return;
    const request = context.inputs[0] as { method: string; url: string };
    const result = context.result as HttpResponseInit;
    const headers = new Headers(result.headers);
    const contentType =
      result.jsonBody !== undefined ? 'application/json' : (headers.get('content-type') ?? '').split(';')[0]!.trim();
    answers.push({
      operationId,
      method: request.method,
      url: request.url,
      status: result.status ?? 200,
      contentType,
      body:
        (result.jsonBody as unknown) ??
        (contentType === 'application/json' && typeof result.body === 'string'
          ? (JSON.parse(result.body) as unknown)
          : undefined),
    });
  });
  return {
    answers,
    dispose: () => {
      hook.dispose();
    },
  };
}

/** The operations of the document by operationId, with their responses. */
function operationsOf(document: JsonObject): Record<string, { responses: Record<string, JsonObject> }> {
  const operations: Record<string, { responses: Record<string, JsonObject> }> = {};
  for (const pathItem of Object.values(document.paths as Record<string, Record<string, JsonObject>>))
    for (const operation of Object.values(pathItem))
      operations[operation.operationId as string] = operation as { responses: Record<string, JsonObject> };
  return operations;
}

/** What is wrong with each answer that the document does not allow, one line per answer (empty: all fine). */
export function answersAgainstDocument(answers: readonly RecordedAnswer[], document: JsonObject): string[] {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  ajv.addSchema(
    { $id: 'https://portfolio-analytics.invalid/openapi.json', components: document.components },
    'https://portfolio-analytics.invalid/openapi.json',
  );
  const operations = operationsOf(document);
  const validators = new Map<JsonObject, ValidateFunction>();
  const problems: string[] = [];
  for (const a of answers) {
    const where = `${a.method} ${new URL(a.url).pathname} (${a.operationId}) answered ${a.status}`;
    const operation = operations[a.operationId];
    if (!operation) {
      problems.push(`${where}: the document has no operation ${a.operationId}`);
      continue;
    }
    const response = operation.responses[String(a.status)];
    if (!response) {
      problems.push(`${where}: the document lists no such status`);
      continue;
    }
    const content = (response.content ?? {}) as Record<string, { schema?: JsonObject }>;
    if (a.contentType !== 'application/json') {
      if (!content[a.contentType] && !content['*/*']) problems.push(`${where}: ${a.contentType} is not listed`);
      continue;
    }
    const schema = content['application/json']?.schema;
    if (!schema) {
      problems.push(`${where}: a JSON body where the document lists none`);
      continue;
    }
    let validate = validators.get(schema);
    if (!validate) {
      const absolute = JSON.stringify(schema).replaceAll(
        '"#/components/',
        '"https://portfolio-analytics.invalid/openapi.json#/components/',
      );
      validate = ajv.compile(JSON.parse(absolute) as JsonObject);
      validators.set(schema, validate);
    }
    if (!validate(a.body)) {
      const errors = (validate.errors ?? []).map((e) => {
        const extra = (e.params as { additionalProperty?: string }).additionalProperty;
        return `${e.instancePath || '(body)'} ${e.message ?? ''}${extra ? ` '${extra}'` : ''}`;
      });
      problems.push(`${where}: ${errors.join('; ')}`);
    }
  }
  return problems;
}

/**
 * Declares the test that checks every answer recorded so far: put it last in the file, after the tests
 * whose answers it checks.
 */
export function itAnswersAsDocumented(app: () => { url: string; answers: readonly RecordedAnswer[] }): void {
  it('answered every request as its OpenAPI document says', () => {
    const { url, answers } = app();
    expect(answers.length).toBeGreaterThan(0);
    expect(answersAgainstDocument(answers, openApiDocument(`${url}/api`))).toEqual([]);
  });
}
