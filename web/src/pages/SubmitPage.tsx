// Submit: drop a CSV, Excel or JSON portfolio, choose the analysis, budget and allow-partial; the API checks
// the file and estimates the cost (POST /estimate: nothing is bought or written), every error and warning is
// listed by row and column, and only then can the job be submitted (POST /analyze, with an Idempotency-Key
// so a double submit starts one job).
import { useId, useRef, useState, type DragEvent } from 'react';
import { useLocation } from 'wouter';
import { api, ApiError, type EstimateAnswer, type InputWarning, type RequestBody } from '../api.ts';
import { readUpload, type Upload } from '../input/read-upload.ts';
import { count, moneyCents } from '../format.ts';
import { ErrorNote, Figures } from '../components/common.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { ANALYSIS_TYPES } from '../../../src/domain/schemas.ts';

const ANALYSIS_LABELS: Record<string, string> = {
  comprehensive: 'Comprehensive (valuation, risk, fraud)',
  valuation: 'Valuation',
  risk: 'Risk (stored values, no AVM call)',
  fraud: 'Fraud screening',
};

interface Issue {
  row: string;
  column: string;
  message: string;
  code?: string;
}

/** An API field path as row and column: `row 14, column loan.balance` (CSV) or `properties[12].loan.balance` (JSON). */
export function issueOf(path: string, message: string): Issue {
  const csv = /^row (\d+)(?:, column (.+))?$/.exec(path);
  if (csv) return { row: csv[1]!, column: csv[2] ?? '', message };
  const json = /^properties\[(\d+)\](?:\.(.+))?$/.exec(path);
  if (json) return { row: `property #${Number(json[1]) + 1}`, column: json[2] ?? '', message };
  return { row: '', column: path, message };
}

/** A warning of the dataQuality account: its field, the rows of its first occurrences, and what to change. */
const warningIssue = (w: InputWarning): Issue => ({
  row: w.examples
    .flatMap((e) => (e.row === undefined ? [] : [String(e.row)]))
    .concat(w.count > w.examples.length ? ['…'] : [])
    .join(', '),
  column: w.field ?? '',
  message: w.fix ? `${w.message} ${w.fix}` : w.message,
  code: w.code,
});

function IssueTable({ caption, issues, total }: { caption: string; issues: Issue[]; total: number }) {
  return (
    <DataTable
      label={caption}
      className="issues"
      caption={`${caption}${total > issues.length ? ` (first ${count(issues.length)} of ${count(total)})` : ''}`}
      rows={issues}
      rowKey={(_, n) => n}
      columns={[
        { label: 'Row', num: true, cell: (i) => i.row },
        { label: 'Column', cell: (i) => <span className="mono">{i.column}</span> },
        {
          label: 'Message',
          cell: (i) => (
            <>
              {i.code && <span className="code">{i.code}</span>} {i.message}
            </>
          ),
        },
      ]}
    />
  );
}

/** A file name as a portfolio id: letters, digits, '.', '_', ':' and '-', starting with a letter or digit. */
const portfolioIdFrom = (name: string): string =>
  name
    .replace(/\.[^.]+$/, '')
    .replace(/[^A-Za-z0-9._:-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 64);

type Check =
  | { state: 'idle' }
  | { state: 'checking' }
  | { state: 'ok'; signature: string; answer: EstimateAnswer }
  | { state: 'rejected'; error: unknown };

export function SubmitPage() {
  const [, navigate] = useLocation();
  const [upload, setUpload] = useState<Upload>();
  const [readError, setReadError] = useState<string>();
  const [dragging, setDragging] = useState(false);
  const [portfolioId, setPortfolioId] = useState('');
  const [analysisType, setAnalysisType] = useState<string>('comprehensive');
  const [budget, setBudget] = useState('');
  const [allowPartial, setAllowPartial] = useState(false);
  const [check, setCheck] = useState<Check>({ state: 'idle' });
  const [submitError, setSubmitError] = useState<unknown>();
  const [submitting, setSubmitting] = useState(false);
  const idempotencyKey = useRef(crypto.randomUUID());
  const fileInput = useId();

  const fields = {
    portfolioId: portfolioId.trim(),
    analysisType,
    ...(budget.trim() !== '' && { budget: budget.trim() }),
    allowPartial,
  };
  const signature = JSON.stringify([upload?.name, fields]);

  function body(u: Upload): RequestBody {
    const { budget: b, ...rest } = fields;
    return u.kind === 'json'
      ? { kind: 'json', body: { ...u.body, ...rest, ...(b !== undefined && { budget: Number(b) }) } }
      : { kind: 'csv', text: u.text, fields: { ...rest, ...(b !== undefined && { budget: b }) } };
  }

  async function take(file: File | undefined) {
    if (!file) return;
    setReadError(undefined);
    setCheck({ state: 'idle' });
    setSubmitError(undefined);
    idempotencyKey.current = crypto.randomUUID();
    try {
      const read = await readUpload(file);
      setUpload(read);
      const fromFile = read.kind === 'json' ? read.body.portfolioId : undefined;
      setPortfolioId(typeof fromFile === 'string' ? fromFile : portfolioIdFrom(file.name));
      if (read.kind === 'json' && typeof read.body.analysisType === 'string') setAnalysisType(read.body.analysisType);
    } catch (error) {
      setUpload(undefined);
      setReadError(error instanceof Error ? error.message : String(error));
    }
  }

  async function runCheck() {
    if (!upload) return;
    setCheck({ state: 'checking' });
    setSubmitError(undefined);
    try {
      setCheck({ state: 'ok', signature, answer: await api.estimate(body(upload)) });
    } catch (error) {
      setCheck({ state: 'rejected', error });
    }
  }

  async function submit() {
    if (!upload) return;
    setSubmitting(true);
    setSubmitError(undefined);
    try {
      const answer = await api.analyze(body(upload), idempotencyKey.current);
      navigate(`/jobs/${answer.jobId}`);
    } catch (error) {
      setSubmitError(error);
    } finally {
      setSubmitting(false);
    }
  }

  function onDrop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    void take(event.dataTransfer.files[0]);
  }

  const estimate = check.state === 'ok' && check.signature === signature ? check.answer : undefined;
  const overBudget =
    estimate !== undefined && budget.trim() !== '' && Number(budget) < estimate.estimatedCost && !allowPartial;
  const rejected = check.state === 'rejected' ? check.error : undefined;
  const errorIssues = rejected instanceof ApiError ? rejected.errors.map((e) => issueOf(e.path, e.message)) : [];
  const warnings = (estimate?.dataQuality.warnings ?? (rejected instanceof ApiError ? rejected.warnings : [])).map(
    warningIssue,
  );

  return (
    <>
      <h1>Submit a portfolio</h1>
      <div className="submit-grid">
        <section className="panel" aria-labelledby="file-title">
          <h2 id="file-title">1. Portfolio file</h2>
          <div
            className={`dropzone${dragging ? ' dropzone-active' : ''}`}
            data-testid="dropzone"
            onDragOver={(e) => {
              e.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={onDrop}
          >
            <p>Drop a CSV, Excel (.xlsx) or JSON file here, or</p>
            <label htmlFor={fileInput} className="button">
              Choose a file
            </label>
            <input
              id={fileInput}
              className="visually-hidden-input"
              type="file"
              accept=".csv,.xlsx,.json,text/csv,application/json,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              onChange={(e) => void take(e.target.files?.[0])}
            />
            {upload && (
              <p className="file-chosen" role="status">
                Read <strong>{upload.name}</strong> (
                {upload.kind === 'excel' ? 'Excel, first sheet' : upload.kind.toUpperCase()}).
              </p>
            )}
          </div>
          {readError && (
            <div className="note note-error" role="alert">
              {readError}
            </div>
          )}
          <p className="hint">
            Columns and fields as in the API (README: Input):{' '}
            <span className="mono">propertyId, address, state, zip, propertyType, loan.balance, …</span>. Rows are
            numbered as in the file (header = row 1).
          </p>
        </section>

        <section className="panel" aria-labelledby="options-title">
          <h2 id="options-title">2. Analysis</h2>
          <div className="form-grid">
            <div className="field">
              <label htmlFor="submit-portfolio">Portfolio id</label>
              <input
                id="submit-portfolio"
                required
                value={portfolioId}
                onChange={(e) => setPortfolioId(e.target.value)}
                aria-describedby="submit-portfolio-hint"
              />
              <span id="submit-portfolio-hint" className="hint">
                Runs of the same portfolio are compared and trended.
              </span>
            </div>
            <div className="field">
              <label htmlFor="submit-type">Analysis type</label>
              <select id="submit-type" value={analysisType} onChange={(e) => setAnalysisType(e.target.value)}>
                {ANALYSIS_TYPES.map((t) => (
                  <option key={t} value={t}>
                    {ANALYSIS_LABELS[t] ?? t}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="submit-budget">Budget (USD, optional)</label>
              <input
                id="submit-budget"
                inputMode="decimal"
                value={budget}
                onChange={(e) => setBudget(e.target.value)}
                placeholder="no limit"
              />
            </div>
            <div className="field field-check">
              <input
                id="submit-partial"
                type="checkbox"
                checked={allowPartial}
                onChange={(e) => setAllowPartial(e.target.checked)}
              />
              <label htmlFor="submit-partial">Allow a partial run: analyse until the budget is spent</label>
            </div>
          </div>
          <div className="actions">
            <button type="button" onClick={() => void runCheck()} disabled={!upload || check.state === 'checking'}>
              {check.state === 'checking' ? 'Checking…' : 'Check file and estimate'}
            </button>
          </div>
        </section>
      </div>

      <section className="panel" aria-labelledby="check-title" aria-live="polite">
        <h2 id="check-title">3. Check and submit</h2>
        {!upload && <p className="hint">Choose a file, then check it: nothing is bought until you submit.</p>}
        {upload && check.state === 'idle' && (
          <p className="hint">Check the file to see the estimate and any problem.</p>
        )}
        {check.state === 'ok' && !estimate && (
          <p className="hint">The file or options changed since the check: check again.</p>
        )}
        {rejected !== undefined && (
          <div className="note note-error" role="alert">
            {rejected instanceof Error ? rejected.message : 'The check failed'}:{' '}
            {rejected instanceof ApiError && rejected.totalErrors > 0
              ? `${count(rejected.totalErrors)} problem(s) to fix in the file or the options before it can run.`
              : 'fix it and check again.'}
          </div>
        )}
        {errorIssues.length > 0 && (
          <IssueTable
            caption="Errors"
            issues={errorIssues}
            total={rejected instanceof ApiError ? rejected.totalErrors : errorIssues.length}
          />
        )}
        {warnings.length > 0 && <IssueTable caption="Warnings" issues={warnings} total={warnings.length} />}
        {estimate && (
          <>
            <Figures
              label="Estimate"
              items={[
                { label: 'Properties', value: count(estimate.breakdown.properties) },
                { label: 'Estimated cost (upper bound)', value: moneyCents(estimate.estimatedCost) },
                ...Object.entries(estimate.breakdown.components).map(([component, dollars]) => ({
                  label: `${component[0]!.toUpperCase()}${component.slice(1)}`,
                  value: moneyCents(dollars),
                  detail: `${moneyCents(estimate.breakdown.perProperty[component as keyof typeof estimate.breakdown.perProperty])} each`,
                })),
                { label: 'Budget', value: budget.trim() === '' ? 'none' : moneyCents(Number(budget)) },
              ]}
            />
            {overBudget && (
              <div className="note note-warn" role="alert">
                The estimate is over the budget. Raise the budget, or allow a partial run to analyse until the budget is
                spent.
              </div>
            )}
            {!overBudget && budget.trim() !== '' && Number(budget) < estimate.estimatedCost && (
              <div className="note note-warn">
                Partial run: the job stops when its reservations reach the budget, and the report says so.
              </div>
            )}
            <div className="actions">
              <button
                type="button"
                className="button-primary"
                onClick={() => void submit()}
                disabled={submitting || overBudget}
              >
                {submitting ? 'Submitting…' : `Submit ${count(estimate.breakdown.properties)} properties`}
              </button>
            </div>
          </>
        )}
        {submitError !== undefined && <ErrorNote error={submitError} />}
      </section>
    </>
  );
}
