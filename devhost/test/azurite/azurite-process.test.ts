// `devhost start --store azurite` without --storage: devhost starts Azurite as a detached process with its data
// under --data; a host killed with SIGKILL leaves it running and the next start reattaches; a clean stop stops it.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { AzuriteProcessInfo } from '../../src/azurite-process.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const node = `${root}node_modules/.bin/node`;
const bin = `${root}devhost/bin/devhost.js`;
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

function startHost(): { child: ChildProcess; ready: Promise<string>; exited: Promise<number | null> } {
  const child = spawn(node, [bin, 'start', '--app', app, '--port', '0', '--store', 'azurite', '--data', dataDir, '--quiet'], { cwd: root, env: { ...process.env, DEVHOST_MASTER_KEY: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
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
  return { child, ready, exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))) };
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
