// GET /api/openapi.json: the API description, generated from the request and result schemas.
import { app, type HttpRequest, type HttpResponseInit } from '@azure/functions';
import { openApiDocument } from '../api/openapi.ts';

export async function getOpenApi(request: HttpRequest): Promise<HttpResponseInit> {
  return { status: 200, jsonBody: openApiDocument(new URL('/api', request.url).toString()) };
}

app.http('openApi', { route: 'openapi.json', methods: ['GET'], authLevel: 'anonymous', handler: getOpenApi });
