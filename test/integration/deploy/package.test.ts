// The deployment package, as Azure would receive it: built by the package script into an empty folder outside
// the repository (so nothing resolves from the repository's node_modules), its zip checked to hold exactly that
// folder's files byte for byte (every entry's size and CRC-32 against the file's), then the folder run on
// devhost against Azurite and the Cosmos server for a small job. Checking the zip against the folder, not
// unpacking it, spares the test writing and deleting 16,000 more files.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { crc32 } from 'node:zlib';
import { startDevHost, type DevHost } from 'devhost';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { fileStorageConnectionString } from '../../../devhost/test/azurite/helpers.ts';
import { serviceEndpoints } from '../fixtures.ts';
import { REPO_ROOT } from '../pipeline/harness.ts';

const work = mkdtempSync(path.join(tmpdir(), 'pa-package-'));
const appDir = path.join(work, 'out', 'package');
let zipFile: string;
let host: DevHost | undefined;

/** The zip's files: path (with `/`) to uncompressed size and CRC-32, read from its central directory. */
async function zipEntries(file: string): Promise<Map<string, { size: number; crc32: number }>> {
  const zip = await yauzl.openPromise(file);
  const entries = new Map<string, { size: number; crc32: number }>();
  for await (const entry of zip.eachEntry()) {
    if (entry.fileName.endsWith('/')) continue;
    entries.set(entry.fileName, { size: entry.uncompressedSize, crc32: entry.crc32 });
  }
  return entries;
}

beforeAll(async () => {
  const node = path.join(REPO_ROOT, 'node_modules/.bin/node');
  const { stdout } = await promisify(execFile)(node, ['scripts/package.ts', '--out', path.join(work, 'out')], {
    cwd: REPO_ROOT,
  });
  zipFile = path.join(work, 'out', 'portfolio-analytics.zip');
  expect(stdout).toContain('portfolio-analytics.zip');
}, 300_000);

// Generous hook limits: building, zipping and removing 16,000 files is slow on a busy machine.
afterAll(async () => {
  await host?.stop();
  await rm(work, { recursive: true, force: true });
}, 300_000);

describe('the deployment package', () => {
  it('zips exactly the package folder, byte for byte', async () => {
    const entries = await zipEntries(zipFile);
    const files = readdirSync(appDir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => path.relative(appDir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
      .sort();
    expect([...entries.keys()].sort()).toEqual(files);
    for (const file of files) {
      const bytes = readFileSync(path.join(appDir, file));
      expect(entries.get(file), file).toEqual({ size: bytes.length, crc32: crc32(bytes) });
    }
  });

  it('holds the compiled app, host.json and a runtime-only package.json', () => {
    expect(readdirSync(appDir).sort()).toEqual(['dist', 'host.json', 'node_modules', 'package.json']);
    const manifest = JSON.parse(readFileSync(path.join(appDir, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest.main).toBe('dist/index.js');
    expect(manifest).not.toHaveProperty('devDependencies');
    expect(manifest).not.toHaveProperty('scripts');
    expect(existsSync(path.join(appDir, 'dist/index.js'))).toBe(true);
    expect(existsSync(path.join(appDir, 'dist/web/index.html')), 'the dashboard build').toBe(true);
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
      'portfolio-analytics-web',
      'react',
      'vite',
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
    // Resolved from the package folder, not from the repository.
    const resolve = createRequire(path.join(appDir, 'dist/index.js')).resolve;
    expect(resolve('durable-functions').startsWith(modules)).toBe(true);
    expect(() => resolve('azurite')).toThrow();
  });

  it('runs a small job on devhost, with links on the host’s own address whatever Host the caller sends', async () => {
    const services = await serviceEndpoints();
    const databaseId = `pkg-${randomUUID().slice(0, 8)}`;
    Object.assign(process.env, {
      AzureWebJobsStorage: fileStorageConnectionString(),
      COSMOS_ENDPOINT: services.cosmosEndpoint,
      COSMOS_KEY: services.cosmosKey,
      COSMOS_DATABASE: databaseId,
      TASK_HUB_NAME: `hub${databaseId.replaceAll('-', '')}`,
      NIGHTLY_SCHEDULE: '0 0 2 * * *',
      CHUNK_SIZE: '10',
      // The purge below keeps nothing finished.
      PURGE_RETENTION_DAYS: '0',
    });
    host = await startDevHost({
      appDir,
      port: 0,
      quiet: true,
      log: { info: (m) => logged.push(m), warn() {}, error: (m) => console.error(m) },
    });
    const sample = JSON.parse(readFileSync(path.join(REPO_ROOT, 'examples/portfolio-1000.json'), 'utf8')) as {
      properties: unknown[];
    };
    const accepted = await postWithHost(`${host.url}/api/portfolio/analyze`, 'attacker.example', {
      portfolioId: 'package-check',
      analysisType: 'comprehensive',
      properties: sample.properties.slice(0, 25),
    });
    expect(accepted.status).toBe(202);
    const body = JSON.parse(accepted.text) as { jobId: string; statusUrl: string };
    jobId = body.jobId;
    expect(body.statusUrl).toBe(`${host.url}/api/portfolio/jobs/${jobId}`);
    expect(accepted.location).toBe(body.statusUrl);
    finished = await waitForJob(jobId);
    expect(finished).toMatchObject({ status: 'completed', progress: { total: 25, processed: 25, failed: 0 } });
    expect(finished.cost.actual).toBeGreaterThan(0);
    expect((await fetch(`${host.url}/api/portfolio/jobs/${jobId}/results`)).status).toBe(200);
  }, 120_000);

  it('writes one structured log line per chunk and per job phase', () => {
    const lines = logged
      .filter((m) => m.startsWith('{'))
      .map((m) => JSON.parse(m) as Record<string, unknown>)
      .filter((l) => l.jobId === jobId);
    const chunks = lines.filter((l) => l.event === 'chunkAnalyzed');
    expect(chunks.map((l) => l.chunk).sort()).toEqual([0, 1, 2]); // 25 properties, 10 a chunk
    expect(chunks.reduce((sum, l) => sum + Number(l.processed), 0)).toBe(25);
    expect(chunks.reduce((sum, l) => sum + Number(l.costCents), 0)).toBe(Math.round(finished.cost.actual * 100));
    for (const l of chunks) {
      expect(l.failed).toBe(0);
      expect(typeof l.durationMs).toBe('number');
    }
    // Each phase once, one pass (nothing failed to retry); the trigger logs 'submitted' after the start, so the
    // order of the first two may vary.
    const phases = lines.filter((l) => l.event === 'jobPhase').map((l) => String(l.phase));
    expect(phases.sort()).toEqual(['finished', 'pass', 'reported', 'started', 'submitted']);
    const finishedLine = lines.find((l) => l.phase === 'finished');
    expect(finishedLine).toMatchObject({ status: 'completed', processed: 25, failed: 0, left: 0 });
    expect(finishedLine?.costCents).toBe(Math.round(finished.cost.actual * 100));
  });

  it('purges finished instances and their jobProgress entity, and the job still reads the same', async () => {
    const instance = `${host!.url}/runtime/webhooks/durabletask/instances/${jobId}`;
    const entity = `${host!.url}/runtime/webhooks/durabletask/entities/jobProgress/${jobId}`;
    expect((await fetch(instance)).status).toBe(200);
    expect((await fetch(entity)).status).toBe(200);
    const invoked = await fetch(`${host!.url}/admin/functions/purgeHistory`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: '' }),
    });
    expect(invoked.status).toBe(202);
    expect((await fetch(instance)).status).toBe(404);
    expect((await fetch(entity)).status).toBe(404);
    const after = (await (await fetch(`${host!.url}/api/portfolio/jobs/${jobId}`)).json()) as { job: JobView };
    expect(after.job).toEqual(finished);
  });
});

interface JobView {
  status: string;
  progress: { total: number; processed: number; failed: number };
  cost: { actual: number };
}

let jobId: string;
let finished: JobView;
/** What the app logged (devhost's info lines). */
const logged: string[] = [];

async function waitForJob(id: string): Promise<JobView> {
  for (;;) {
    const { job } = (await (await fetch(`${host!.url}/api/portfolio/jobs/${id}`)).json()) as { job: JobView };
    if (!['queued', 'processing'].includes(job.status)) return job;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A JSON POST with the Host header of our choosing (fetch does not let a caller set it). */
function postWithHost(
  url: string,
  hostHeader: string,
  body: unknown,
): Promise<{ status: number; text: string; location: string | undefined }> {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { host: hostHeader, 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text, location: res.headers.location }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}
