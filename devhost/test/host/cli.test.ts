// The CLI as a user runs it: a separate Node 22 process, ready line on stdout, clean exit on SIGTERM.
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnCli, type SpawnedCli } from '../spawn-cli.ts';
import { fixture } from './helpers.ts';

const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

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

  it('fails with usage on bad arguments', async () => {
    const cli = startCli(['start']);
    await cli.ready.catch(() => undefined);
    expect(await cli.exited).toBe(2);
    expect(cli.output()).toMatch(/--app is required/);
  });
});
