// GET /api/openapi.json: the API description, generated from the request and result schemas. Its server is
// the API's public base URL (PUBLIC_BASE_URL), never the request's Host header.
import type { HttpResponseInit } from '@azure/functions';
import { openApiDocument } from '../api/openapi.ts';
import { publicUrl } from '../api/public-url.ts';
import type { AppServices } from '../services.ts';

export function getOpenApi({ settings }: AppServices): Promise<HttpResponseInit> {
  return Promise.resolve({ status: 200, jsonBody: openApiDocument(publicUrl(settings.host.publicBaseUrl, '/api')) });
}
