// One property of a job: value basis and the AVM cascade (each provider asked, its FSD or error), LTV/CLTV and
// tier with the reasons for a downgrade, the fraud rules that fired with their reasons, the AI verdict, cost,
// and the failure with its reason when the analysis failed.
import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api } from '../api.ts';
import { addressLine, dateTime, money, moneyCents, pct, signedPct } from '../format.ts';
import { ErrorNote, Figures, Loading, Section } from '../components/common.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { TierBadge } from '../components/property-columns.tsx';

export function PropertyPage({ jobId, propertyId }: { jobId: string; propertyId: string }) {
  const property = useQuery({
    queryKey: ['property', jobId, propertyId],
    queryFn: () => api.property(jobId, propertyId),
  });
  if (property.error) return <ErrorNote error={property.error} />;
  if (!property.data) return <Loading what="the property" />;
  const p = property.data;
  const { valuation: v, risk, fraud } = p;
  return (
    <>
      <div className="page-head">
        <h1>
          Property <span className="mono">{p.propertyId}</span>
        </h1>
        <span className={`badge badge-${p.status === 'failed' ? 'failed' : 'completed'}`}>
          {p.status === 'failed' ? 'Failed' : 'Analysed'}
        </span>
      </div>
      <p className="subtitle">
        {[p.address && addressLine(p), p.city, p.county, `${p.state} ${p.zip}`].filter(Boolean).join(', ')} ·{' '}
        {p.propertyType} · job{' '}
        <Link href={`/jobs/${jobId}/properties`} className="mono">
          {jobId}
        </Link>
      </p>
      {p.error && (
        <div className="note note-error" role="alert">
          <span className="code">{p.error.code}</span> {p.error.message}
        </div>
      )}
      <div className="report-grid">
        {v && (
          <Section id="valuation" title="Value basis">
            <Figures
              label="Valuation"
              items={[
                {
                  label: 'Current value',
                  value: money(v.estimatedValue),
                  detail: `source: ${v.source}${v.provider ? `, ${v.provider}` : ''}`,
                },
                {
                  label: 'FSD',
                  value: v.fsd === undefined ? '–' : pct(v.fsd),
                  detail: v.withinMaxFsd ? 'within the limit' : 'above the limit: least uncertain answer kept',
                  tone: v.withinMaxFsd ? undefined : 'warn',
                },
                { label: 'Last appraisal', value: money(v.lastAppraisedValue) },
                {
                  label: 'Change',
                  value: signedPct(v.changePct),
                  detail: v.significantChange ? 'significant' : undefined,
                },
                { label: 'Valued', value: dateTime(v.valuedAt) },
              ]}
            />
            <DataTable
              label="AVM cascade attempts"
              caption="Cascade attempts, in order"
              rows={v.cascade.map((attempt, i) => ({ ...attempt, n: i + 1 }))}
              rowKey={(a) => a.n}
              empty={`No AVM was asked (${v.source} value).`}
              columns={[
                { label: '#', num: true, cell: (a) => a.n },
                { label: 'Provider', cell: (a) => a.provider },
                { label: 'FSD', num: true, cell: (a) => (a.fsd === undefined ? '–' : pct(a.fsd)) },
                {
                  label: 'Outcome',
                  cell: (a) =>
                    a.error ? (
                      <span className="code">{a.error}</span>
                    ) : a.provider === v.provider ? (
                      'accepted'
                    ) : (
                      'answered'
                    ),
                },
              ]}
            />
          </Section>
        )}
        {risk && (
          <Section id="risk" title="Risk">
            <Figures
              label="Risk"
              items={[
                { label: 'LTV', value: pct(risk.ltv) },
                { label: 'CLTV', value: pct(risk.cltv) },
                {
                  label: 'Tier',
                  value: <TierBadge tier={risk.tier} />,
                  detail: risk.tier !== risk.baseTier ? `lowered from ${risk.baseTier}` : undefined,
                },
                {
                  label: 'Pre-distressed',
                  value: risk.preDistressed ? 'yes' : 'no',
                  tone: risk.preDistressed ? 'bad' : undefined,
                },
              ]}
            />
            {risk.downgradeReasons.length > 0 && (
              <p>
                Tier lowered because:{' '}
                {risk.downgradeReasons.map((r) => (
                  <span key={r} className="code">
                    {r}
                  </span>
                ))}
              </p>
            )}
            {risk.note && <p className="hint">{risk.note}</p>}
          </Section>
        )}
        {fraud && (
          <Section id="fraud" title={`Fraud screening: score ${fraud.score}${fraud.flagged ? ' (flagged)' : ''}`}>
            {fraud.flags.length === 0 ? (
              <p className="hint">No rule fired.</p>
            ) : (
              <DataTable
                label="Fraud reasons"
                rows={fraud.flags}
                rowKey={(f, i) => `${f.code}-${i}`}
                columns={[
                  { label: 'Reason', cell: (f) => <span className="code">{f.code}</span> },
                  { label: 'Points', num: true, cell: (f) => f.points },
                  { label: 'Detail', cell: (f) => f.detail },
                ]}
              />
            )}
            <h3>AI review</h3>
            {fraud.aiReview ? (
              <div className="verdict">
                <p>
                  Verdict{' '}
                  <span className={`badge badge-verdict-${fraud.aiReview.verdict}`}>{fraud.aiReview.verdict}</span> ·
                  risk score {fraud.aiReview.riskScore} · {fraud.aiReview.provider}
                </p>
                <blockquote>{fraud.aiReview.summary}</blockquote>
              </div>
            ) : (
              <p className="hint">Not reviewed: the rules' score was under the review threshold.</p>
            )}
          </Section>
        )}
        <Section id="cost" title="Cost of this property">
          <p>
            {moneyCents(p.cost.total)} (valuation {moneyCents(p.cost.valuation)}, fraud review{' '}
            {moneyCents(p.cost.fraud)}, risk {moneyCents(p.cost.risk)})
            {p.cachedValuation ? '; value from the cache, free.' : '.'}
          </p>
        </Section>
      </div>
    </>
  );
}
