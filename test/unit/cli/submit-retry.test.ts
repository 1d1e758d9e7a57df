// `analyze` submits under an Idempotency-Key of its own when none is given, so that a submission it tries again
// after a 503 (try-again.ts) names the job the server may already have started; a server error it does not try
// again ends with the key to send. The server here speaks the API's contract; the CLI is run in-process.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../cli/main.ts';
import type { TapeAccepted } from '../../../src/api/answers.ts';

const accepted: TapeAccepted = {
  success: true,
  jobId: 'job-1',
  status: 'reading',
  propertiesBlob: 'book.csv',
  message: "Accepted: the tape 'book.csv' is being read.",
  statusUrl: '/api/portfolio/jobs/job-1',
};

let server: Server | undefined;
let dir: string;
let printed: string[];
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'pa-cli-submit-'));
  printed = [];
  const print = (...args: unknown[]) => void printed.push(args.join(' '));
  vi.spyOn(console, 'log').mockImplementation(print);
  vi.spyOn(console, 'error').mockImplementation(print);
});
afterEach(async () => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
  rmSync(dir, { recursive: true, force: true });
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

/** An API whose POST /analyze answers each status of `answers` in turn (then 202), recording each request's headers. */
async function api(answers: number[]): Promise<{ url: string; posts: IncomingHttpHeaders[] }> {
  const posts: IncomingHttpHeaders[] = [];
  server = createServer((request, response) => {
    request.resume();
    posts.push(request.headers);
    const status = answers[posts.length - 1] ?? 202;
    response.writeHead(status, { 'content-type': 'application/json', ...(status === 503 && { 'retry-after': '0' }) });
    response.end(
      JSON.stringify(status === 202 ? accepted : { success: false, error: 'storage is down', correlationId: 'c-1' }),
    );
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, posts };
}

/** Runs `analyze` on a request by reference, without following the job. */
async function analyze(url: string, ...extra: string[]): Promise<void> {
  const file = path.join(dir, 'request.json');
  writeFileSync(file, JSON.stringify({ portfolioId: 'PF-1', analysisType: 'risk', propertiesBlob: 'book.csv' }));
  await main(['node', 'portfolio-analytics', 'analyze', file, '--no-wait', '--url', url, ...extra]);
}

describe('analyze through a moment of 503s', () => {
  it('sends the submission again under the same key of its own, and prints the one job', async () => {
    const server = await api([503, 503]);
    await analyze(server.url);
    expect(server.posts).toHaveLength(3);
    const keys = server.posts.map((headers) => headers['idempotency-key']);
    expect(keys[0]).toMatch(/^cli-[0-9a-f-]{36}$/);
    expect(new Set(keys).size).toBe(1);
    expect(printed).toEqual([`job job-1 reading: ${accepted.message}`]);
    expect(process.exitCode).toBeUndefined();
  });

  it('keeps the key it is given', async () => {
    const server = await api([503]);
    await analyze(server.url, '--idempotency-key', 'book-2026-11');
    expect(server.posts.map((headers) => headers['idempotency-key'])).toEqual(['book-2026-11', 'book-2026-11']);
  });

  it('does not send it again after a 500, and names the key that gets the job without starting a second', async () => {
    const server = await api([500]);
    await analyze(server.url);
    expect(server.posts).toHaveLength(1);
    const key = String(server.posts[0]!['idempotency-key']);
    expect(process.exitCode).toBe(1);
    expect(printed.join('\n')).toContain(`run the same command with --idempotency-key ${key} to get it`);
  });
});
