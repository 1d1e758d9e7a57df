// devhost throughput on the Azure Storage task hub (Azurite started by the bench, data in a temp dir):
// activities per second and the largest fan-out that completes (1k, 2k, 5k), orchestration episodes per second,
// and listing / restarting / purging with 10,000 instances. Run with `npm run bench:devhost:azurite`.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureAzurite } from '../src/azurite-process.ts';
import { AzureStorageTaskHubStore } from '../src/durable/azure-storage-store.ts';
import { EventType, historyEvent } from '../src/durable/history.ts';
import { DurableHarness } from '../test/durable/harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'devhost-bench-azurite-'));
const azurite = await ensureAzurite({ dataDir: dir });
const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;
console.log(
  `devhost azurite store, Node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, Azurite on disk in ${dir}`,
);

const h = await DurableHarness.start({}, { store: 'azurite', storage: azurite.connectionString });
let largest = 0;
async function fanOut(activities: number, timeoutMs: number): Promise<void> {
  const start = process.hrtime.bigint();
  const started = await h.start('fanOut', activities);
  try {
    const status = await h.waitFor(started.id, ['Completed', 'Failed'], timeoutMs);
    if (status.output !== activities) throw new Error(`fan-out returned ${JSON.stringify(status.output)}`);
  } catch (error) {
    console.log(
      `fan-out/fan-in of ${activities} activities: did not complete (${error instanceof Error ? error.message : String(error)})`,
    );
    return;
  }
  const s = seconds(start);
  largest = Math.max(largest, activities);
  console.log(
    `fan-out/fan-in of ${activities} activities: ${s.toFixed(2)} s, ${(activities / s).toFixed(0)} activities/s`,
  );
}

async function sequences(orchestrations: number): Promise<void> {
  const start = process.hrtime.bigint();
  const started = await Promise.all(
    Array.from({ length: orchestrations }, (_, i) => h.start('helloSequence', [`a${i}`, `b${i}`, `c${i}`])),
  );
  await Promise.all(started.map((s) => h.waitFor(s.id, ['Completed'], 300_000)));
  const s = seconds(start);
  console.log(
    `${orchestrations} orchestrations x 3 sequential activities: ${s.toFixed(2)} s, ${((orchestrations * 4) / s).toFixed(0)} episodes/s, ${((orchestrations * 3) / s).toFixed(0)} activities/s`,
  );
}

await fanOut(1_000, 120_000);
await fanOut(2_000, 180_000);
await fanOut(5_000, 300_000);
console.log(`largest fan-out that completed: ${largest} activities`);
await sequences(500);
await h.stop();

// 10,000 instances through the store API (no engine): create, list in pages of 100, restart, purge.
const N = 10_000;
let store = new AzureStorageTaskHubStore({ connectionString: azurite.connectionString, taskHubName: 'BenchList' });
await store.start();
let t = process.hrtime.bigint();
const ids = Array.from({ length: N }, (_, i) => `list-${String(i).padStart(5, '0')}`);
for (let i = 0; i < N; i += 50) {
  await Promise.all(
    ids.slice(i, i + 50).map((instanceId) => {
      const now = new Date().toISOString();
      const executionId = randomUUID();
      const record = {
        instanceId,
        name: 'x',
        executionId,
        runtimeStatus: 'Pending' as const,
        input: null,
        output: null,
        customStatus: null,
        createdTime: now,
        lastUpdatedTime: now,
        nextEventId: 0,
      };
      return store.createInstance(record, [
        {
          id: randomUUID(),
          instanceId,
          executionId,
          event: historyEvent(EventType.ExecutionStarted, now, { Name: 'x' }),
        },
      ]);
    }),
  );
}
console.log(`create ${N} instances: ${seconds(t).toFixed(2)} s`);
t = process.hrtime.bigint();
let pages = 0;
let listed = 0;
let token: string | undefined;
do {
  const page = await store.queryInstances({ instanceIdPrefix: 'list-', top: 100, continuationToken: token });
  listed += page.instances.length;
  token = page.continuationToken;
  pages++;
} while (token);
console.log(`list ${listed} instances in ${pages} pages of 100: ${seconds(t).toFixed(2)} s`);
await store.stop();
t = process.hrtime.bigint();
store = new AzureStorageTaskHubStore({ connectionString: azurite.connectionString, taskHubName: 'BenchList' });
await store.start();
console.log(`store start-up with ${N} instances, each with a pending message: ${seconds(t).toFixed(2)} s`);
t = process.hrtime.bigint();
for (let i = 0; i < N; i += 20) await Promise.all(ids.slice(i, i + 20).map((id) => store.purgeInstance(id)));
console.log(`purge ${N} instances: ${seconds(t).toFixed(2)} s`);
await store.stop();
await azurite.stop();
rmSync(dir, { recursive: true, force: true });
