// Crash recovery (DESIGN §7): the app runs on devhost in its own process with the durable task hub in
// Azurite; Azurite, the Cosmos server and the sandbox run in processes of their own. Mid-job the host is
// killed with SIGKILL and started again. Prints whether the job completed, whether every property has
// exactly one result, whether the totals equal a crash-free run, and how many AVM calls were repeated.
//   npm run bench:crash [-- --size 5000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CosmosClient } from '@azure/cosmos';
import { ensureAzurite } from 'devhost';
import { createApiClient } from '../cli/api-client.ts';
import { followJob } from '../cli/follow-job.ts';
import { generatePortfolio } from '../examples/portfolio.ts';
import { benchJobEnv } from './job-settings.ts';
import { spawnUntil } from './spawn-until.ts';
import { startVendorSandbox } from './vendor-sandbox.ts';

const { values } = parseArgs({
  options: { size: { type: 'string', default: '5000' }, 'kill-at': { type: 'string', default: '0.4' } },
});
const SIZE = Number(values.size);
const KILL_AT = Number(values['kill-at']);

const dataDir = mkdtempSync(path.join(tmpdir(), 'pa-crash-'));
const azurite = await ensureAzurite({ dataDir });
const cosmos = await spawnUntil(['scripts/cosmos-server.ts'], /cosmos listening on (\S+)/);
const sandbox = await startVendorSandbox({ latencyInMs: 5 });
const cosmosEndpoint = cosmos.match[1]!;
const sandboxUrl = sandbox.url;
const appEnv: NodeJS.ProcessEnv = {
  ...process.env,
  AzureWebJobsStorage: azurite.connectionString,
  COSMOS_ENDPOINT: cosmosEndpoint,
  COSMOS_DATABASE: 'crash',
  AVM_MODE: 'http',
  AVM_BASE_URL: sandboxUrl,
  // One AVM: then every answered call beyond one per property is a repeat.
  AVM_CASCADE: 'avm-primary',
  FRAUD_REVIEW_MODE: 'http',
  FRAUD_REVIEW_BASE_URL: sandboxUrl,
  ...benchJobEnv('unlimited'),
  NIGHTLY_SCHEDULE: '0 0 2 * * *',
  TASK_HUB_NAME: 'crashbench',
};
const startHost = () =>
  spawnUntil(
    [
      'devhost/bin/devhost.js',
      'start',
      '--app',
      '.',
      '--port',
      '0',
      '--store',
      'azurite',
      '--storage',
      azurite.connectionString,
      '--quiet',
    ],
    /devhost listening on (\S+)/,
    appEnv,
  );

const properties = [...generatePortfolio({ size: SIZE })].map((g) => g.property);
let host = await startHost();
let api = createApiClient({ baseUrl: host.match[1]! });
const started = performance.now();
const accepted = await api.analyze({
  contentType: 'application/json',
  body: JSON.stringify({ portfolioId: 'crash', analysisType: 'valuation', properties }),
});
for (;;) {
  const job = await api.job(accepted.jobId);
  if (job.progress.processed >= SIZE * KILL_AT) break;
  await new Promise((resolve) => setTimeout(resolve, 50));
}
const beforeKill = await api.job(accepted.jobId);
host.child.kill('SIGKILL');
await new Promise((resolve) => host.child.once('exit', resolve));
const killedAt = performance.now();
host = await startHost();
api = createApiClient({ baseUrl: host.match[1]! });
const job = await followJob(api, accepted.jobId, { pollIntervalMs: 200 });
const seconds = (performance.now() - started) / 1000;
const crashStats = await sandbox.stats();

// The same portfolio again, crash-free, for the totals (its values come from the cache: same figures).
const clean = await api.analyze({
  contentType: 'application/json',
  body: JSON.stringify({ portfolioId: 'crash-free', analysisType: 'valuation', properties }),
});
const cleanJob = await followJob(api, clean.jobId, { pollIntervalMs: 200 });
const [crashReport, cleanReport] = await Promise.all([api.results(accepted.jobId), api.results(clean.jobId)]);
const cosmosClient = new CosmosClient({
  endpoint: cosmosEndpoint,
  key: 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU9DE2nQ9nqVvBPUEFbGOOyyD6hIbKt4Ag6Ahlxi/Zez3NmEbJQ==',
  connectionPolicy: { enableEndpointDiscovery: false },
});
const { resources } = await cosmosClient
  .database('crash')
  .container('results')
  .items.query<number>({
    query: 'SELECT VALUE COUNT(1) FROM c WHERE c.jobId = @j',
    parameters: [{ name: '@j', value: accepted.jobId }],
  })
  .fetchAll();
cosmosClient.dispose();

const totals = (r: Record<string, unknown>) =>
  JSON.stringify({
    totals: r.totals,
    value: (r.valuation as Record<string, unknown>).totalValue,
    tiers: (r.risk as Record<string, unknown>)?.tiers,
  });
console.log(
  `[crash] ${SIZE} properties (valuation), host killed with SIGKILL at ${beforeKill.progress.processed} processed (${((beforeKill.progress.processed / SIZE) * 100).toFixed(0)}%), restarted`,
);
console.log(
  `  job ${job.status} after ${seconds.toFixed(1)} s (${((performance.now() - killedAt) / 1000).toFixed(1)} s after the kill, restart included); crash-free rerun ${cleanJob.status}`,
);
console.log(`  results stored: ${resources[0]} for ${SIZE} properties (exactly one each: ${resources[0] === SIZE})`);
console.log(`  totals equal to a crash-free run: ${totals(crashReport) === totals(cleanReport)}`);
console.log(
  `  AVM calls answered: ${crashStats.calls} for ${crashStats.distinctProperties} properties; repeated: ${crashStats.calls - crashStats.distinctProperties} (at most the in-flight chunks' ${8 * 100} properties)`,
);

host.child.kill('SIGTERM');
cosmos.child.kill('SIGTERM');
sandbox.child.kill('SIGTERM');
await azurite.stop();
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
