// The deployment zip, as Azure would receive it: built by the package script, unpacked into an empty folder
// outside the repository (so nothing resolves from the repository's node_modules), then run on devhost
// against Azurite and the Cosmos server for a small job.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { startDevHost, type DevHost } from 'devhost';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { serviceEndpoints } from '../fixtures.ts';
import { REPO_ROOT } from '../pipeline/harness.ts';

const work = mkdtempSync(path.join(tmpdir(), 'pa-package-'));
const appDir = path.join(work, 'app');
let zipFile: string;
let host: DevHost | undefined;

/** Unpacks `file` into `dir`, refusing entry names that would land outside it. */
async function unzip(file: string, dir: string): Promise<number> {
  const zip = await yauzl.openPromise(file);
  let count = 0;
  for await (const entry of zip.eachEntry()) {
    const target = path.join(dir, entry.fileName);
    if (!target.startsWith(`${dir}${path.sep}`)) throw new Error(`zip entry outside the folder: ${entry.fileName}`);
    if (entry.fileName.endsWith('/')) continue;
    mkdirSync(path.dirname(target), { recursive: true });
    await pipeline(await zip.openReadStreamPromise(entry), createWriteStream(target));
    count++;
  }
  return count;
}

beforeAll(async () => {
  const node = path.join(REPO_ROOT, 'node_modules/.bin/node');
  const { stdout } = await promisify(execFile)(node, ['scripts/package.ts', '--out', path.join(work, 'out')], {
    cwd: REPO_ROOT,
  });
  zipFile = path.join(work, 'out', 'portfolio-analytics.zip');
  expect(stdout).toContain('portfolio-analytics.zip');
  await unzip(zipFile, appDir);
}, 300_000);

afterAll(async () => {
  await host?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('the deployment zip', () => {
  it('holds the compiled app, host.json and a runtime-only package.json', () => {
    expect(readdirSync(appDir).sort()).toEqual(['dist', 'host.json', 'node_modules', 'package.json']);
    const manifest = JSON.parse(readFileSync(path.join(appDir, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest.main).toBe('dist/index.js');
    expect(manifest).not.toHaveProperty('devDependencies');
    expect(manifest).not.toHaveProperty('scripts');
    expect(existsSync(path.join(appDir, 'dist/index.js'))).toBe(true);
    expect(
      readdirSync(path.join(appDir, 'dist'), { recursive: true }).filter((f) => String(f).endsWith('.ts')),
    ).toEqual([]);
  });

  it('carries every production dependency and nothing local-only', () => {
    const modules = path.join(appDir, 'node_modules');
    const declared = Object.keys(
      (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies: object }).dependencies,
    );
    for (const name of declared) expect(existsSync(path.join(modules, name, 'package.json')), name).toBe(true);
    for (const name of [
      'devhost',
      'portfolio-analytics-cli',
      'azurite',
      '@vercel/cosmosdb-server',
      'commander',
      'cli-progress',
      'cli-table3',
      'vitest',
      'typescript',
      'node',
    ])
      expect(existsSync(path.join(modules, name)), name).toBe(false);
    // Resolved from the unpacked folder, not from the repository.
    const resolve = createRequire(path.join(appDir, 'dist/index.js')).resolve;
    expect(resolve('durable-functions').startsWith(modules)).toBe(true);
    expect(() => resolve('azurite')).toThrow();
  });

  it('runs a small job on devhost', async () => {
    const services = await serviceEndpoints();
    const databaseId = `pkg-${randomUUID().slice(0, 8)}`;
    Object.assign(process.env, {
      AzureWebJobsStorage: services.storageConnectionString,
      COSMOS_ENDPOINT: services.cosmosEndpoint,
      COSMOS_KEY: services.cosmosKey,
      COSMOS_DATABASE: databaseId,
      TASK_HUB_NAME: `hub${databaseId.replaceAll('-', '')}`,
      NIGHTLY_SCHEDULE: '0 0 2 * * *',
      CHUNK_SIZE: '10',
    });
    host = await startDevHost({
      appDir,
      port: 0,
      quiet: true,
      log: { info() {}, warn() {}, error: (m) => console.error(m) },
    });
    const sample = JSON.parse(readFileSync(path.join(REPO_ROOT, 'examples/portfolio-1000.json'), 'utf8')) as {
      properties: unknown[];
    };
    const accepted = await fetch(`${host.url}/api/portfolio/analyze`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        portfolioId: 'package-check',
        analysisType: 'comprehensive',
        properties: sample.properties.slice(0, 25),
      }),
    });
    expect(accepted.status).toBe(202);
    const { jobId } = (await accepted.json()) as { jobId: string };
    let job: { status: string; progress: { total: number; processed: number; failed: number } };
    for (;;) {
      job = ((await (await fetch(`${host.url}/api/portfolio/jobs/${jobId}`)).json()) as { job: typeof job }).job;
      if (!['queued', 'processing'].includes(job.status)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(job).toMatchObject({ status: 'completed', progress: { total: 25, processed: 25, failed: 0 } });
    const results = await fetch(`${host.url}/api/portfolio/jobs/${jobId}/results`);
    expect(results.status).toBe(200);
  }, 120_000);
});
