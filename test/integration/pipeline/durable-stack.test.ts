// The durable local stack (issue 12 items 3 and 4), as a user runs it: `npm start`'s script as a child
// process on a data folder. The Cosmos DB server killed mid-job is started again on its documents (the
// job ends, completed or failed, never hangs; later requests work); the whole stack killed with SIGKILL
// and started again has the finished job, its report and its Idempotency-Key; `--fresh` starts empty.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isAlive } from 'devhost';
import { afterAll, describe, expect, it } from 'vitest';
import { collectOutput } from './child-output.ts';
import { REPO_ROOT } from './harness.ts';

const sample = JSON.parse(readFileSync(path.join(REPO_ROOT, 'examples/portfolio-1000.json'), 'utf8')) as {
  properties: unknown[];
};
const dataDir = mkdtempSync(path.join(tmpdir(), 'durable-stack-'));
const started: ChildProcess[] = [];

interface Stack {
  child: ChildProcess;
  url: string;
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  exit: Promise<number | null>;
}

/** Runs scripts/start.ts (what `npm start` runs after its build) on the test's data folder. */
async function startStack(...args: string[]): Promise<Stack> {
  const child = spawn(process.execPath, ['scripts/start.ts', '--data', dataDir, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: '0', SANDBOX_AVM_PORT: '0', QUIET: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  const { output, waitFor: waitForOutput, exit } = collectOutput(child, 'the stack', 'exit');
  const waitFor = (pattern: RegExp, timeoutMs = 150_000) => waitForOutput(pattern, timeoutMs);
  const running = await waitFor(/Portfolio Analytics is running: (\S+)\/api/);
  return { child, url: running[1]!, output, waitFor, exit };
}

async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`still waiting for ${what} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function analyze(url: string, portfolioId: string, count: number, key?: string): Promise<Response> {
  return fetch(`${url}/api/portfolio/analyze`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key && { 'idempotency-key': key }) },
    body: JSON.stringify({ portfolioId, analysisType: 'valuation', properties: sample.properties.slice(0, count) }),
  });
}

interface Job {
  jobId: string;
  status: string;
  error?: string;
  progress: { total: number; processed: number; failed: number };
}

async function job(url: string, jobId: string): Promise<Response> {
  return fetch(`${url}/api/portfolio/jobs/${jobId}`);
}

async function finished(url: string, jobId: string): Promise<Job> {
  const deadline = Date.now() + 150_000;
  for (;;) {
    const response = await job(url, jobId);
    // While the Cosmos DB server is starting again the app answers 503: a status to wait on, never a 500.
    expect([200, 503]).toContain(response.status);
    if (response.status === 200) {
      const view = ((await response.json()) as { job: Job }).job;
      if (!['queued', 'processing'].includes(view.status)) return view;
    }
    if (Date.now() > deadline) throw new Error(`job ${jobId} did not end within 150 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

afterAll(async () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  // An Azurite left by a killed stack: its pid is in the data folder.
  const record = path.join(dataDir, 'azurite.json');
  if (existsSync(record)) {
    const { pid } = JSON.parse(readFileSync(record, 'utf8')) as { pid: number };
    if (isAlive(pid)) process.kill(pid, 'SIGTERM');
    await until(() => !isAlive(pid), 'Azurite to stop', 15_000).catch(() => process.kill(pid, 'SIGKILL'));
  }
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the durable local stack', () => {
  it('survives its Cosmos DB server restarting mid-job and a kill -9 of the whole stack; --fresh starts empty', async () => {
    const first = await startStack();
    const cosmosPid = Number((await first.waitFor(/cosmos server {2}\S+, pid (\d+)/))[1]);

    // The Cosmos DB server killed right after a job was accepted: it is started again on its documents and
    // the job ends (completed, or failed), never hangs.
    const accepted = await analyze(first.url, 'durable-restart', 30);
    expect(accepted.status).toBe(202);
    const { jobId: interrupted } = (await accepted.json()) as { jobId: string };
    process.kill(cosmosPid, 'SIGKILL');
    await first.waitFor(/cosmos server {2}running again \(pid \d+\)/);
    const ended = await finished(first.url, interrupted);
    expect(['completed', 'failed']).toContain(ended.status);
    if (ended.status === 'completed') expect(ended.progress).toMatchObject({ total: 30, processed: 30 });
    // A job the restart failed says why.
    else expect(ended.error).toMatch(/\S/);

    // Later requests work: a job with an Idempotency-Key runs to its report.
    const submitted = await analyze(first.url, 'durable-kept', 12, 'durable-key-1');
    expect(submitted.status).toBe(202);
    const { jobId } = (await submitted.json()) as { jobId: string };
    expect(await finished(first.url, jobId)).toMatchObject({ status: 'completed', progress: { processed: 12 } });
    const report: unknown = await (await fetch(`${first.url}/api/portfolio/jobs/${jobId}/results`)).json();

    // kill -9 of the stack: its Cosmos DB server and its Azurite follow it (no orphans: Azurite flushes its files
    // as it goes), and the next start finds everything on disk.
    const serverPid = Number(/cosmos server {2}running again \(pid (\d+)\)/.exec(first.output())![1]);
    const azuritePid = Number(/azurite .*, pid (\d+)/.exec(first.output())![1]);
    first.child.kill('SIGKILL');
    await first.exit;
    await until(() => !isAlive(serverPid), 'the Cosmos DB server to follow its stack');
    await until(() => !isAlive(azuritePid), 'Azurite to follow its stack');

    const second = await startStack();
    expect(second.output()).not.toContain('(reattached)');
    const kept = (await (await job(second.url, jobId)).json()) as { job: Job };
    expect(kept.job).toMatchObject({ jobId, status: 'completed', progress: { processed: 12 } });
    expect(await (await fetch(`${second.url}/api/portfolio/jobs/${jobId}/results`)).json()).toEqual(report);
    const again = await analyze(second.url, 'durable-kept', 12, 'durable-key-1');
    expect(again.status).toBe(202);
    expect(((await again.json()) as { jobId: string }).jobId).toBe(jobId);
    const listed = (await (await fetch(`${second.url}/api/portfolio/jobs?portfolioId=durable-kept`)).json()) as {
      jobs: Job[];
    };
    expect(listed.jobs.map((j) => j.jobId)).toEqual([jobId]);
    second.child.kill('SIGTERM');
    expect(await second.exit).toBe(0);

    const fresh = await startStack('--fresh');
    expect((await job(fresh.url, jobId)).status).toBe(404);
    fresh.child.kill('SIGTERM');
    expect(await fresh.exit).toBe(0);
  });

  it('stops, naming Azurite and its log, when Azurite dies', async () => {
    const stack = await startStack('--memory');
    const azuritePid = Number((await stack.waitFor(/azurite .*, pid (\d+)/))[1]);
    process.kill(azuritePid, 'SIGKILL');
    expect(await stack.exit).toBe(1);
    expect(stack.output()).toMatch(
      new RegExp(`the stack cannot go on: Azurite \\(pid ${azuritePid}\\) is gone: .* Its log: \\S+azurite\\.log`),
    );
  });
});
