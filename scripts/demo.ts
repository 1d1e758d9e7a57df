// `npm run demo [-- --size 10000]`: the main job for a newcomer. Starts the local stack, submits the sample
// portfolio, follows it with a progress bar, prints the report as tables, writes the full report JSON under
// out/, stops the stack and exits 0. Nothing to install or answer.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createApiClient } from '../cli/api-client.ts';
import { followJob } from '../cli/follow-job.ts';
import { renderReport } from '../cli/report-tables.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { generatePortfolio } from '../examples/portfolio.ts';
import { startLocalStack, REPO_ROOT } from './local-stack.ts';

const { values } = parseArgs({
  options: { size: { type: 'string', default: '1000' }, type: { type: 'string', default: 'comprehensive' } },
});
const size = Number(values.size);
if (!Number.isInteger(size) || size < 1 || size > 100_000) {
  console.error('--size must be a whole number from 1 to 100000');
  process.exit(2);
}

function requestBody(): string {
  if (size === 1000 && values.type === 'comprehensive')
    return readFileSync(path.join(REPO_ROOT, 'examples/portfolio-1000.json'), 'utf8');
  const properties = [...generatePortfolio({ size })].map((g) => g.property);
  return JSON.stringify({ portfolioId: `sample-${size}`, analysisType: values.type, properties });
}

console.log('Starting the local stack (Azurite, Cosmos DB server, sandbox AVM + AI review, devhost)...');
const stack = await startLocalStack({ port: 0, sandboxPort: 0, dataDir: path.join(REPO_ROOT, '.local/demo') });
let exitCode = 0;
try {
  const api = createApiClient({ baseUrl: stack.url });
  const body = requestBody();
  const started = Date.now();
  const accepted = await api.analyze({ contentType: 'application/json', body });
  const estimate =
    'estimatedCost' in accepted ? `estimated cost $${accepted.estimatedCost.toFixed(2)}` : accepted.status;
  console.log(
    `\nSubmitted ${size.toLocaleString('en-US')} properties (${values.type}): job ${accepted.jobId}, ${estimate}`,
  );
  const job = await followJob(api, accepted.jobId, { showProgress: true, pollIntervalMs: 250 });
  const seconds = (Date.now() - started) / 1000;
  console.log(
    `\nJob ${job.status} in ${seconds.toFixed(1)} s: ${job.progress.processed.toLocaleString('en-US')} properties (${(job.progress.processed / seconds).toFixed(0)}/s), ${job.progress.failed} failed, ${job.progress.cached} from the valuation cache.`,
  );
  if (job.status === 'failed') {
    exitCode = 1;
  } else {
    const report = await api.results(job.jobId);
    console.log(`\n${renderReport(report, job)}`);
    const outDir = path.join(REPO_ROOT, 'out');
    mkdirSync(outDir, { recursive: true });
    const file = path.join(outDir, `report-${job.jobId}.json`);
    writeFileSync(file, `${JSON.stringify({ job, report }, null, 2)}\n`);
    console.log(`\nFull report: ${path.relative(process.cwd(), file)}`);
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  exitCode = 1;
} finally {
  await stack.stop();
}
process.exit(exitCode);
