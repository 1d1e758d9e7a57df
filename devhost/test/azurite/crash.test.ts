// Crash safety: the CLI runs a fan-out of 1,000 activities on the Azure Storage task hub, gets killed with
// SIGKILL half-way, and is started again. The orchestration must complete with the right output and every
// activity's effect must be there (at-least-once: duplicates are counted, losses fail the test).
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { WAIT_MS } from '../durable/harness.ts';
import { spawnCli, type SpawnedCli } from '../spawn-cli.ts';
import { useAzurite } from './helpers.ts';

const app = fileURLToPath(new URL('../fixtures/crash-app/', import.meta.url));
const children: ChildProcess[] = [];
const azurite = useAzurite();
const COUNT = 1000;

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function startHost(effectFile: string): SpawnedCli {
  const cli = spawnCli(
    ['start', '--app', app, '--port', '0', '--store', 'azurite', '--storage', azurite.connectionString, '--quiet'],
    { CRASH_EFFECT_FILE: effectFile },
  );
  children.push(cli.child);
  return cli;
}

const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('crash safety of the Azure Storage task hub', () => {
  it('completes a 1,000-activity fan-out across a SIGKILL of the host, losing no activity', async () => {
    const effects = join(azurite.dataDir, 'effects.txt');
    const first = startHost(effects);
    const url = await first.ready;
    const start = await fetch(`${url}/api/start/crashFanOut/crash-1`, { method: 'POST', body: JSON.stringify(COUNT) });
    expect(start.status).toBe(202);

    // Kill it once a good part of the activities ran, but not all.
    for (const end = Date.now() + WAIT_MS; Date.now() < end && lines(effects).length < COUNT * 0.3;) await sleep(25);
    first.child.kill('SIGKILL');
    await first.exited;
    const beforeCrash = lines(effects).length;
    expect(beforeCrash).toBeGreaterThan(0);
    expect(beforeCrash).toBeLessThan(COUNT);

    const second = startHost(effects);
    const url2 = await second.ready;
    let status: { runtimeStatus?: string; output?: unknown } = {};
    for (
      const end = Date.now() + WAIT_MS;
      Date.now() < end && status.runtimeStatus !== 'Completed' && status.runtimeStatus !== 'Failed';
    ) {
      const response = await fetch(`${url2}/runtime/webhooks/durabletask/instances/crash-1`);
      if (response.status === 200) status = (await response.json()) as typeof status;
      if (status.runtimeStatus !== 'Completed') await sleep(25);
    }
    expect(status).toMatchObject({
      runtimeStatus: 'Completed',
      output: { count: COUNT, sum: (COUNT * (COUNT - 1)) / 2 },
    });

    const all = lines(effects).map(Number);
    const unique = new Set(all);
    const missing = Array.from({ length: COUNT }, (_, i) => i).filter((i) => !unique.has(i));
    console.log(
      `crash test: ${beforeCrash} effects before SIGKILL; after restart ${all.length} effects for ${unique.size} activities: ${all.length - unique.size} duplicates, ${missing.length} missing`,
    );
    expect(missing).toEqual([]);

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});
