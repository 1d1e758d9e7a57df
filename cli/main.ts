// portfolio-analytics: the command-line client. `analyze` submits a portfolio and follows it with a progress
// bar; `estimate`, `status`, `cancel`, `results` and `stress` do one call each. Against the local stack by default
// (PORTFOLIO_ANALYTICS_URL), or an Azure deployment with --url and --key.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from '@commander-js/extra-typings';
import type { DataQuality } from '../src/domain/data-quality.ts';
import { ANALYSIS_TYPES, INVALID_ROWS_MODES } from '../src/domain/schemas.ts';
import { ApiError, createApiClient } from './api-client.ts';
import { followJob } from './follow-job.ts';
import { renderReport, renderStress } from './report-tables.ts';
import { prepareRequest } from './request-file.ts';
import type { StressScenario } from '../src/domain/schemas.ts';

const money = (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a non-negative amount in dollars');
  return n;
};

export function buildProgram(): Command {
  const program = new Command('portfolio-analytics')
    .description('Analyse a real-estate portfolio with Portfolio Analytics')
    .showHelpAfterError();
  const connection = <Args extends unknown[]>(command: Command<Args>) =>
    command
      .addOption(
        new Option('--url <url>', 'API base URL').env('PORTFOLIO_ANALYTICS_URL').default('http://127.0.0.1:7071'),
      )
      .addOption(new Option('--key <key>', 'function key (Azure)').env('PORTFOLIO_ANALYTICS_KEY'));
  const client = (options: { url: string; key?: string }) =>
    createApiClient({ baseUrl: options.url, key: options.key });

  connection(
    program
      .command('analyze')
      .argument('<file>', 'portfolio: .json (request or property array), or a tape: .csv, .tsv, .txt or .xlsx'),
  )
    .addOption(new Option('--type <type>', 'analysis type').choices(ANALYSIS_TYPES))
    .addOption(
      new Option('--invalid-rows <mode>', 'reject the file for an invalid row, or skip them').choices(
        INVALID_ROWS_MODES,
      ),
    )
    .option('--sheet <name>', 'Excel: the sheet to read (default the first)')
    .option('--portfolio-id <id>', 'portfolio id (default: from the file)')
    .option('--budget <dollars>', 'most to spend', money)
    .option('--allow-partial', 'with a budget below the estimate, run until it is spent')
    .option('--idempotency-key <key>', 'the same key returns the same job')
    .option('--no-wait', 'print the job id and return')
    .option('--out <dir>', 'write the report JSON here', 'out')
    .action(async (file, options) => {
      const api = client(options);
      const request = prepareRequest(file, {
        analysisType: options.type,
        portfolioId: options.portfolioId,
        budget: options.budget,
        allowPartial: options.allowPartial,
        invalidRows: options.invalidRows,
        sheet: options.sheet,
      });
      const accepted = await api.analyze(request.body, request.contentType, {
        ...(request.query && { query: request.query }),
        ...(options.idempotencyKey && { idempotencyKey: options.idempotencyKey }),
      });
      console.log(`job ${accepted.jobId}: ${accepted.message} Estimated cost $${accepted.estimatedCost.toFixed(2)}.`);
      printDataQuality(accepted.dataQuality);
      if (!options.wait) return;
      const job = await followJob(api, accepted.jobId, { showProgress: process.stdout.isTTY === true });
      await printOutcome(api, job.jobId, options.out);
      if (job.status === 'failed') process.exitCode = 1;
    });

  connection(program.command('estimate').argument('<file>', 'portfolio: .json, .csv, .tsv, .txt or .xlsx'))
    .addOption(new Option('--type <type>', 'analysis type').choices(ANALYSIS_TYPES))
    .addOption(
      new Option('--invalid-rows <mode>', 'reject the file for an invalid row, or skip them').choices(
        INVALID_ROWS_MODES,
      ),
    )
    .action(async (file, options) => {
      const request = prepareRequest(file, { analysisType: options.type, invalidRows: options.invalidRows });
      const estimate = await client(options).estimate(request.body, request.contentType, request.query);
      printDataQuality(estimate.dataQuality);
      console.log(
        `$${estimate.estimatedCost.toFixed(2)} for ${estimate.breakdown.properties} properties: ${Object.entries(
          estimate.breakdown.components,
        )
          .map(([k, v]) => `${k} $${v.toFixed(2)}`)
          .join(', ')}`,
      );
    });

  connection(program.command('status').argument('<jobId>')).action(async (jobId, options) => {
    const job = await client(options).job(jobId);
    console.log(JSON.stringify(job, null, 2));
  });

  connection(program.command('cancel').argument('<jobId>')).action(async (jobId, options) => {
    console.log((await client(options).cancel(jobId)).message);
  });

  connection(
    program
      .command('stress')
      .description("house-price shocks on a finished job's stored values (no paid call); default -10/-20/-30%")
      .argument('<jobId>'),
  )
    .option('--shock <fraction...>', 'national value change per scenario, e.g. -0.15 (one scenario each)')
    .option('--state <ST=fraction...>', 'per-state value change in every scenario, e.g. TX=-0.25')
    .option('--json', 'print the answer JSON instead of tables')
    .action(async (jobId, options) => {
      // The server validates the scenarios (codes, ranges) and answers field errors; the CLI only parses.
      const stateShocks: StressScenario['stateShocks'] = Object.fromEntries(
        (options.state ?? []).map((pair) => {
          const [state, shock] = pair.split('=');
          if (!state || shock === undefined) throw new InvalidArgumentError(`--state takes ST=fraction, got '${pair}'`);
          return [state.toUpperCase(), Number(shock)];
        }),
      );
      const shocks = options.shock?.map(Number) ?? (options.state ? [0] : undefined);
      const scenarios = shocks?.map((shock) => ({ shock, ...(options.state && { stateShocks }) }));
      const answer = await client(options).stress(jobId, scenarios ? { scenarios } : {});
      if (options.json) console.log(JSON.stringify(answer, null, 2));
      else {
        if (!answer.completeness.complete) console.log(`*** ${answer.completeness.note} ***\n`);
        console.log(renderStress(answer.stress));
      }
    });

  connection(program.command('results').argument('<jobId>'))
    .option('--json', 'print the report JSON instead of tables')
    .action(async (jobId, options) => {
      const api = client(options);
      if (options.json) console.log(JSON.stringify(await api.results(jobId), null, 2));
      else await printOutcome(api, jobId, undefined);
    });
  return program;
}

/** One line per warning and per skipped row (the first ten), so a tape's problems are seen at once. */
function printDataQuality(dataQuality: DataQuality): void {
  for (const warning of dataQuality.warnings) console.log(`warning ${warning.code}: ${warning.message}`);
  if (dataQuality.skipped === 0) return;
  console.log(`${dataQuality.skipped} of ${dataQuality.rows} rows skipped:`);
  for (const row of dataQuality.skippedRows.slice(0, 10))
    console.log(
      `  ${row.at}${row.propertyId ? ` (${row.propertyId})` : ''}: ${row.reasons.map((r) => r.message).join('; ')}`,
    );
}

async function printOutcome(
  api: ReturnType<typeof createApiClient>,
  jobId: string,
  outDir: string | undefined,
): Promise<void> {
  const job = await api.job(jobId);
  console.log(
    `\njob ${job.jobId} ${job.status}: ${job.progress.processed}/${job.progress.total} properties, ${job.progress.failed} failed${job.error ? ` (${job.error})` : ''}`,
  );
  if (job.status === 'failed') return;
  const report = await api.results(jobId);
  console.log(`\n${renderReport(report, job)}`);
  if (outDir) {
    mkdirSync(outDir, { recursive: true });
    const file = path.join(outDir, `report-${jobId}.json`);
    writeFileSync(file, `${JSON.stringify({ job, report }, null, 2)}\n`);
    console.log(`\nfull report: ${file}`);
  }
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    console.error(
      error instanceof ApiError ? error.message : `error: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exitCode = 1;
  }
}
