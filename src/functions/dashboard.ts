// GET /api/dashboard/{*path}: the analysts' dashboard (web/, built into dist/web), served by the app itself
// so every deployment has it at the same address as its API. Anonymous at the Functions level: the files
// hold no data, and every API call the page makes carries the caller's credentials (README: Dashboard).
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { DASHBOARD_HEADERS, loadAssets, type Asset } from '../api/dashboard-assets.ts';

let assets: Promise<Map<string, Asset> | undefined> | undefined;

export async function serveDashboard(request: HttpRequest): Promise<HttpResponseInit> {
  // A build that is missing now may appear later (npm run build while the host runs): retry until found.
  assets ??= loadAssets().then((found) => {
    if (!found) assets = undefined;
    return found;
  });
  const files = await assets;
  if (!files)
    return {
      status: 503,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: 'The dashboard has not been built: run `npm run build`, then reload.',
    };
  const requested = request.params.path ?? '';
  const asset = files.get(requested === '' ? 'index.html' : requested);
  if (!asset) return { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Not found' };
  return {
    status: 200,
    headers: {
      ...DASHBOARD_HEADERS,
      'content-type': asset.contentType,
      'cache-control': asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    },
    body: asset.body,
  };
}
