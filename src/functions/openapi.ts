// GET /api/openapi.json: the API description, generated from the request and result schemas.
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { openApiDocument } from '../api/openapi.ts';

export function getOpenApi(request: HttpRequest): HttpResponseInit {
  return { status: 200, jsonBody: openApiDocument(new URL('/api', request.url).toString()) };
}
