// `devhost start --store azurite` without --storage: devhost starts Azurite as a detached process with its data
// under --data; a host killed with SIGKILL leaves it running and the next start reattaches; a clean stop stops it.
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnCli, type SpawnedCli } from '../spawn-cli.ts';
import type { AzuriteProcessInfo } from '../../src/azurite-process.ts';

const app = fileURLToPath(new URL('../fixtures/orchestration-app/', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'devhost-data-'));
const children: ChildProcess[] = [];

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const info = () => JSON.parse(readFileSync(join(dataDir, 'azurite.json'), 'utf8')) as AzuriteProcessInfo;

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (existsSync(join(dataDir, 'azurite.json'))) {
    const { pid } = info();
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
  rmSync(dataDir, { recursive: true, force: true });
});

function startHost(): SpawnedCli {
  const cli = spawnCli(['start', '--app', app, '--port', '0', '--store', 'azurite', '--data', dataDir, '--quiet']);
  children.push(cli.child);
  return cli;
}

async function waitCompleted(url: string, id: string): Promise<{ runtimeStatus: string; output: unknown }> {
  for (let i = 0; i < 400; i++) {
    const response = await fetch(`${url}/runtime/webhooks/durabletask/instances/${id}`);
    if (response.status === 200) {
      const status = (await response.json()) as { runtimeStatus: string; output: unknown };
      if (status.runtimeStatus === 'Completed') return status;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${id} did not complete`);
}

describe('devhost-managed Azurite', () => {
  it('starts Azurite detached, reattaches after a host crash, and stops it on a clean stop', async () => {
    const first = startHost();
    const url = await first.ready;
    const { pid, ports } = info();
    expect(alive(pid)).toBe(true);
    expect(existsSync(join(dataDir, 'azurite'))).toBe(true);
    await fetch(`${url}/api/start/helloSequence/kept`, { method: 'POST', body: JSON.stringify(['x']) });
    expect((await waitCompleted(url, 'kept')).output).toEqual(['Hello x']);

    first.child.kill('SIGKILL');
    await first.exited;
    expect(alive(pid)).toBe(true); // the storage outlives the host

    const second = startHost();
    const url2 = await second.ready;
    expect(info()).toMatchObject({ pid, ports }); // reattached
    expect((await waitCompleted(url2, 'kept')).output).toEqual(['Hello x']);

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(alive(pid)).toBe(false);
    expect(existsSync(join(dataDir, 'azurite.json'))).toBe(false);
  }, 30_000);
});
