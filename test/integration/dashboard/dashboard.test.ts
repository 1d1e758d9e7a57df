/// <reference lib="dom" />
// The dashboard end to end in a real Chromium: the compiled app (API and dashboard) on devhost against
// Azurite, the Cosmos server and the sandbox, driven through the page as an analyst would. One stack and
// one browser for the whole file; each test continues from the one before (the order is the story).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { BlobServiceClient } from '@azure/storage-blob';
import { parse } from 'csv-parse/sync';
import readExcelFile from 'read-excel-file/node';
import writeXlsxFile from 'write-excel-file/node';
import { startPipeline, REPO_ROOT, type PipelineHarness } from '../pipeline/harness.ts';
import { itAnswersAsDocumented } from '../../openapi-answers.ts';
import { openBrowser, screenshot, seriousViolations, SCREENSHOT_DIR, type Browser } from './browser.ts';
import type { PortfolioReport } from '../../../src/domain/report.ts';
import type { JobView } from '../../../src/api/answers.ts';
import type { PropertyResult } from '../../../src/domain/results.ts';

const SAMPLE_CSV = path.join(REPO_ROOT, 'examples', 'portfolio-1000.csv');
const sampleText = readFileSync(SAMPLE_CSV, 'utf8');
const [header = '', ...sampleRows] = sampleText.trimEnd().split(/\r?\n/);
const columns = header.split(',');

/** The sample's first rows with cells replaced (column name -> value), as CSV text. */
function csvWith(rows: number, changes: Record<number, Record<string, string>> = {}): string {
  const lines = sampleRows.slice(0, rows).map((line, i) => {
    const cells = line.split(','); // the sample has no quoted cells
    for (const [column, value] of Object.entries(changes[i] ?? {})) cells[columns.indexOf(column)] = value;
    return cells.join(',');
  });
  return [header, ...lines].join('\n') + '\n';
}

let h: PipelineHarness;
let b: Browser;
let page: Page;
let base: string;
const jobs: { sample?: string; second?: string; cancelled?: string } = {};

beforeAll(async () => {
  if (!existsSync(path.join(REPO_ROOT, 'dist', 'web', 'index.html')))
    throw new Error('The dashboard is not built: run `npm run build` first (npm test does).');
  h = await startPipeline({
    // Held sandbox answers (the cancel test) must not time out and be retried while held.
    env: { CHUNK_SIZE: '50', AVM_TIMEOUT_MS: '120000', FRAUD_REVIEW_TIMEOUT_MS: '120000' },
  });
  b = await openBrowser();
  page = b.page;
  // A safety net for a hung page, never a speed check: on a busy machine the submission of the 1,000-property
  // sample took over 20 s to answer (load 7-10, three test files at once).
  page.setDefaultTimeout(60_000);
  base = `${h.url}/api/dashboard/`;
}, 120_000);

afterAll(async () => {
  h?.sandbox.release();
  await b?.close();
  await h?.stop();
});

/** Waits for the page to show what is expected (the API answers at the machine's pace, not a fixed one). */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 60_000, interval: 200 });

async function go(route: string): Promise<void> {
  await page.goto(`${base}#${route}`);
}

/** Waits until a chart has drawn more than a frame (it draws once its container has a size). */
async function drawn(chart: Locator): Promise<void> {
  await chart.locator('svg path').nth(3).waitFor({ state: 'attached' });
}

async function expectAccessible(): Promise<void> {
  expect(await seriousViolations(page)).toEqual([]);
}

/** Drops a file on the drop zone as a user dragging it from the desktop would (a real DataTransfer). */
async function dropFile(name: string, mimeType: string, content: Buffer): Promise<void> {
  const transfer = await page.evaluateHandle(
    ({ name, mimeType, bytes }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes)], name, { type: mimeType }));
      return dt;
    },
    { name, mimeType, bytes: [...content] },
  );
  await page.getByTestId('dropzone').dispatchEvent('dragover', { dataTransfer: transfer });
  await page.getByTestId('dropzone').dispatchEvent('drop', { dataTransfer: transfer });
}

async function waitForStatus(label: string, timeout = 120_000): Promise<void> {
  await page.locator('.page-head .badge', { hasText: label }).waitFor({ timeout });
}

describe('dashboard', () => {
  it('serves the page with its security headers, and 404 for a file that is not in the build', async () => {
    const response = await fetch(base);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await fetch(`${base}assets/../../../package.json`)).status).toBe(404);
    expect((await fetch(`${base}nothing-here.js`)).status).toBe(404);
  });

  it('checks a file before anything is bought: every error by row and column', async () => {
    await go('/submit');
    const bad = csvWith(3, { 0: { county: 'Harris County' }, 1: { state: 'ZZ' }, 2: { 'loan.balance': '-5' } });
    await dropFile('bad-tape.csv', 'text/csv', Buffer.from(bad));
    await page.getByText('Read bad-tape.csv').waitFor();
    await page.getByRole('button', { name: 'Check file and estimate' }).click();
    const errors = page.getByRole('table', { name: 'Errors' });
    await errors.waitFor();
    const rows = await errors.locator('tbody tr').allInnerTexts();
    // Header = row 1: the second property is row 3, the third row 4.
    expect(rows.some((r) => /^3\s+state\s/.test(r))).toBe(true);
    expect(rows.some((r) => /^4\s+loan\.balance\s/.test(r))).toBe(true);
    // A value normalised, not refused: a warning on its row (the first property: row 2).
    const warnings = await page.getByRole('table', { name: 'Warnings' }).locator('tbody tr').allInnerTexts();
    expect(warnings).toEqual([expect.stringMatching(/^2\s+county\s.*County/)]);
    expect(await page.getByRole('button', { name: /^Submit/ }).count()).toBe(0);
    expect(await h.get('/api/portfolio/jobs').then((r) => r.json())).toMatchObject({ jobs: [] });
  });

  it('reads an Excel workbook dropped on the page and estimates it', async () => {
    const rows: string[][] = parse(csvWith(5));
    const workbook = await writeXlsxFile(rows.map((r) => r.map((cell) => (cell === '' ? null : cell)))).toBuffer();
    await dropFile('tape.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', workbook);
    await page.getByText('Read tape.xlsx').waitFor();
    await page.getByRole('button', { name: 'Check file and estimate' }).click();
    const estimate = page.getByRole('definition').filter({ hasText: /^5$/ });
    await estimate.first().waitFor();
    expect(await page.getByRole('button', { name: 'Submit 5 properties' }).isEnabled()).toBe(true);
  });

  it('submits the sample through the page and follows the job live to completion', async () => {
    await page.locator('input[type=file]').setInputFiles(SAMPLE_CSV);
    await page.getByText('Read portfolio-1000.csv').waitFor();
    await page.getByLabel('Portfolio id').fill('dash-book');
    await page.getByLabel('Analysis type').selectOption('comprehensive');
    await page.getByRole('button', { name: 'Check file and estimate' }).click();
    await page.getByRole('button', { name: 'Submit 1,000 properties' }).waitFor();
    // The worst case of 1,000 comprehensive properties: both AVMs ($0.02 each), an AI review ($0.05), risk ($0.01).
    expect(await page.getByLabel('Estimate').innerText()).toContain('$100.00');
    await expectAccessible();
    await screenshot(page, 'submit');
    await page.getByRole('button', { name: 'Submit 1,000 properties' }).click();
    await page.waitForURL(/#\/jobs\/job-/);
    jobs.sample = decodeURIComponent(page.url().split('#/jobs/')[1]!);
    await waitForStatus('Completed');
    await page.getByText('1,000 of 1,000').waitFor();
    expect(await page.getByTestId('job-progress').getAttribute('aria-valuenow')).toBe('100');
    await expectAccessible();
    await screenshot(page, 'job');
  }, 180_000);

  it('renders the report: every chart drawn with the report data, the map, the tables; no partial banner', async () => {
    const report = (await (await h.get(`/api/portfolio/jobs/${jobs.sample}/results`)).json()) as {
      results: PortfolioReport;
    };
    const r = report.results;
    await go(`/jobs/${jobs.sample}/report`);
    await page.getByTestId('chart-value-change').waitFor();
    expect(await page.getByTestId('partial-banner').count()).toBe(0);
    const topReason = Object.entries(r.fraud.reasons.amongScreened).sort((a, b) => b[1] - a[1])[0]!;
    const outlier = r.fraud.appraisers.listed.find((a) => a.outlier && a.meanInflationPct !== null);
    const lastScenario = r.stress.scenarios.at(-1)!;
    // Each chart's ECharts summary (its aria-label) carries figures of the report it was drawn from.
    const expected: Record<string, string[]> = {
      'value-change': ['-50% to -45%', 'Properties'],
      'risk-tiers': [`Tier A is 0, ${r.risk.tiers.A.count}`, `Tier D is 3, ${r.risk.tiers.D.count}`],
      ltv: ['LTV', 'CLTV', '0% to 5%'],
      'fraud-reasons': [`${topReason[0]} is ${topReason[1]}`],
      appraisers: outlier ? [outlier.appraiserId] : ['Within limits'],
      'state-map': [`${r.concentration.state.top[0]!.key} is ${r.concentration.state.top[0]!.valueShare}`],
      'property-types': [r.propertyTypes[0]!.propertyType, 'Tier A'],
      cost: ['Estimate', `${r.cost.valuation}`, 'Unconfirmed (may have been billed)'],
      // ECharts describes a bar as "the data for {category} is {index}, {value}".
      'avm-fsd': [
        r.avmPerformance.providers[0]!.provider,
        `the data for ≤ 5% is 0, ${r.avmPerformance.providers[0]!.fsdBands[0]!.count}`,
      ],
      'stress-tiers': [
        'Tier D',
        `the data for ${lastScenario.name} is ${r.stress.scenarios.length}, ${lastScenario.tiers.D}`,
      ],
    };
    for (const [name, fragments] of Object.entries(expected)) {
      const chart = page.getByTestId(`chart-${name}`);
      await drawn(chart);
      const label = (await chart.getAttribute('aria-label')) ?? '';
      for (const fragment of fragments) expect(label, name).toContain(fragment);
    }
    // No call of the sample timed out or was lost: the cost panel says so, to the cent.
    expect(r.cost.unconfirmed).toBe(0);
    expect(await page.getByTestId('cost-unconfirmed').innerText()).toContain('Unconfirmed: $0.00');
    // Every state of the report is a region of the map (territories excepted) and a row of the table.
    const states = page.getByRole('table', { name: 'States by value' }).locator('tbody tr');
    expect(await states.count()).toBe(r.concentration.state.groups);
    expect(await page.getByRole('table', { name: 'Counties by value' }).locator('tbody tr').count()).toBe(
      r.concentration.county.top.length,
    );
    // AVM performance, stress and data quality in views of their own (no section is left as raw tables).
    const accuracy = page.getByRole('table', { name: 'AVM accuracy' }).locator('tbody tr');
    const { sale, appraisal } = r.avmPerformance.accuracy;
    expect(await accuracy.count()).toBe(2 + sale.byProvider.length + appraisal.byProvider.length);
    expect(await accuracy.first().innerText()).toContain(`${(sale.overall.ppe10! * 100).toFixed(1)}%`);
    const scenarios = page.getByRole('table', { name: 'Stress scenarios' }).locator('tbody tr');
    expect(await scenarios.count()).toBe(r.stress.scenarios.length + 1);
    expect(await scenarios.last().innerText()).toContain(`${(lastScenario.weightedLtv! * 100).toFixed(1)}%`);
    const quality = r.dataQuality!;
    expect(await page.getByLabel('Input', { exact: true }).innerText()).toContain(quality.rows.toLocaleString('en-US'));
    const warnings = page.getByRole('table', { name: 'Input warnings' }).locator('tbody tr');
    const warningTexts = await warnings.allInnerTexts();
    expect(warningTexts).toHaveLength(quality.warnings.length);
    quality.warnings.forEach((w, i) => expect(warningTexts[i]).toContain(w.code));
    expect(await page.locator('[data-section=notes] li').allInnerTexts()).toEqual(r.notes);
    expect(await page.getByText('shown as tables').count()).toBe(0);
    await expectAccessible();
    await screenshot(page, 'report', true);
    // A large screen: the same page at 2560x1440, the panels side by side.
    await page.setViewportSize({ width: 2560, height: 1440 });
    await drawn(page.getByTestId('chart-stress-tiers'));
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'report-2560.png') });
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('a second run of the portfolio: comparison, tier migration and trend lines', async () => {
    const response = await fetch(`${h.url}/api/portfolio/analyze?portfolioId=dash-book&analysisType=comprehensive`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: sampleText,
    });
    expect(response.status).toBe(202);
    jobs.second = ((await response.json()) as { jobId: string }).jobId;
    await h.waitForJob(jobs.second, 120_000);
    await go(`/jobs/${jobs.second}/report`);
    await page.getByRole('table', { name: 'Comparison with the previous run' }).waitFor();
    expect(await page.getByTestId('chart-risk-tiers').getAttribute('aria-label')).toContain('Previous run');
    await go('/trends/dash-book');
    for (const name of ['trend-value', 'trend-ltv', 'trend-tiers', 'trend-hhi']) {
      const chart = page.getByTestId(`chart-${name}`);
      await drawn(chart);
      expect(await chart.getAttribute('aria-label'), name).toMatch(/Line chart/);
    }
    await page.getByText('2 runs of').waitFor();
    await expectAccessible();
    await screenshot(page, 'trends');
  }, 180_000);

  it('pages, filters and searches the properties, and opens one', async () => {
    await go(`/jobs/${jobs.sample}/properties`);
    const table = page.getByRole('table', { name: 'Properties' });
    const firstIds = async () => (await table.locator('tbody tr td:first-child').allInnerTexts()).map((t) => t.trim());
    await page.getByLabel('Per page').selectOption('25');
    await page.getByRole('button', { name: 'Apply' }).click();
    await poll(async () => (await firstIds()).length).toBe(25);
    const page1 = await firstIds();
    await page.getByRole('button', { name: 'Next →' }).click();
    await poll(async () => (await firstIds())[0]).not.toBe(page1[0]);
    const page2 = await firstIds();
    expect(page2.filter((id) => page1.includes(id))).toEqual([]);
    await page.getByRole('button', { name: '← Previous' }).click();
    await poll(firstIds).toEqual(page1);

    // Filter by state and type: every row matches.
    await page.getByLabel('State').selectOption('TX');
    await page.getByLabel('Property type').selectOption('SFR');
    await page.getByRole('button', { name: 'Apply' }).click();
    await poll(async () => new Set(await table.locator('tbody tr td:nth-child(3)').allInnerTexts())).toEqual(
      new Set(['TX']),
    );
    expect(new Set(await table.locator('tbody tr td:nth-child(4)').allInnerTexts())).toEqual(new Set(['SFR']));
    await screenshot(page, 'properties');

    // Fraud-flagged only: every row carries the flag.
    await page.getByLabel('State').selectOption('');
    await page.getByLabel('Property type').selectOption('');
    await page.getByLabel('Show').selectOption('flagged');
    await page.getByRole('button', { name: 'Apply' }).click();
    await poll(async () => {
      const rows = await table.locator('tbody tr').allInnerTexts();
      return rows.length > 0 && rows.every((row) => row.includes('flagged'));
    }).toBe(true);

    // Search by id: the one property; open it.
    await page.getByLabel('Show').selectOption('all');
    await page.getByLabel('Search id or address').fill('p000042');
    await page.getByRole('button', { name: 'Apply' }).click();
    await poll(firstIds).toEqual(['P000042']);
    await expectAccessible();
    await table.getByRole('link', { name: 'P000042' }).click();
    await page.getByRole('heading', { name: 'Property P000042' }).waitFor();
    await page.getByRole('table', { name: 'AVM cascade attempts' }).waitFor();
    await page.getByRole('heading', { name: /^Fraud screening: score \d+/ }).waitFor();
    await page.getByText(/LTV/).first().waitFor();
    await expectAccessible();
    await screenshot(page, 'property');

    // A flagged property the AI reviewed: each rule that fired with its points, and the verdict.
    const flagged = (
      (await (await h.get(`/api/portfolio/jobs/${jobs.sample}/properties?filter=flagged&pageSize=1000`)).json()) as {
        properties: PropertyResult[];
      }
    ).properties.find((p) => p.fraud?.aiReview !== undefined)!;
    await go(`/jobs/${jobs.sample}/properties/${flagged.propertyId}`);
    const reasons = page.getByRole('table', { name: 'Fraud reasons' }).locator('tbody tr');
    await reasons.first().waitFor();
    const flags = flagged.fraud!.flags;
    expect(await reasons.allInnerTexts()).toHaveLength(flags.length);
    expect(await reasons.first().innerText()).toContain(flags[0]!.code);
    expect(await page.locator('.verdict').innerText()).toContain(flagged.fraud!.aiReview!.verdict);
    await expectAccessible();
    await screenshot(page, 'property-flagged');
  });

  it('downloads the report as an Excel workbook (one sheet per section) and the properties as CSV', async () => {
    const r = (
      (await (await h.get(`/api/portfolio/jobs/${jobs.sample}/results`)).json()) as { results: PortfolioReport }
    ).results;
    await go(`/jobs/${jobs.sample}/report`);
    const [workbookDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download report (Excel)' }).click(),
    ]);
    expect(workbookDownload.suggestedFilename()).toBe(`report-${jobs.sample}.xlsx`);
    const workbookPath = path.join(b.downloadsDir, 'report.xlsx');
    await workbookDownload.saveAs(workbookPath);
    const sheets = await readExcelFile(workbookPath);
    const names = sheets.map((s) => s.sheet);
    for (const name of [
      'Summary',
      'Totals',
      'Valuation',
      'Risk',
      'Fraud',
      'Concentration',
      'Property types',
      'Cost',
      'Distributions',
      'Highlights',
    ])
      expect(names, name).toContain(name);
    const field = (sheet: string, path: string) =>
      sheets.find((s) => s.sheet === sheet)!.data.find((row) => row[0] === path)?.[1];
    expect(field('Summary', 'jobId')).toBe(jobs.sample);
    expect(field('Totals', 'properties')).toBe(r.totals.properties);
    expect(field('Risk', 'tiers.D.count')).toBe(r.risk.tiers.D.count);
    expect(field('Cost', 'total')).toBe(r.cost.total);
    expect(field('Cost', 'unconfirmed')).toBe(0);
    const types = sheets.find((s) => s.sheet === 'Property types')!.data;
    expect(types[0]).toContain('propertyType');
    expect(types.length).toBe(r.propertyTypes.length + 1);

    const [csvDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download properties (CSV)' }).click(),
    ]);
    expect(csvDownload.suggestedFilename()).toBe(`properties-${jobs.sample}.csv`);
    const csvPath = path.join(b.downloadsDir, 'properties.csv');
    await csvDownload.saveAs(csvPath);
    const records = parse<Record<string, string>>(readFileSync(csvPath, 'utf8'), { columns: true });
    expect(records).toHaveLength(1000);
    expect(new Set(records.map((x) => x.propertyId)).size).toBe(1000);
    const tierD = records.filter((x) => x.tier === 'D').length;
    expect(tierD).toBe(r.risk.tiers.D.count);
    expect(records.find((x) => x.propertyId === 'P000001')?.state).toBe('TX');
  });

  it('cancels a running job from its page; the partial report says so', async () => {
    h.sandbox.hold(); // every AVM answer waits: the job is certainly running when Cancel is pressed
    // Other street numbers: the sample's own answers (AVM values and AI reviews) are in the cache by now and
    // would be reused without a call, so the job would finish before Cancel is pressed.
    const unseen = [header, ...sampleRows.map((row) => row.replace(/^([^,]*),(\d)/, '$1,9$2'))].join('\n');
    const response = await fetch(`${h.url}/api/portfolio/analyze?portfolioId=dash-cancel&analysisType=comprehensive`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: unseen,
    });
    jobs.cancelled = ((await response.json()) as { jobId: string }).jobId;
    await go(`/jobs/${jobs.cancelled}`);
    await page.getByRole('button', { name: 'Cancel job' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel this job?' });
    await dialog.waitFor();
    await expectAccessible();
    await dialog.getByRole('button', { name: 'Cancel job' }).click();
    await page.getByText('Cancellation initiated').waitFor();
    h.sandbox.release(); // the chunks in flight finish; nothing more is scheduled
    await waitForStatus('Cancelled');
    const view = ((await (await h.get(`/api/portfolio/jobs/${jobs.cancelled}`)).json()) as { job: JobView }).job;
    expect(await page.getByTestId('status-reason').innerText()).toContain(view.statusReason!);
    const processed = Number(
      (await page.getByTestId('job-progress').getAttribute('aria-valuetext'))!.match(/\((\d+) of 1000\)/)![1],
    );
    expect(processed).toBeLessThan(1000);
    await screenshot(page, 'job-cancelled');
    await page.getByRole('link', { name: 'Open the report' }).click();
    await page.getByTestId('partial-banner').waitFor();
    expect(await page.getByTestId('partial-banner').innerText()).toContain('the job was cancelled');
    expect(await page.getByTestId('partial-banner').innerText()).toContain(`${processed} of 1,000`);
    await screenshot(page, 'report-partial');
  }, 180_000);

  it('lists the jobs, filtered by status and portfolio', async () => {
    await go('/');
    const table = page.getByRole('table', { name: 'Jobs' });
    await poll(async () => await table.locator('tbody tr').count()).toBe(3);
    await expectAccessible();
    await screenshot(page, 'jobs');
    await page.getByLabel('Status').selectOption('cancelled');
    await page.getByRole('button', { name: 'Apply' }).click();
    await poll(async () => await table.locator('tbody tr').allInnerTexts()).toHaveLength(1);
    expect(await table.locator('tbody tr').innerText()).toContain(jobs.cancelled);
    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Portfolio').fill('dash-book');
    await page.getByRole('button', { name: 'Apply' }).click();
    await poll(async () => (await table.locator('tbody tr').allInnerTexts()).length).toBe(2);
    // Newest first.
    expect(await table.locator('tbody tr').first().innerText()).toContain(jobs.second);
  });

  it('logged no script error and no content-security-policy violation on any page', () => {
    // Answers the page shows on purpose (the bad file's 400) are logged by Chromium as failed loads; nothing else.
    expect(b.errors.filter((e) => !e.startsWith('Failed to load resource'))).toEqual([]);
  });
});

// The API the dashboard reads, checked on the same stack and the jobs the page created above.
describe('API for the dashboard', () => {
  interface ListAnswer {
    jobs: Array<{ jobId: string; portfolioId: string; status: string; progress: { total: number } }>;
    continuationToken?: string;
  }
  const list = async (query: string) => {
    const response = await h.get(`/api/portfolio/jobs?${query}`);
    return { status: response.status, body: (await response.json()) as ListAnswer & { errors?: unknown[] } };
  };

  it('lists jobs newest first, one page at a time, with live status, progress and cost', async () => {
    const all = await list('');
    expect(all.status).toBe(200);
    expect(all.body.jobs.map((j) => j.jobId)).toEqual([jobs.cancelled, jobs.second, jobs.sample]);
    expect(all.body.jobs.map((j) => j.status)).toEqual(['cancelled', 'completed', 'completed']);
    expect(all.body.continuationToken).toBeUndefined();
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await list(`pageSize=1${token ? `&continuationToken=${encodeURIComponent(token)}` : ''}`);
      expect(page.body.jobs.length).toBeLessThanOrEqual(1);
      seen.push(...page.body.jobs.map((j) => j.jobId));
      token = page.body.continuationToken;
    } while (token);
    expect(seen).toEqual(all.body.jobs.map((j) => j.jobId));
  });

  it('filters by portfolio, status and creation time', async () => {
    expect((await list('portfolioId=dash-book')).body.jobs.map((j) => j.jobId)).toEqual([jobs.second, jobs.sample]);
    expect((await list('status=cancelled')).body.jobs.map((j) => j.jobId)).toEqual([jobs.cancelled]);
    expect((await list('status=processing')).body.jobs).toEqual([]);
    const sample = (await (await h.get(`/api/portfolio/jobs/${jobs.sample}`)).json()) as { job: { startTime: string } };
    // The job document's creation time is the submission; `to` is exclusive.
    const created = (await list(`portfolioId=dash-book`)).body.jobs;
    expect(created).toHaveLength(2);
    expect((await list(`from=2000-01-01&to=2000-01-02`)).body.jobs).toEqual([]);
    expect((await list(`from=${encodeURIComponent(sample.job.startTime.slice(0, 10))}`)).body.jobs).toHaveLength(3);
  });

  it('answers 400 with field messages for a bad query, and for a token of another query', async () => {
    const bad = await list('status=done&pageSize=0&from=yesterday&color=blue');
    expect(bad.status).toBe(400);
    const paths = (bad.body.errors as Array<{ path: string }>).map((e) => e.path).sort();
    expect(paths).toEqual(['query', 'query.from', 'query.pageSize', 'query.status']);
    const reversed = await list('from=2026-02-01&to=2026-01-01');
    expect(reversed.status).toBe(400);
    expect(reversed.body.errors).toEqual([{ path: 'query.to', message: 'must be later than from' }]);
    const page = await list('pageSize=1');
    const replayed = await list(`pageSize=1&status=completed&continuationToken=${page.body.continuationToken!}`);
    expect(replayed.status).toBe(400);
    expect((await list('continuationToken=not-a-token')).status).toBe(400);
  });

  it('filters and searches a job’s properties on the server, and reads one property', async () => {
    const get = async (query: string) => {
      const response = await h.get(`/api/portfolio/jobs/${jobs.sample}/properties?pageSize=1000&${query}`);
      return {
        status: response.status,
        body: (await response.json()) as { properties: Array<Record<string, unknown>>; errors?: unknown[] },
      };
    };
    const all = (await get('')).body.properties;
    expect(all).toHaveLength(1000);
    const tx = (await get('state=TX&propertyType=CONDO')).body.properties;
    expect(tx.map((p) => p.propertyId).sort()).toEqual(
      all
        .filter((p) => p.state === 'TX' && p.propertyType === 'CONDO')
        .map((p) => p.propertyId)
        .sort(),
    );
    expect(tx.length).toBeGreaterThan(0);
    const street = String(all[0]!.address).split(' ').slice(1).join(' ').toUpperCase();
    const byAddress = (await get(`search=${encodeURIComponent(street)}`)).body.properties;
    expect(byAddress.map((p) => p.propertyId).sort()).toEqual(
      all
        .filter((p) => String(p.address).toLowerCase().includes(street.toLowerCase()))
        .map((p) => p.propertyId)
        .sort(),
    );
    const bad = await get('state=ZZ&propertyType=CASTLE');
    expect(bad.status).toBe(400);
    expect((bad.body.errors as Array<{ path: string }>).map((e) => e.path).sort()).toEqual([
      'query.propertyType',
      'query.state',
    ]);
    const one = await h.get(`/api/portfolio/jobs/${jobs.sample}/properties/P000042`);
    expect(one.status).toBe(200);
    expect(((await one.json()) as { property: unknown }).property).toEqual(all.find((p) => p.propertyId === 'P000042'));
    expect((await h.get(`/api/portfolio/jobs/${jobs.sample}/properties/P999999`)).status).toBe(404);
  });

  it('describes the new routes in the OpenAPI document', async () => {
    const doc = (await (await h.get('/api/openapi.json')).json()) as {
      paths: Record<
        string,
        Record<string, { parameters?: Array<{ name: string }>; requestBody?: { content: object } }>
      >;
    };
    expect(doc.paths['/portfolio/jobs']?.get?.parameters?.map((p) => p.name)).toEqual([
      'portfolioId',
      'status',
      'from',
      'to',
      'pageSize',
      'continuationToken',
    ]);
    expect(doc.paths['/portfolio/jobs/{jobId}/properties']?.get?.parameters?.map((p) => p.name)).toEqual(
      expect.arrayContaining(['state', 'propertyType', 'search']),
    );
    expect(doc.paths['/portfolio/jobs/{jobId}/properties/{propertyId}']?.get).toBeDefined();
    expect(Object.keys(doc.paths['/portfolio/estimate']?.post?.requestBody?.content ?? {})).toContain('text/csv');
  });

  it('estimates a CSV body like /analyze reads it, and refuses a bad one by row and column, starting nothing', async () => {
    const estimate = (body: string, query = 'portfolioId=est&analysisType=valuation') =>
      fetch(`${h.url}/api/portfolio/estimate?${query}`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body,
      });
    const ok = await estimate(csvWith(10));
    expect(ok.status).toBe(200);
    // The worst case: both AVMs of the default cascade answer, $0.02 each, for each of the 10 properties.
    expect(await ok.json()).toMatchObject({ estimatedCost: 0.4, breakdown: { properties: 10 } });
    const bad = await estimate(csvWith(3, { 0: { zip: '123' } }));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: Array<{ path: string }> }).errors[0]!.path).toBe('row 2, column zip');
    expect((await estimate(csvWith(2), 'analysisType=valuation')).status).toBe(400);
    expect((await list('portfolioId=est')).body.jobs).toEqual([]);
  });
});

// After the API checks above, which count the jobs the page created.
describe('a tape submitted by reference', () => {
  /** Uploads a CSV tape to the uploads container, as a lender's upload would. */
  async function upload(name: string, tape: string): Promise<void> {
    const container = BlobServiceClient.fromConnectionString(h.env.AzureWebJobsStorage!).getContainerClient(
      h.env.UPLOADS_CONTAINER!,
    );
    await container.createIfNotExists();
    await container.getBlockBlobClient(name).upload(tape, Buffer.byteLength(tape), {
      blobHTTPHeaders: { blobContentType: 'text/csv' },
    });
  }

  it('shows a job rejected after its 202 with every field error, and no report to open', async () => {
    await upload('dash/bad.csv', csvWith(3, { 0: { zip: '' }, 2: { zip: '123' } }));
    const accepted = await h.post('/api/portfolio/analyze', {
      portfolioId: 'dash-blob',
      analysisType: 'risk',
      propertiesBlob: 'dash/bad.csv',
    });
    expect(accepted.status).toBe(202);
    const { jobId } = (await accepted.json()) as { jobId: string };
    await go(`/jobs/${jobId}`);
    await waitForStatus('Rejected');
    const rejection = page.getByTestId('rejection');
    const view = ((await (await h.get(`/api/portfolio/jobs/${jobId}`)).json()) as { job: JobView }).job;
    expect(await rejection.innerText()).toContain(view.statusReason!);
    const errors = await rejection.getByRole('list', { name: 'Errors' }).getByRole('listitem').allInnerTexts();
    expect(errors).toEqual(view.errors!.map((e) => `${e.path}: ${e.message}`));
    expect(errors.map((e) => e.split(':')[0])).toEqual(['row 2, column zip', 'row 4, column zip']);
    expect(await page.getByRole('link', { name: 'Open the report' }).count()).toBe(0);
    // Nothing was read, estimated or spent: no progress of 0 of 0, no chart of zeros.
    expect(await page.getByRole('heading', { name: 'Progress' }).count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Cost' }).count()).toBe(0);
    await expectAccessible();
    await screenshot(page, 'job-rejected');
  });

  it('shows a job rejected over its budget with its estimate against the budget', async () => {
    await upload('dash/dear.csv', csvWith(3));
    const accepted = await h.post('/api/portfolio/analyze', {
      portfolioId: 'dash-blob',
      analysisType: 'risk',
      propertiesBlob: 'dash/dear.csv',
      budget: 0.01,
    });
    expect(accepted.status).toBe(202);
    const { jobId } = (await accepted.json()) as { jobId: string };
    await go(`/jobs/${jobId}`);
    await waitForStatus('Rejected');
    const view = ((await (await h.get(`/api/portfolio/jobs/${jobId}`)).json()) as { job: JobView }).job;
    expect(view.cost).toMatchObject({ budget: 0.01, actual: 0 });
    expect(await page.getByTestId('rejection').innerText()).toContain(view.statusReason!);
    expect(await page.getByRole('heading', { name: 'Progress' }).count()).toBe(0);
    await page.getByRole('heading', { name: 'Cost' }).waitFor();
    await expectAccessible();
    await screenshot(page, 'job-rejected-over-budget');
  });
});

itAnswersAsDocumented(() => h);
