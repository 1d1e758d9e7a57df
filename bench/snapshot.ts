// Snapshot bench (never part of npm test): what aggregateReport adds to a job of N properties. Writes a
// previous run's and this run's per-chunk snapshot parts to Azurite (this run has 10% more properties),
// builds both snapshots by the external merge, then runs the one streaming pass of the report (like-for-like
// join, exact AVM accuracy, three stress scenarios) and prints times and this process's peak RSS.
//   node bench/snapshot.ts [--count 100000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { ensureAzurite } from 'devhost';
import { SnapshotStore } from '../src/storage/snapshot-store.ts';
import { concentrationOptionsSchema } from '../src/domain/market.ts';
import { fnv1a } from '../src/domain/price-levels.ts';
import { riskOptionsSchema, tierLimitsOf } from '../src/domain/risk.ts';
import type { SnapshotRecord } from '../src/domain/snapshot.ts';
import { analyzeSnapshots } from '../src/domain/snapshot-analysis.ts';
import { DEFAULT_SCENARIOS } from '../src/domain/stress.ts';
import { mapWithConcurrency } from '../src/concurrency.ts';

const countArg = process.argv.indexOf('--count');
const COUNT = countArg > 0 ? Number(process.argv[countArg + 1]) : 100_000;
const CHUNK = 100;
const STATES = ['TX', 'CA', 'FL', 'NY', 'GA', 'AZ'] as const;

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);
const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const value = await fn();
  console.log(`${label.padEnd(64)} ${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s`);
  return value;
}

/** Property i as a record: ids in hashed order across chunks (chunk order says nothing of id order). */
function record(i: number): SnapshotRecord {
  const h = fnv1a(String(i));
  const value = 20_000_000 + (h % 80_000_000);
  const ratio = 0.3 + ((h >>> 8) % 700) / 1000;
  return {
    id: `P-${h.toString(16).padStart(8, '0')}-${i}`,
    state: STATES[h % STATES.length]!,
    county: `TX|County ${h % 250}`,
    zip: String(10_000 + (h % 30_000)),
    value,
    provider: h % 3 === 0 ? 'avm-secondary' : 'avm-primary',
    firstLien: Math.round(value * ratio),
    secondLien: h % 10 === 0 ? Math.round(value * 0.1) : 0,
    tier: ratio <= 0.6 ? 'A' : ratio <= 0.8 ? 'B' : ratio <= 0.9 ? 'C' : 'D',
    basis: 'ltv',
    ...(ratio > 0.9 && { preDistressed: true as const }),
    screened: true,
    ...(h % 13 === 0 && { flagged: true as const }),
    ...(h % 4 === 0 && { benchmark: ['sale' as const, Math.round(value * (0.9 + (h % 200) / 1000))] }),
  };
}

async function writeParts(store: SnapshotStore, jobId: string, count: number): Promise<void> {
  const chunks = Math.ceil(count / CHUNK);
  await mapWithConcurrency(
    Array.from({ length: chunks }, (_, c) => c),
    16,
    (c) =>
      store.writePart(
        jobId,
        c,
        Array.from({ length: Math.min(CHUNK, count - c * CHUNK) }, (_, k) => record(c * CHUNK + k)),
      ),
  );
}

const azuriteDir = mkdtempSync(join(tmpdir(), 'bench-snapshot-'));
const azurite = await ensureAzurite({ dataDir: azuriteDir, location: 'memory' });
try {
  const store = new SnapshotStore({ serviceClient: BlobServiceClient.fromConnectionString(azurite.connectionString) });
  const current = Math.round(COUNT * 1.1);
  console.log(
    `${COUNT.toLocaleString('en-US')} properties before, ${current.toLocaleString('en-US')} now, chunks of ${CHUNK}, Node ${process.version}\n`,
  );
  await timed(`write ${Math.ceil(COUNT / CHUNK)} parts of the previous run`, () =>
    writeParts(store, 'job-prev', COUNT),
  );
  await timed(`write ${Math.ceil(current / CHUNK)} parts of this run`, () => writeParts(store, 'job-now', current));
  const rssBeforeBuild = process.memoryUsage.rss();
  const builtBefore = await timed('build the previous snapshot (external merge)', () => store.build('job-prev'));
  const builtNow = await timed('build this snapshot (external merge)', () => store.build('job-now'));
  const analysis = await timed('one pass: like-for-like join, accuracy, 3 stress scenarios', () =>
    analyzeSnapshots(
      store.read('job-now'),
      { run: { jobId: 'job-prev', asOf: '', generatedAt: '' }, records: store.read('job-prev') },
      {
        scenarios: DEFAULT_SCENARIOS,
        limits: tierLimitsOf(riskOptionsSchema.parse({})),
        concentration: concentrationOptionsSchema.parse({}),
      },
    ),
  );
  console.log(
    `\nsnapshots ${builtBefore.records.toLocaleString('en-US')} and ${builtNow.records.toLocaleString('en-US')} records; ` +
      `matched ${analysis.comparison?.population.matched.toLocaleString('en-US')}, added ${analysis.comparison?.population.added.toLocaleString('en-US')}; ` +
      `sale benchmarks ${analysis.accuracy.sale.overall.properties.toLocaleString('en-US')}`,
  );
  console.log(`bench process RSS: ${mb(rssBeforeBuild)} before the builds, peak ${mb(peakRss)}`);
} finally {
  clearInterval(sampler);
  await azurite.stop();
  rmSync(azuriteDir, { recursive: true, force: true });
}
