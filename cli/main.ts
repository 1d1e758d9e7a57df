// portfolio-analytics: the command-line client. `analyze` submits a portfolio and follows it with a progress
// bar (Ctrl-C offers to cancel it); `estimate`, `status`, `cancel`, `results`, `stress`, `jobs`, `properties`
// and `redrive` do one thing each. Against the local stack by default (PORTFOLIO_ANALYTICS_URL), or an Azure
// deployment with --url and --key, given before or after the subcommand.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from '@commander-js/extra-typings';
import type { DataQuality } from '../src/domain/data-quality.ts';
import { JOB_STATUSES, type JobStatus } from '../src/domain/job-status.ts';
import { REDRIVE_INCLUDES } from '../src/domain/passes.ts';
import { RESULT_FILTERS, type PropertyResult } from '../src/domain/results.ts';
import { ANALYSIS_TYPES, INVALID_ROWS_MODES } from '../src/domain/schemas.ts';
import type { JobView } from '../src/api/answers.ts';
import { ApiError, createApiClient, UnreachableError, type ApiClient } from './api-client.ts';
import { followJob } from './follow-job.ts';
import { offerToCancel, untilInterrupted, watchInterrupt } from './interrupt.ts';
import { propertiesCsv, renderJobs, renderProperties } from './listings.ts';
import { renderReport, renderStress } from './report-tables.ts';
import { prepareRequest, REQUEST_FILE_TYPES } from './request-file.ts';
import { tryAgain } from './try-again.ts';
import type { StressScenario } from '../src/domain/schemas.ts';

const money = (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a non-negative amount in dollars');
  return n;
};
const count = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number >= 1');
  return n;
};

/** The CLI's version: its package's. */
function version(): string {
  const file = new URL('../package.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/** Every page of `fetchPage` until `limit` items (or the last page). */
async function collect<T>(
  fetchPage: (token: string | undefined) => Promise<{ items: T[]; continuationToken?: string | undefined }>,
  limit: number,
): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  do {
    const page = await fetchPage(token);
    items.push(...page.items);
    token = page.continuationToken;
  } while (token !== undefined && items.length < limit);
  return items.slice(0, limit);
}

export function buildProgram(): Command {
  const program = new Command('portfolio-analytics')
    .description(
      'Analyse a real-estate loan portfolio with Portfolio Analytics: valuations, risk tiers, fraud screening, market concentration.',
    )
    .version(version(), '-V, --version', 'print the CLI version')
    .helpOption('-h, --help', 'show help for a command')
    .helpCommand('help [command]', 'show help for a command')
    .addOption(
      new Option('--url <url>', 'API base URL: the local stack, or https://APP.azurewebsites.net')
        .env('PORTFOLIO_ANALYTICS_URL')
        .default('http://127.0.0.1:7071'),
    )
    .addOption(new Option('--key <key>', 'function key of an Azure deployment').env('PORTFOLIO_ANALYTICS_KEY'))
    .showHelpAfterError()
    .configureHelp({ showGlobalOptions: true });
  // Program options are read wherever they stand: before or after the subcommand.
  const api = (): ApiClient => {
    const { url, key } = program.opts();
    return createApiClient({ baseUrl: url, key });
  };

  const invalidRowsOption = () =>
    new Option(
      '--invalid-rows <mode>',
      'tapes: refuse the file for an invalid row (reject), or leave such rows out and list them (skip)',
    ).choices(INVALID_ROWS_MODES);
  program
    .command('analyze')
    .description('submit a portfolio, follow the job with a progress bar, print the report (Ctrl-C offers to cancel)')
    .argument('<file>', `portfolio: ${REQUEST_FILE_TYPES}`)
    .addOption(
      new Option('--type <type>', "analysis type (default: the file's, else comprehensive)").choices(ANALYSIS_TYPES),
    )
    .addOption(invalidRowsOption())
    .option('--sheet <name>', 'Excel: the sheet to read (default the first)')
    .option('--portfolio-id <id>', "portfolio id (default: the file's, else its name)")
    .option(
      '--budget <dollars>',
      'most to spend, in dollars; over the estimate the job is refused unless --allow-partial',
      money,
    )
    .option('--allow-partial', 'with a budget below the estimate, analyse until the budget is spent')
    .option(
      '--idempotency-key <key>',
      'the same key with the same request returns the same job instead of a new one (default: a new key each run)',
    )
    .option('--no-wait', 'print the job id and return at once instead of following the job')
    .option('--out <dir>', 'directory to write the report JSON to', 'out')
    .action(async (file, options) => {
      const client = api();
      const request = prepareRequest(file, {
        analysisType: options.type,
        portfolioId: options.portfolioId,
        budget: options.budget,
        allowPartial: options.allowPartial,
        invalidRows: options.invalidRows,
        sheet: options.sheet,
      });
      // Watched from before the submission: a Ctrl-C as the job id is printed is an interrupt, not an exit.
      const interrupt = options.wait ? watchInterrupt() : undefined;
      // A key of its own when none is given, so that a submission tried again after a 503 or 429 (try-again.ts)
      // names the job the server may already have started instead of starting a second one.
      const idempotencyKey = options.idempotencyKey ?? `cli-${randomUUID()}`;
      let accepted;
      try {
        accepted = await tryAgain.execute(() => client.analyze(request, { idempotencyKey }));
      } catch (error) {
        interrupt?.stop();
        if (error instanceof ApiError && error.status >= 500)
          throw new SubmissionUnsureError(error.message, idempotencyKey, { cause: error });
        throw error;
      }
      const { jobId } = accepted;
      if ('estimatedCost' in accepted) {
        console.log(`job ${jobId}: ${accepted.message} Estimated cost $${accepted.estimatedCost.toFixed(2)}.`);
        printDataQuality(accepted.dataQuality);
      } else console.log(`job ${jobId} ${accepted.status}: ${accepted.message}`);
      if (!interrupt) return;
      const followed = await untilInterrupted(interrupt, (signal) =>
        followJob(client, jobId, { showProgress: process.stdout.isTTY === true, signal }),
      );
      if (followed.interrupted) {
        process.exitCode = await offerToCancel(client, jobId, { input: process.stdin, output: process.stderr });
        return;
      }
      await printOutcome(client, jobId, options.out);
      if (ENDED_BADLY.has(followed.value.status)) process.exitCode = 1;
    });

  program
    .command('estimate')
    .description('print what analysing a portfolio would cost at most; nothing is started or bought')
    .argument('<file>', `portfolio: ${REQUEST_FILE_TYPES}`)
    .addOption(
      new Option('--type <type>', "analysis type (default: the file's, else comprehensive)").choices(ANALYSIS_TYPES),
    )
    .addOption(invalidRowsOption())
    .option('--sheet <name>', 'Excel: the sheet to read (default the first)')
    .option('--portfolio-id <id>', "portfolio id (default: the file's, else its name)")
    .action(async (file, options) => {
      const request = prepareRequest(file, {
        analysisType: options.type,
        portfolioId: options.portfolioId,
        invalidRows: options.invalidRows,
        sheet: options.sheet,
      });
      const estimate = await api().estimate(request);
      printDataQuality(estimate.dataQuality);
      const parts = Object.entries(estimate.breakdown.components).map(([k, v]) => `${k} $${v.toFixed(2)}`);
      console.log(
        `$${estimate.estimatedCost.toFixed(2)} for ${estimate.breakdown.properties} properties: ${parts.join(', ')}`,
      );
    });

  program
    .command('status')
    .description("print a job's status, progress, cost and time left, as JSON")
    .argument('<jobId>', 'the job id analyze printed')
    .action(async (jobId) => {
      console.log(JSON.stringify(await api().job(jobId), null, 2));
    });

  program
    .command('cancel')
    .description('cancel a job: running chunks stop buying, a partial report is written')
    .argument('<jobId>', 'the job id analyze printed')
    .action(async (jobId) => {
      console.log((await api().cancel(jobId)).message);
    });

  program
    .command('stress')
    .description("house-price shocks on a finished job's stored values (no paid call); default -10/-20/-30%")
    .argument('<jobId>', 'the job id analyze printed')
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
      const answer = await api().stress(jobId, scenarios ? { scenarios } : {});
      if (options.json) console.log(JSON.stringify(answer, null, 2));
      else {
        if (!answer.completeness.complete) console.log(`*** ${answer.completeness.note} ***\n`);
        console.log(renderStress(answer.stress));
      }
    });

  program
    .command('results')
    .description("print a finished job's report as tables")
    .argument('<jobId>', 'the job id analyze printed')
    .option('--json', 'print the report JSON instead of tables')
    .action(async (jobId, options) => {
      const client = api();
      if (options.json) console.log(JSON.stringify(await client.results(jobId), null, 2));
      else await printOutcome(client, jobId, undefined);
    });

  program
    .command('jobs')
    .description('list jobs, newest first')
    .option('--portfolio <id>', "only this portfolio's jobs")
    .addOption(new Option('--status <status>', 'only jobs in this status').choices(JOB_STATUSES))
    .option('--from <date>', 'only jobs created at or after this date (2026-11-01) or ISO date-time')
    .option('--to <date>', 'only jobs created before this date or ISO date-time')
    .option('--limit <n>', 'most jobs to list', count, 25)
    .option('--json', 'print JSON instead of a table')
    .action(async (options) => {
      const client = api();
      const jobs = await collect(async (continuationToken) => {
        const page = await client.jobs({
          portfolioId: options.portfolio,
          status: options.status,
          from: options.from,
          to: options.to,
          pageSize: Math.min(options.limit, 100),
          continuationToken,
        });
        return { items: page.jobs, continuationToken: page.continuationToken };
      }, options.limit);
      if (options.json) console.log(JSON.stringify(jobs, null, 2));
      else console.log(jobs.length === 0 ? 'No jobs.' : renderJobs(jobs));
    });

  program
    .command('properties')
    .description("list a job's per-property results, filtered on the server; --csv exports them")
    .argument('<jobId>', 'the job id analyze printed')
    .addOption(new Option('--filter <filter>', 'which properties').choices(RESULT_FILTERS).default('all'))
    .option('--state <code>', 'only this state (USPS code, e.g. TX)')
    .option('--type <propertyType>', 'only this property type (SFR, CONDO, ...)')
    .option('--search <text>', 'part of the property id or street address')
    .option('--limit <n>', 'most properties to list (default: all)', count)
    .option('--csv <file>', "write them as CSV (every field) to this file, or '-' for standard output")
    .option('--json', 'print JSON instead of a table')
    .action(async (jobId, options) => {
      const client = api();
      const properties = await collect<PropertyResult>(async (continuationToken) => {
        const page = await client.properties(jobId, {
          filter: options.filter,
          state: options.state,
          propertyType: options.type,
          search: options.search,
          pageSize: 1000,
          continuationToken,
        });
        return { items: page.properties, continuationToken: page.continuationToken };
      }, options.limit ?? Number.POSITIVE_INFINITY);
      if (options.csv === '-') process.stdout.write(propertiesCsv(properties));
      else if (options.csv !== undefined) {
        writeFileSync(options.csv, propertiesCsv(properties));
        console.log(`${properties.length} properties written to ${options.csv}`);
      } else if (options.json) console.log(JSON.stringify(properties, null, 2));
      else console.log(properties.length === 0 ? 'No properties.' : renderProperties(properties));
    });

  program
    .command('redrive')
    .description("analyse a finished job's failed properties again; answers already bought are reused")
    .argument('<jobId>', 'the job id analyze printed')
    .addOption(
      new Option(
        '--include <which>',
        'failed: failed properties (those left without a result stay so: the job ends as it did); failed-and-left: also those a cancel, the budget or a failed run left',
      )
        .choices(REDRIVE_INCLUDES)
        .default('failed'),
    )
    .option('--budget <dollars>', "a new budget for the whole job, what it spent included (default: the job's)", money)
    .option('--no-wait', 'return at once instead of following the job')
    .action(async (jobId, options) => {
      const client = api();
      const started = await client.redrive(jobId, { include: options.include, budget: options.budget });
      console.log(started.message);
      if (!options.wait) return;
      const job = await followJob(client, jobId, { showProgress: process.stdout.isTTY === true });
      console.log(jobLine(job));
      if (ENDED_BADLY.has(job.status)) process.exitCode = 1;
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

/** Final statuses the CLI exits 1 on: the job failed, or its tape was refused after the 202. */
const ENDED_BADLY: ReadonlySet<JobStatus> = new Set(['failed', 'rejected']);

/** Field errors listed under a rejected job's line; the rest are counted. */
const LISTED_ERRORS = 20;

/**
 * How a job ended: its status and counts in one line; why, when the job says (a failed job's error, or the reason a
 * job was cancelled, stopped by its budget, rejected or left properties); a rejected job's field errors, one per line.
 */
function jobLine(job: JobView): string {
  const counts = `${job.progress.processed}/${job.progress.total} properties, ${job.progress.failed} failed`;
  const lines = [`job ${job.jobId} ${job.status}: ${counts}`];
  const why = job.error ?? job.statusReason;
  if (why !== undefined) lines.push(`  why: ${why}`);
  const errors = job.errors ?? [];
  for (const e of errors.slice(0, LISTED_ERRORS)) lines.push(`  ${e.path === '' ? 'body' : e.path}: ${e.message}`);
  const more = (job.totalErrors ?? errors.length) - Math.min(errors.length, LISTED_ERRORS);
  if (more > 0) lines.push(`  ... and ${more} more`);
  return lines.join('\n');
}

/** Whether a final job has a report: not when it failed, was rejected, or ended before its tape was read. */
const hasReport = (job: JobView) => !ENDED_BADLY.has(job.status) && job.progress.total > 0;

async function printOutcome(api: ApiClient, jobId: string, outDir: string | undefined): Promise<void> {
  const job = await api.job(jobId);
  console.log(`\n${jobLine(job)}`);
  if (!hasReport(job)) return;
  const report = await api.results(jobId);
  console.log(`\n${renderReport(report, job)}`);
  if (outDir) {
    mkdirSync(outDir, { recursive: true });
    const file = path.join(outDir, `report-${jobId}.json`);
    writeFileSync(file, `${JSON.stringify({ job, report }, null, 2)}\n`);
    console.log(`\nfull report: ${file}`);
  }
}

/**
 * A submission that ended on a server error: the server may have started the job before it failed. The
 * message says how to find out without starting a second one: the same command with the same key.
 */
class SubmissionUnsureError extends Error {
  constructor(message: string, idempotencyKey: string, options: ErrorOptions) {
    super(
      `${message}\nThe job may have started: run the same command with --idempotency-key ${idempotencyKey} to get it (or start it, if it did not) without starting a second one.`,
      options,
    );
    this.name = 'SubmissionUnsureError';
  }
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    const known =
      error instanceof ApiError || error instanceof UnreachableError || error instanceof SubmissionUnsureError;
    console.error(known ? error.message : `error: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
