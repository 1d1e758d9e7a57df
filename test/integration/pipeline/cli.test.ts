// The portfolio-analytics CLI as a user runs it (issue 11.8): a child process against the app on devhost.
// Ctrl-C during `analyze` is a real SIGINT to the child, answered on its standard input; the sandbox holds
// its answers meanwhile, so the job is still running whatever the machine's pace.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { parse } from 'csv-parse/sync';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../scripts/local-services.ts';
import { collectOutput } from './child-output.ts';
import { startPipeline, REPO_ROOT, type PipelineHarness } from './harness.ts';

const CLI = path.join(REPO_ROOT, 'cli/bin/portfolio-analytics.js');
const sampleCsv = readFileSync(`${REPO_ROOT}examples/portfolio-1000.csv`, 'utf8').trimEnd().split('\n');

let h: PipelineHarness;
let dir: string;
/** A CSV of the sample's first `n` properties, written to the test's directory. */
const csvFile = (name: string, n: number) => {
  const file = path.join(dir, `${name}.csv`);
  writeFileSync(file, `${sampleCsv.slice(0, n + 1).join('\n')}\n`);
  return file;
};

interface Run {
  /** Everything written so far, stdout and stderr interleaved. */
  output(): string;
  /** Resolves when the output matches `pattern`; rejects if the process exits first. */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
  write(text: string): void;
  signal(signal: NodeJS.Signals): void;
  exit: Promise<number | null>;
}

/** Starts the CLI (Node 22 from the test's own process) with `args`; `env` is added to the test's. */
function start(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORTFOLIO_ANALYTICS_URL: h.url, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const { output, waitFor, exit } = collectOutput(child, 'the CLI');
  return {
    output,
    waitFor: (pattern) => waitFor(pattern),
    write: (input) => child.stdin.write(input),
    signal: (signal) => child.kill(signal),
    exit,
  };
}

/** Runs the CLI to its end. */
async function run(args: string[], env: Record<string, string> = {}) {
  const cli = start(args, env);
  cli.write('');
  const code = await cli.exit;
  return { code, out: cli.output() };
}

beforeAll(async () => {
  h = await startPipeline({ env: { CHUNK_SIZE: '10', MAX_CONCURRENT_CHUNKS: '2', PROPERTY_CONCURRENCY: '2' } });
  dir = mkdtempSync(path.join(tmpdir(), 'pa-cli-test-'));
});
afterAll(async () => {
  h?.sandbox.release();
  await h?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('Ctrl-C during analyze', () => {
  // A test that fails while the sandbox holds its answers must not leave the next test's job waiting.
  afterEach(() => h.sandbox.release());

  it('offers to cancel the job; yes cancels it and says where its report will be', async () => {
    h.sandbox.hold();
    const cli = start(['analyze', csvFile('interrupt-yes', 60), '--type', 'valuation', '--portfolio-id', 'cli-ctrl-c']);
    const [, jobId] = await cli.waitFor(/job (job-\S+): Analysis of 60 properties started/);
    cli.signal('SIGINT');
    await cli.waitFor(/Cancel the job\? .*\[y\/N\]/);
    expect(cli.output()).toContain(`Stopped following job ${jobId}: processing`);
    cli.write('y\n');
    expect(await cli.exit).toBe(130);
    expect(cli.output()).toMatch(/Cancellation initiated/);
    expect(cli.output()).toContain(`its report: portfolio-analytics results ${jobId}`);
    h.sandbox.release();
    const job = await h.waitForJob(jobId!);
    expect(job.status).toBe('cancelled');
    expect(job.progress.processed).toBeLessThan(60);
  });

  it('leaves the job running when the answer is no, and says how to cancel it later', async () => {
    h.sandbox.hold();
    const cli = start(['analyze', csvFile('interrupt-no', 30), '--type', 'valuation']);
    const [, jobId] = await cli.waitFor(/job (job-\S+): Analysis of 30 properties started/);
    cli.signal('SIGINT');
    await cli.waitFor(/\[y\/N\]/);
    cli.write('\n');
    expect(await cli.exit).toBe(130);
    expect(cli.output()).toContain(`Job ${jobId} was not cancelled. Later:`);
    expect(cli.output()).toContain(`cancel it:  portfolio-analytics cancel ${jobId}`);
    h.sandbox.release();
    expect((await h.waitForJob(jobId!)).status).toBe('completed');
  });
});

describe('commands', () => {
  it('takes the connection options before or after the subcommand, and estimates a CSV file', async () => {
    const csv = csvFile('estimate', 20);
    const env = { PORTFOLIO_ANALYTICS_URL: 'http://127.0.0.1:1' }; // wrong unless --url is read
    const before = await run(['--url', h.url, 'estimate', csv, '--type', 'risk'], env);
    const after = await run(['estimate', '--type', 'risk', csv, '--url', h.url], env);
    expect(before.out).toContain('$0.20 for 20 properties: risk $0.20');
    expect(after.out).toBe(before.out);
  });

  it('lists jobs and exports properties as CSV, filtered on the server', async () => {
    const analyzed = await run([
      'analyze',
      csvFile('listed', 25),
      '--type',
      'valuation',
      '--portfolio-id',
      'cli-listed',
      '--out',
      dir,
    ]);
    expect(analyzed.code).toBe(0);
    const jobId = /job (job-\S+):/.exec(analyzed.out)![1]!;
    const jobs = await run(['jobs', '--portfolio', 'cli-listed']);
    expect(jobs.out).toContain(jobId);
    expect(jobs.out).toMatch(/completed\s*│\s*25\/25/);
    const exported = path.join(dir, 'tx.csv');
    const csv = await run(['properties', jobId, '--state', 'TX', '--csv', exported]);
    const rows = parse<Record<string, string>>(readFileSync(exported, 'utf8'), { columns: true });
    expect(csv.out).toContain(`${rows.length} properties written to ${exported}`);
    const stateColumn = sampleCsv[0]!.split(',').indexOf('state');
    const texans = sampleCsv.slice(1, 26).filter((line) => line.split(',')[stateColumn] === 'TX').length;
    expect(rows).toHaveLength(texans);
    expect(rows.every((r) => r.state === 'TX' && r['valuation.estimatedValue'] !== '')).toBe(true);
    const table = await run(['properties', jobId, '--filter', 'failed']);
    expect(table.out.trim()).toBe('No properties.');
  });

  it('says why a failed job failed: the job, its /results 409 and analyze (exit 1) carry the cause', async () => {
    // Rows no other test of this file values (the cache would answer them without an AVM call to hold).
    const file = path.join(dir, 'fails.csv');
    writeFileSync(file, `${[sampleCsv[0], ...sampleCsv.slice(901, 931)].join('\n')}\n`);
    const staging = BlobServiceClient.fromConnectionString(h.env.AzureWebJobsStorage!).getContainerClient(
      h.env.STAGING_CONTAINER!,
    );
    h.sandbox.hold();
    const cli = start(['analyze', file, '--type', 'valuation', '--portfolio-id', 'cli-fails']);
    try {
      const [, jobId] = await cli.waitFor(/job (job-\S+): Analysis of 30 properties started/);
      // Both lanes' first chunks have read their properties once more AVM calls are held than one chunk makes
      // (PROPERTY_CONCURRENCY 2); then the staged chunks go, and lane 0's second chunk fails every attempt.
      const deadline = Date.now() + 120_000;
      while (h.sandbox.stats().pending < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await staging.delete();
      h.sandbox.release();
      expect(await cli.exit).toBe(1);
      const job = await h.waitForJob(jobId!);
      expect(job.status).toBe('failed');
      expect(job.error).toMatch(/failed every attempt/);
      expect(cli.output()).toContain(`job ${jobId} failed: `);
      expect(cli.output()).toContain(`why: ${job.error}`);
      const results = await h.get(`/api/portfolio/jobs/${jobId}/results`);
      expect(results.status).toBe(409);
      expect(((await results.json()) as { error: string }).error).toContain(job.error);
    } finally {
      h.sandbox.release();
      await staging.createIfNotExists();
    }
  });

  it('says why a job stopped short: its budget spent, the reason on the final line', async () => {
    // Rows no other test of this file values (a cached value would cost nothing and spend no budget).
    const file = path.join(dir, 'budget.csv');
    writeFileSync(file, `${[sampleCsv[0], ...sampleCsv.slice(971, 991)].join('\n')}\n`);
    const { code, out } = await run(['analyze', file, '--type', 'valuation', '--budget', '0.1', '--allow-partial']);
    expect(code).toBe(0);
    const jobId = /job (job-\S+): Analysis of 20 properties started/.exec(out)![1]!;
    const job = await h.waitForJob(jobId);
    expect(job.status).toBe('budget_exceeded');
    expect(job.statusReason).toMatch(/\S/);
    expect(out).toContain(`job ${jobId} budget_exceeded: ${job.progress.processed}/20 properties`);
    expect(out).toContain(`why: ${job.statusReason}`);
  });

  it('follows a tape by reference through its read, and prints a rejection with its errors (exit 1)', async () => {
    const uploads = BlobServiceClient.fromConnectionString(h.env.AzureWebJobsStorage!).getContainerClient(
      h.env.UPLOADS_CONTAINER!,
    );
    await uploads.createIfNotExists();
    const tape = `${sampleCsv.slice(0, 6).join('\n')}\n`.replace(',TX,77013,', ',TX,,');
    await uploads.getBlockBlobClient('cli/bad.csv').upload(tape, Buffer.byteLength(tape), {
      blobHTTPHeaders: { blobContentType: 'text/csv' },
    });
    const file = path.join(dir, 'by-reference.json');
    writeFileSync(
      file,
      JSON.stringify({ portfolioId: 'cli-blob', analysisType: 'risk', propertiesBlob: 'cli/bad.csv' }),
    );
    const { code, out } = await run(['analyze', file]);
    // On the output rather than on a match, so that a failure shows what the CLI printed.
    expect(out).toMatch(/job job-\S+ reading: Accepted: the tape 'cli\/bad\.csv' is being read/);
    expect(code).toBe(1);
    const jobId = /job (job-\S+) reading/.exec(out)![1]!;
    const job = await h.waitForJob(jobId);
    expect(job.status).toBe('rejected');
    expect(out).toContain(`job ${jobId} rejected: 0/0 properties, 0 failed\n  why: ${job.statusReason}`);
    for (const e of job.errors!) expect(out).toContain(`  ${e.path}: ${e.message}`);
    expect(job.errors!.map((e) => e.path)).toEqual(['row 2, column zip']);
  });

  it('names the URL it tried when the server is down', async () => {
    const port = await freePort();
    const down = await run(['status', 'job-x', '--url', `http://127.0.0.1:${port}`]);
    expect(down.code).toBe(1);
    expect(down.out).toContain(
      `Cannot reach Portfolio Analytics at http://127.0.0.1:${port}/api/portfolio/jobs/job-x: connection refused.`,
    );
  });
});
