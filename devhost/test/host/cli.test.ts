// The CLI as a user runs it: a separate Node 22 process, ready line on stdout, clean exit on SIGTERM.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture } from './helpers.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const node = `${root}node_modules/.bin/node`;
const bin = `${root}devhost/bin/devhost.js`;
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

function startCli(args: string[]): { child: ChildProcess; ready: Promise<string>; exited: Promise<number | null>; output: () => string } {
  const child = spawn(node, [bin, ...args], { cwd: root, env: { ...process.env, DEVHOST_MASTER_KEY: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /^devhost listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('exit', (code) => reject(new Error(`devhost exited early (${code}): ${out}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, ready, exited, output: () => out };
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

  it('fails with usage on bad arguments', async () => {
    const cli = startCli(['start']);
    await cli.ready.catch(() => undefined);
    expect(await cli.exited).toBe(2);
    expect(cli.output()).toMatch(/--app is required/);
  });
});
