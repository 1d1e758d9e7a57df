// devhost throughput on the in-memory task hub: activities per second (one large fan-out) and orchestration
// episodes per second (many short sequences). Prints figures; run with `npm run bench:devhost`.
import { cpus } from 'node:os';
import { DurableHarness } from '../test/durable/harness.ts';

const h = await DurableHarness.start();
const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

async function fanOut(activities: number): Promise<void> {
  const start = process.hrtime.bigint();
  const status = await h.run('fanOut', activities);
  if (status.output !== activities) throw new Error(`fan-out returned ${JSON.stringify(status.output)}`);
  const s = seconds(start);
  console.log(
    `fan-out/fan-in of ${activities} activities: ${s.toFixed(2)} s, ${(activities / s).toFixed(0)} activities/s`,
  );
}

async function sequences(orchestrations: number): Promise<void> {
  // helloSequence with 3 names: 4 episodes each (the start, then one per completed activity).
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

console.log(`devhost memory store, Node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}`);
await fanOut(1_000); // warm-up
await fanOut(5_000);
await sequences(1_000);
await h.stop();
