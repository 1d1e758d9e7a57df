// No Azurite outlives the process that started it, whatever way that process ends: SIGTERM (the CLI stops it;
// SIGINT takes the same path), an app that crashes the host and a process that exits without stopping the host (the exit
// handler), SIGKILL (the watchdog inside Azurite). The data stays: the next start finds what the last one stored.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureAzurite, type AzuriteProcessInfo } from '../../src/azurite-process.ts';
import { WAIT_MS } from '../durable/harness.ts';
import { freePort } from '../free-port.ts';
import { ROOT, spawnCli, type SpawnedCli } from '../spawn-cli.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}/`, import.meta.url));
const dirs: string[] = [];
const children: ChildProcess[] = [];
const azurites = new Set<number>();

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'devhost-orphans-'));
  dirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  // A failing test must not leave its Azurite behind either.
  for (const pid of azurites) if (alive(pid)) process.kill(pid, 'SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves once `pid` is gone; rejects after WAIT_MS (Azurite flushes on the way out). */
async function gone(pid: number): Promise<void> {
  for (const end = Date.now() + WAIT_MS; Date.now() < end && alive(pid);)
    await new Promise((resolve) => setTimeout(resolve, 25));
  if (alive(pid)) throw new Error(`process ${pid} is still running`);
}

function azuriteOf(dataDir: string): AzuriteProcessInfo {
  const info = JSON.parse(readFileSync(join(dataDir, 'azurite.json'), 'utf8')) as AzuriteProcessInfo;
  azurites.add(info.pid);
  return info;
}

function startCli(app: string, dataDir: string): SpawnedCli {
  const cli = spawnCli(['start', '--app', app, '--port', '0', '--store', 'azurite', '--data', dataDir, '--quiet']);
  children.push(cli.child);
  return cli;
}

async function completed(url: string, id: string): Promise<unknown> {
  for (const end = Date.now() + WAIT_MS; Date.now() < end;) {
    const response = await fetch(`${url}/runtime/webhooks/durabletask/instances/${id}`);
    if (response.status === 200) return ((await response.json()) as { output: unknown }).output;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${id} did not complete`);
}

describe('no Azurite outlives its owner', () => {
  it('SIGKILL of the host: Azurite stops by itself; the next start finds the data; SIGTERM stops the new one', async () => {
    const data = tempDir();
    const first = startCli(fixture('orchestration-app'), data);
    const url = await first.ready;
    const { pid } = azuriteOf(data);
    await fetch(`${url}/api/start/helloSequence/kept`, { method: 'POST', body: JSON.stringify(['x']) });
    expect(await completed(url, 'kept')).toEqual(['Hello x']);

    first.child.kill('SIGKILL');
    await first.exited;
    await gone(pid);

    const second = startCli(fixture('orchestration-app'), data);
    const url2 = await second.ready;
    const next = azuriteOf(data).pid;
    expect(next).not.toBe(pid);
    expect(await completed(url2, 'kept')).toEqual(['Hello x']);

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    await gone(next);
    expect(existsSync(join(data, 'azurite.json'))).toBe(false);
  });

  it('an app that crashes the host takes its Azurite down with it', async () => {
    const data = tempDir();
    const cli = startCli(fixture('crashing-app'), data);
    const url = await cli.ready;
    const { pid } = azuriteOf(data);
    expect((await fetch(`${url}/api/crash`, { method: 'POST' })).status).toBe(202);
    expect(await cli.exited).not.toBe(0);
    expect(cli.output()).toMatch(/the app crashed its host/);
    await gone(pid);
  });

  it('a process that embeds the host and exits without stopping it leaves no Azurite', async () => {
    const data = tempDir();
    const script = `
      const { startDevHost } = await import(${JSON.stringify(new URL('../../src/index.ts', import.meta.url).href)});
      await startDevHost({ appDir: ${JSON.stringify(fixture('orchestration-app'))}, port: 0, quiet: true, store: 'azurite', dataDir: ${JSON.stringify(data)} });
      process.exit(0);`;
    const child = spawn(`${ROOT}node_modules/.bin/node`, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(child);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect({ code, stderr }).toMatchObject({ code: 0 });
    await gone(azuriteOf(data).pid);
  });

  it('ensureAzurite: a second caller reattaches as a guest; only the owner stops it', async () => {
    const data = tempDir();
    const owner = await ensureAzurite({ dataDir: data });
    azurites.add(owner.pid);
    const guest = await ensureAzurite({ dataDir: data });
    expect(guest).toMatchObject({ pid: owner.pid, ports: owner.ports, reattached: true });
    await guest.stop();
    expect(alive(owner.pid)).toBe(true);
    await owner.stop();
    expect(alive(owner.pid)).toBe(false);
    expect(existsSync(join(data, 'azurite.json'))).toBe(false);
  });

  it('ensureAzurite: in memory, with the ports asked for', async () => {
    const data = tempDir();
    const ports = { blob: await freePort(), queue: await freePort(), table: await freePort() };
    const azurite = await ensureAzurite({ dataDir: data, location: 'memory', ports });
    azurites.add(azurite.pid);
    expect(azurite.ports).toEqual(ports);
    expect(existsSync(join(data, 'azurite'))).toBe(false);
    await azurite.stop();
    expect(alive(azurite.pid)).toBe(false);
  });
});
