// A job's properties: paged, filtered (failed, flagged, tier, state, type) and searched (id or address)
// on the server; failures show their reasons. Each row opens the property.
import { useState, type FormEvent } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, type PropertiesFilter, type Property } from '../api.ts';
import { count } from '../format.ts';
import { ErrorNote, Loading, Pager } from '../components/common.tsx';
import { DataTable, type Column } from '../components/DataTable.tsx';
import { propertyColumns } from '../components/property-columns.tsx';
import { usePagedTokens } from '../usePagedTokens.ts';
import { downloadPropertiesCsv } from '../export/properties-csv.ts';
import { PROPERTY_TYPES, US_STATES } from '../../../src/domain/schemas.ts';
import { RESULT_FILTERS } from '../../../src/domain/results.ts';

const FILTER_LABELS: Record<string, string> = {
  all: 'All',
  failed: 'Failed',
  flagged: 'Fraud-flagged',
  'tier-A': 'Tier A',
  'tier-B': 'Tier B',
  'tier-C': 'Tier C',
  'tier-D': 'Tier D',
};

const FAILURE: Column<Property> = {
  label: 'Failure',
  cell: (p) =>
    p.error ? (
      <>
        <span className="code">{p.error.code}</span> {p.error.message}
      </>
    ) : (
      '–'
    ),
};

const STATUS: Column<Property> = {
  label: 'Status',
  cell: (p) => (p.status === 'failed' ? <span className="code">{p.error?.code ?? 'failed'}</span> : 'analysed'),
};

export function PropertiesPage({ jobId, initialFilter = 'all' }: { jobId: string; initialFilter?: string }) {
  const [form, setForm] = useState({ filter: initialFilter, state: '', propertyType: '', search: '', pageSize: '50' });
  const [filter, setFilter] = useState<PropertiesFilter>({ filter: initialFilter, pageSize: 50 });
  const [exportState, setExportState] = useState<string>();
  const paging = usePagedTokens(JSON.stringify(filter));
  const page = useQuery({
    queryKey: ['properties', jobId, filter, paging.token],
    queryFn: () => api.properties(jobId, filter, paging.token),
    placeholderData: keepPreviousData,
  });

  function apply(event: FormEvent) {
    event.preventDefault();
    setFilter({
      filter: form.filter,
      ...(form.state && { state: form.state }),
      ...(form.propertyType && { propertyType: form.propertyType }),
      ...(form.search.trim() && { search: form.search.trim() }),
      pageSize: Number(form.pageSize),
    });
  }

  async function exportCsv() {
    setExportState('Preparing the CSV…');
    try {
      const { pageSize: _pageSize, ...rest } = filter;
      const n = await downloadPropertiesCsv(jobId, rest);
      setExportState(`${count(n)} properties downloaded.`);
    } catch (error) {
      setExportState(`Export failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  const failedView = filter.filter === 'failed';
  const c = propertyColumns(jobId);
  return (
    <>
      <div className="page-head">
        <h1>Properties</h1>
        <div className="actions">
          <Link href={`/jobs/${jobId}/report`} className="button">
            Report
          </Link>
          <button type="button" onClick={() => void exportCsv()}>
            Export these properties (CSV)
          </button>
        </div>
      </div>
      <p className="subtitle">
        Job{' '}
        <Link href={`/jobs/${jobId}`} className="mono">
          {jobId}
        </Link>
        {exportState && (
          <span role="status" className="hint">
            {' '}
            · {exportState}
          </span>
        )}
      </p>
      <form className="filters" onSubmit={apply} aria-label="Filter properties">
        <div className="field">
          <label htmlFor="props-filter">Show</label>
          <select id="props-filter" value={form.filter} onChange={(e) => setForm({ ...form, filter: e.target.value })}>
            {RESULT_FILTERS.map((f) => (
              <option key={f} value={f}>
                {FILTER_LABELS[f] ?? f}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="props-state">State</label>
          <select id="props-state" value={form.state} onChange={(e) => setForm({ ...form, state: e.target.value })}>
            <option value="">any</option>
            {US_STATES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="props-type">Property type</label>
          <select
            id="props-type"
            value={form.propertyType}
            onChange={(e) => setForm({ ...form, propertyType: e.target.value })}
          >
            <option value="">any</option>
            {PROPERTY_TYPES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </div>
        <div className="field field-grow">
          <label htmlFor="props-search">Search id or address</label>
          <input
            id="props-search"
            type="search"
            value={form.search}
            onChange={(e) => setForm({ ...form, search: e.target.value })}
            placeholder="e.g. P-00042 or Main St"
          />
        </div>
        <div className="field">
          <label htmlFor="props-page-size">Per page</label>
          <select
            id="props-page-size"
            value={form.pageSize}
            onChange={(e) => setForm({ ...form, pageSize: e.target.value })}
          >
            {['25', '50', '100', '250'].map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </div>
        <button type="submit">Apply</button>
      </form>
      {page.error && <ErrorNote error={page.error} />}
      {page.isPending && <Loading what="properties" />}
      {page.data && (
        <>
          <DataTable
            label="Properties"
            rows={page.data.properties}
            rowKey={(p) => p.propertyId}
            empty={`No properties on this page match.${page.data.continuationToken ? ' More may follow: try the next page.' : ''}`}
            columns={
              failedView
                ? [c.id, c.address, c.state, c.type, FAILURE]
                : [c.id, c.address, c.state, c.type, c.value, c.change, c.ltv, c.cltv, c.tier, c.fraud, STATUS]
            }
          />
          <Pager
            label="Properties pages"
            page={paging.page}
            hasNext={page.data.continuationToken !== undefined}
            onPrevious={() => paging.previous()}
            onNext={() => paging.next(page.data.continuationToken)}
          />
        </>
      )}
    </>
  );
}
