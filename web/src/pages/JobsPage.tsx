// Jobs: every analysis run, newest first, filterable by portfolio, status and start time, paged; refreshed
// while any job on the page is still running.
import { useState, type FormEvent } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, IN_FLIGHT, type JobView, type JobsFilter } from '../api.ts';
import { count, dateTime, duration, moneyCents, secondsBetween } from '../format.ts';
import { ErrorNote, Loading, Pager, STATUS_LABELS, StatusBadge } from '../components/common.tsx';
import { DataTable, type Column } from '../components/DataTable.tsx';
import { usePagedTokens } from '../usePagedTokens.ts';
import { JOB_STATUSES } from '../../../src/domain/job-status.ts';

const JOB_COLUMNS: Array<Column<JobView>> = [
  { label: 'Status', cell: (j) => <StatusBadge status={j.status} /> },
  {
    label: 'Job',
    cell: (j) => (
      <Link href={`/jobs/${j.jobId}`} className="mono">
        {j.jobId}
      </Link>
    ),
  },
  { label: 'Portfolio', cell: (j) => j.portfolioId },
  { label: 'Type', cell: (j) => j.analysisType },
  {
    label: 'Progress',
    cell: (j) => (
      <div className="progress-cell">
        <progress max={100} value={j.progress.percentComplete} aria-label={`Progress of ${j.jobId}`} />
        <span>{j.progress.percentComplete.toFixed(0)}%</span>
      </div>
    ),
  },
  { label: 'Properties', num: true, cell: (j) => `${count(j.progress.processed)} / ${count(j.progress.total)}` },
  {
    label: 'Cost / estimate',
    num: true,
    cell: (j) => `${moneyCents(j.cost.actual)} / ${moneyCents(j.cost.estimated)}`,
  },
  { label: 'Started', cell: (j) => dateTime(j.startTime) },
  { label: 'Duration', num: true, cell: (j) => duration(secondsBetween(j.startTime, j.endTime)) },
];

/** A date input (YYYY-MM-DD) as the start of that day in the reader's time zone, for the API's from/to. */
const dayStart = (day: string, plusDays = 0): string | undefined => {
  if (!day) return undefined;
  const d = new Date(`${day}T00:00:00`);
  d.setDate(d.getDate() + plusDays);
  return d.toISOString();
};

export function JobsPage() {
  const [form, setForm] = useState({ portfolioId: '', status: '', from: '', to: '', pageSize: '25' });
  const [filter, setFilter] = useState<JobsFilter>({ pageSize: 25 });
  const paging = usePagedTokens(JSON.stringify(filter));
  const jobs = useQuery({
    queryKey: ['jobs', filter, paging.token],
    queryFn: () => api.jobs(filter, paging.token),
    placeholderData: keepPreviousData,
    refetchInterval: (q) => (q.state.data?.jobs.some((j) => IN_FLIGHT.has(j.status)) ? 2000 : false),
  });

  function apply(event: FormEvent) {
    event.preventDefault();
    setFilter({
      ...(form.portfolioId.trim() && { portfolioId: form.portfolioId.trim() }),
      ...(form.status && { status: form.status }),
      ...(form.from && { from: dayStart(form.from) }),
      // "to" is inclusive in the form: the API's bound is exclusive, so the next day's start.
      ...(form.to && { to: dayStart(form.to, 1) }),
      pageSize: Number(form.pageSize),
    });
  }

  return (
    <>
      <div className="page-head">
        <h1>Jobs</h1>
        <Link href="/submit" className="button button-primary">
          Submit a portfolio
        </Link>
      </div>
      <form className="filters" onSubmit={apply} aria-label="Filter jobs">
        <div className="field">
          <label htmlFor="jobs-portfolio">Portfolio</label>
          <input
            id="jobs-portfolio"
            value={form.portfolioId}
            onChange={(e) => setForm({ ...form, portfolioId: e.target.value })}
            placeholder="any"
          />
        </div>
        <div className="field">
          <label htmlFor="jobs-status">Status</label>
          <select id="jobs-status" value={form.status} onChange={(e) => setForm({ ...form, status: e.target.value })}>
            <option value="">any</option>
            {JOB_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s] ?? s}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="jobs-from">Started from</label>
          <input
            id="jobs-from"
            type="date"
            value={form.from}
            onChange={(e) => setForm({ ...form, from: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor="jobs-to">Started until</label>
          <input id="jobs-to" type="date" value={form.to} onChange={(e) => setForm({ ...form, to: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="jobs-page-size">Per page</label>
          <select
            id="jobs-page-size"
            value={form.pageSize}
            onChange={(e) => setForm({ ...form, pageSize: e.target.value })}
          >
            {['10', '25', '50', '100'].map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </div>
        <button type="submit">Apply</button>
      </form>
      {jobs.error && <ErrorNote error={jobs.error} />}
      {jobs.isPending && <Loading what="jobs" />}
      {jobs.data && (
        <>
          <DataTable
            label="Jobs"
            rows={jobs.data.jobs}
            rowKey={(j) => j.jobId}
            empty={
              Object.keys(filter).some((k) => k !== 'pageSize') ? (
                'No jobs match these filters.'
              ) : (
                <>
                  No jobs yet. <Link href="/submit">Submit a portfolio</Link> to start one.
                </>
              )
            }
            columns={JOB_COLUMNS}
          />
          <Pager
            label="Jobs pages"
            page={paging.page}
            hasNext={jobs.data.continuationToken !== undefined}
            onPrevious={() => paging.previous()}
            onNext={() => paging.next(jobs.data.continuationToken)}
          />
        </>
      )}
    </>
  );
}
