// Small pieces shared by the pages: status badge, error and loading notes, key figures, the pager for
// continuation-token paging, a section with a heading.
import type { ReactNode } from 'react';
import { ApiError } from '../api.ts';

/** What each job status is called on the page. */
export const STATUS_LABELS: Record<string, string> = {
  reading: 'Reading tape',
  queued: 'Queued',
  processing: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
  budget_exceeded: 'Budget reached',
  rejected: 'Rejected',
};

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status}`}>{STATUS_LABELS[status] ?? status}</span>;
}

export function ErrorNote({ error }: { error: unknown }) {
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="note note-error" role="alert">
      {message}
      {error instanceof ApiError && error.errors.length > 0 && (
        <ul>
          {error.errors.slice(0, 10).map((e, i) => (
            <li key={i}>{e.path ? `${e.path}: ${e.message}` : e.message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status">
      Loading {what}…
    </p>
  );
}

export interface Figure {
  label: string;
  value: ReactNode;
  detail?: ReactNode;
  tone?: 'good' | 'warn' | 'bad';
}

/** A row of key figures (label over value), as a description list. */
export function Figures({ items, label }: { items: Figure[]; label: string }) {
  return (
    <dl className="figures" aria-label={label}>
      {items.map((f) => (
        <div key={f.label} className={`figure${f.tone ? ` figure-${f.tone}` : ''}`}>
          <dt>{f.label}</dt>
          <dd>
            {f.value}
            {f.detail !== undefined && <span className="figure-detail">{f.detail}</span>}
          </dd>
        </div>
      ))}
    </dl>
  );
}

export function Section({
  id,
  title,
  children,
  wide,
}: {
  id: string;
  title: string;
  children: ReactNode;
  wide?: boolean;
}) {
  return (
    <section className={`panel${wide ? ' panel-wide' : ''}`} aria-labelledby={`${id}-title`} data-section={id}>
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
    </section>
  );
}

/**
 * Previous / next over continuation-token pages: the tokens of the pages seen so far are kept, so "previous"
 * goes back without the API having to page backwards.
 */
export function Pager({
  page,
  hasNext,
  onPrevious,
  onNext,
  label,
}: {
  page: number;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
  label: string;
}) {
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" onClick={onPrevious} disabled={page === 0}>
        ← Previous
      </button>
      <span aria-live="polite">Page {page + 1}</span>
      <button type="button" onClick={onNext} disabled={!hasNext}>
        Next →
      </button>
    </nav>
  );
}

/** A table that may scroll: focusable and named, so keyboard users can scroll it too. */
export function ScrollArea({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label={label}>
      {children}
    </div>
  );
}
