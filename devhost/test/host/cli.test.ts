// The CLI as a user runs it: a separate Node 22 process, ready line on stdout, clean exit on SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, NODE, ROOT, spawnCli, type SpawnedCli } from '../spawn-cli.ts';
import { WAIT_MS } from '../durable/harness.ts';
import { fixture } from './helpers.ts';

const children: ChildProcess[] = [];
/** Processes that outlive the child a test started, when the behaviour under test is broken. */
const orphans: number[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  for (const pid of orphans) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function startCli(args: string[]): SpawnedCli {
  const cli = spawnCli(args);
  children.push(cli.child);
  return cli;
}

describe('devhost CLI', () => {
  it('prints the ready line, serves requests and exits 0 on SIGTERM', async () => {
    const cli = startCli(['start', '--app', fixture('esm-app'), '--port', '0', '--quiet']);
    const url = await cli.ready;
    const res = await fetch(`${url}/v1/greet/cli`);
    expect(await res.text()).toBe('hi cli');
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(cli.output()).not.toMatch(/ExperimentalWarning/);
  });

  it('exits 0 on SIGINT too', async () => {
    const cli = startCli(['start', '--app', fixture('cjs-app'), '--port', '0', '--quiet']);
    await cli.ready;
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
  });

  it('launched by npm, stops once the shell npm started it in is gone (npm passes a SIGTERM to that shell only)', async () => {
    // As `npx devhost start ... &` then `kill %1` in a script: npm ends its `sh -c`, devhost is re-parented.
    const command = `"${NODE}" "${BIN}" start --app "${fixture('esm-app')}" --port 0 & echo "pid $!"; wait`;
    const shell = spawn('sh', ['-c', command], {
      cwd: ROOT,
      env: { ...process.env, npm_command: 'exec', DEVHOST_MASTER_KEY: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(shell);
    let out = '';
    const waiting = new Set<() => void>();
    const read = (chunk: Buffer) => {
      out += chunk.toString();
      for (const check of waiting) check();
    };
    shell.stdout.on('data', read);
    shell.stderr.on('data', read);
    // The pipes close once devhost, the last process holding them, has exited and all it wrote is read.
    const closed = new Promise<void>((resolve) => shell.stdout.on('close', () => resolve()));
    const started = (pattern: RegExp) =>
      new Promise<string>((resolve, reject) => {
        const check = () => {
          const m = pattern.exec(out);
          if (m?.[1]) {
            waiting.delete(check);
            resolve(m[1]);
          }
        };
        waiting.add(check);
        shell.once('exit', () => reject(new Error(`exited early: ${out}`)));
        check();
      });
    const pid = Number(await started(/^pid (\d+)$/m));
    orphans.push(pid);
    const url = await started(/devhost listening on (\S+)/);
    expect((await fetch(`${url}/v1/greet/npm`)).status).toBe(200);

    shell.kill('SIGKILL');
    for (const end = Date.now() + WAIT_MS; Date.now() < end && alive(pid);)
      await new Promise((resolve) => setTimeout(resolve, 25));
    expect(alive(pid)).toBe(false);
    await closed;
    expect(out).toMatch(/devhost: the process that started devhost ended, stopping/);
  });

  it('names the port when it is in use', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      const cli = startCli(['start', '--app', fixture('esm-app'), '--port', String(port), '--quiet']);
      expect(await cli.exited).toBe(1);
      expect(cli.output()).toContain(`devhost: port ${port} on 127.0.0.1 is in use`);
    } finally {
      taken.close();
    }
  });

  it('fails with usage on bad arguments', async () => {
    const cli = startCli(['start']);
    await cli.ready.catch(() => undefined);
    expect(await cli.exited).toBe(2);
    expect(cli.output()).toMatch(/--app is required/);
  });
});
