// The dashboard's built files (web/ built by Vite into dist/web), held in memory and served by the
// dashboard function. Only files of the build are served: a path is looked up in the file table, never
// joined onto the file system, so nothing outside the build can be reached.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Asset {
  body: Buffer;
  contentType: string;
  /** Vite names files under assets/ by content hash: they never change, so browsers keep them. */
  immutable: boolean;
}

/** Content types of what a Vite build writes. */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** dist/web beside the compiled functions (dist/functions/*.js -> dist/web). */
export const DASHBOARD_DIR = fileURLToPath(new URL('../web/', import.meta.url));

/**
 * Every file under `dir`, keyed by its path relative to `dir` with forward slashes (`assets/index-3f2a.js`).
 * Answers undefined when the dashboard has not been built (`npm run build` builds it).
 */
export async function loadAssets(dir: string = DASHBOARD_DIR): Promise<Map<string, Asset> | undefined> {
  let names: string[];
  try {
    names = await readdir(dir, { recursive: true });
  } catch {
    return undefined;
  }
  const assets = new Map<string, Asset>();
  for (const name of names) {
    const contentType = CONTENT_TYPES[path.extname(name).toLowerCase()];
    if (!contentType) continue;
    const key = name.split(path.sep).join('/');
    assets.set(key, { body: await readFile(path.join(dir, name)), contentType, immutable: key.startsWith('assets/') });
  }
  return assets.has('index.html') ? assets : undefined;
}

/**
 * Headers of every dashboard answer. The page loads only its own scripts and talks only to its own origin;
 * inline styles are allowed because the chart library positions its tooltips and SVG with style attributes.
 */
export const DASHBOARD_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};
