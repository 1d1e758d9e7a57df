// A job, live: progress, processed / failed / cached, rate, ETA, cost against estimate and budget, cancel.
// Polls the job every second while it runs (no reload); once it has finished, links to its report and
// properties. A job whose tape (by reference) is being read says so; one whose tape was rejected after its 202
// shows why and every field error, as the submit page shows a refused file's, and has no report to link to.
import { useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, IN_FLIGHT, type JobView } from '../api.ts';
import { count, dateTime, duration, moneyCents, pct, secondsBetween } from '../format.ts';
import { ErrorNote, Figures, Loading, STATUS_LABELS, StatusBadge } from '../components/common.tsx';
import { Chart } from '../components/Chart.tsx';

/** Properties per second over the job's life so far (processed / elapsed). */
function rateOf(job: JobView): number | undefined {
  const elapsed = secondsBetween(job.startTime, job.endTime);
  return elapsed > 0 && job.progress.processed > 0 ? job.progress.processed / elapsed : undefined;
}

function CostChart({ job }: { job: JobView }) {
  const { cost } = job;
  const bars = [
    { name: 'Actual so far', value: cost.actual, color: '#1f4e79' },
    { name: 'Reserved', value: cost.reserved, color: '#85929e' },
    // Calls that timed out or whose answers a crash lost: perhaps billed, counted against the budget.
    ...(cost.unconfirmed !== undefined ? [{ name: 'Unconfirmed', value: cost.unconfirmed, color: '#d4ac0d' }] : []),
    { name: 'Estimate', value: cost.estimated, color: '#2e86c1' },
    ...(cost.budget !== undefined ? [{ name: 'Budget', value: cost.budget, color: '#b9770e' }] : []),
  ];
  return (
    <Chart
      name="job-cost"
      label="Cost so far against the estimate and the budget, in dollars"
      height={200}
      option={{
        grid: { left: 110, right: 80, top: 10, bottom: 30 },
        // Ticks a cent apart at least: finer ones would print the same rounded label twice.
        xAxis: { type: 'value', minInterval: 0.01, axisLabel: { formatter: (v: number) => moneyCents(v) } },
        yAxis: { type: 'category', data: bars.map((b) => b.name), inverse: true },
        tooltip: { trigger: 'axis', valueFormatter: (v: number) => moneyCents(v) },
        series: [
          {
            type: 'bar',
            name: 'Dollars',
            data: bars.map((b) => ({ value: b.value, itemStyle: { color: b.color } })),
            label: { show: true, position: 'right', formatter: (p: { value: number }) => moneyCents(p.value) },
          },
        ],
      }}
    />
  );
}

function CancelControl({ job }: { job: JobView }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const queryClient = useQueryClient();
  const [message, setMessage] = useState<string>();
  const cancel = useMutation({
    mutationFn: () => api.cancel(job.jobId),
    onSuccess: (answer) => {
      setMessage(answer.message);
      void queryClient.invalidateQueries({ queryKey: ['job', job.jobId] });
    },
  });
  return (
    <>
      <button type="button" className="button-danger" onClick={() => dialog.current?.showModal()}>
        Cancel job
      </button>
      <dialog ref={dialog} aria-labelledby="cancel-title" className="dialog">
        <h2 id="cancel-title">Cancel this job?</h2>
        <p>
          Chunks already running finish and are paid for; nothing more is bought. A partial report of what was analysed
          is written.
        </p>
        <form method="dialog" className="actions">
          <button type="submit">Keep running</button>
          <button type="submit" className="button-danger" onClick={() => cancel.mutate()}>
            Cancel job
          </button>
        </form>
      </dialog>
      {message && (
        <p role="status" className="note">
          {message}
        </p>
      )}
      {cancel.error && <ErrorNote error={cancel.error} />}
    </>
  );
}

/** Why a rejected job was refused, and its field errors (the tape's rows, the blob, the budget). */
function Rejection({ job }: { job: JobView }) {
  const errors = job.errors ?? [];
  const more = (job.totalErrors ?? errors.length) - errors.length;
  return (
    <div className="note note-error" role="alert" data-testid="rejection">
      <strong>Rejected:</strong> {job.statusReason}
      {errors.length > 0 && (
        <ul aria-label="Errors">
          {errors.map((e, i) => (
            <li key={i}>{e.path ? `${e.path}: ${e.message}` : e.message}</li>
          ))}
          {more > 0 && <li>… and {count(more)} more</li>}
        </ul>
      )}
    </div>
  );
}

export function JobPage({ jobId }: { jobId: string }) {
  const job = useQuery({
    queryKey: ['job', jobId],
    queryFn: () => api.job(jobId),
    refetchInterval: (q) => (q.state.data && !IN_FLIGHT.has(q.state.data.status) ? false : 1000),
  });
  if (job.error) return <ErrorNote error={job.error} />;
  if (!job.data) return <Loading what="the job" />;
  const j = job.data;
  const running = IN_FLIGHT.has(j.status);
  const rate = rateOf(j);
  const p = j.progress;
  // A job whose tape is being read, was rejected, or ended while it was read has nothing to analyse: no progress
  // to show, and no report.
  const analysable = p.total > 0 && j.status !== 'rejected';
  const reported = !running && analysable;
  return (
    <>
      <div className="page-head">
        <h1>
          Job <span className="mono">{j.jobId}</span>
        </h1>
        <StatusBadge status={j.status} />
      </div>
      <p className="subtitle">
        Portfolio <Link href={`/trends/${j.portfolioId}`}>{j.portfolioId}</Link> · {j.analysisType} · started{' '}
        {dateTime(j.startTime)}
        {j.endTime && ` · finished ${dateTime(j.endTime)}`}
      </p>
      {j.error && (
        <div className="note note-error" role="alert">
          {j.error}
        </div>
      )}
      {j.status === 'reading' && (
        <div className="note" role="status" data-testid="reading">
          Reading the tape{j.propertiesBlob ? ` ${j.propertiesBlob}` : ''}: it is validated and staged before the
          analysis starts. Its properties, estimate and any errors appear here when the read ends.
          <div className="actions">
            <CancelControl job={j} />
          </div>
        </div>
      )}
      {j.status === 'rejected' && <Rejection job={j} />}
      {j.statusReason && j.status !== 'failed' && j.status !== 'rejected' && !reported && !running && (
        <div className="note note-warn" data-testid="status-reason">
          <strong>{STATUS_LABELS[j.status] ?? j.status}:</strong> {j.statusReason}
        </div>
      )}
      {j.statusReason && j.status !== 'failed' && reported && (
        <div className="note note-warn" data-testid="status-reason">
          <strong>{STATUS_LABELS[j.status] ?? j.status}:</strong> {j.statusReason} Figures cover the{' '}
          {count(p.processed)} properties analysed.
        </div>
      )}
      {running && j.stopRequested && (
        <div className="note note-warn" role="status">
          Stopping ({j.stopRequested}): the chunks in flight finish, nothing more is bought.
        </div>
      )}
      {analysable && (
        <section className="panel panel-wide" aria-labelledby="progress-title">
          <h2 id="progress-title">Progress</h2>
          <div className="progress-large">
            <div
              className="bar"
              role="progressbar"
              aria-label="Properties processed"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={p.percentComplete}
              aria-valuetext={`${p.percentComplete}% (${p.processed} of ${p.total})`}
              data-testid="job-progress"
            >
              <div className="bar-fill" style={{ width: `${Math.min(100, p.percentComplete)}%` }} />
            </div>
            <span className="bar-label">{p.percentComplete.toFixed(1)}%</span>
          </div>
          <Figures
            label="Job figures"
            items={[
              { label: 'Processed', value: `${count(p.processed)} of ${count(p.total)}` },
              { label: 'Failed', value: count(p.failed), tone: p.failed > 0 ? 'warn' : undefined },
              { label: 'From cache (free)', value: count(p.cached) },
              { label: 'Rate', value: rate === undefined ? '–' : `${rate.toFixed(1)} /s` },
              {
                label: running ? 'Time left (estimate)' : 'Duration',
                value: running ? duration(j.estimatedTimeRemaining) : duration(secondsBetween(j.startTime, j.endTime)),
              },
              {
                label: running ? 'Cost so far' : 'Cost',
                value: moneyCents(j.cost.actual),
                detail: `${pct(j.cost.estimated > 0 ? j.cost.actual / j.cost.estimated : null)} of the estimate${
                  j.cost.unconfirmed !== undefined ? `; up to ${moneyCents(j.cost.unconfirmed)} more unconfirmed` : ''
                }`,
                tone: j.cost.unconfirmed !== undefined ? 'warn' : undefined,
              },
            ]}
          />
          <div className="actions">
            {running && <CancelControl job={j} />}
            {reported && (
              <>
                <Link href={`/jobs/${j.jobId}/report`} className="button button-primary">
                  Open the report
                </Link>
                <Link href={`/jobs/${j.jobId}/properties`} className="button">
                  Properties
                </Link>
                {p.failed > 0 && (
                  <Link href={`/jobs/${j.jobId}/failures`} className="button">
                    Failures ({count(p.failed)})
                  </Link>
                )}
              </>
            )}
          </div>
        </section>
      )}
      {/* A job rejected over budget has an estimate to set against its budget; one refused on its rows has none. */}
      {(analysable || j.cost.estimated > 0) && (
        <section className="panel panel-wide" aria-labelledby="cost-title">
          <h2 id="cost-title">Cost</h2>
          <p className="hint">
            The estimate is an upper bound; cache hits and stored values are free. Reserved is what chunks in flight may
            still spend{j.cost.budget !== undefined ? '; the job never spends past its budget' : ''}.
            {j.cost.unconfirmed !== undefined &&
              ` Unconfirmed: ${moneyCents(j.cost.unconfirmed)} of calls that timed out or whose answers were lost, which the vendors may have billed; counted against the budget.`}
          </p>
          <CostChart job={j} />
        </section>
      )}
    </>
  );
}
