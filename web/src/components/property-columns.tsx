// Table columns of a property result, shared by the report's property lists and the properties page.
import { Link } from 'wouter';
import type { Property } from '../api.ts';
import { addressLine, money, pct, signedPct } from '../format.ts';
import type { Column } from './DataTable.tsx';

export const TierBadge = ({ tier }: { tier: string }) => <span className={`tier tier-${tier}`}>{tier}</span>;

export const propertyColumns = (jobId: string) => ({
  id: {
    label: 'Property',
    cell: (p) => (
      <Link href={`/jobs/${jobId}/properties/${p.propertyId}`} className="mono">
        {p.propertyId}
      </Link>
    ),
  } satisfies Column<Property>,
  address: { label: 'Address', cell: (p) => addressLine(p) } satisfies Column<Property>,
  state: { label: 'State', cell: (p) => p.state } satisfies Column<Property>,
  type: { label: 'Type', cell: (p) => p.propertyType } satisfies Column<Property>,
  value: { label: 'Value', num: true, cell: (p) => money(p.valuation?.estimatedValue) } satisfies Column<Property>,
  change: { label: 'Change', num: true, cell: (p) => signedPct(p.valuation?.changePct) } satisfies Column<Property>,
  ltv: { label: 'LTV', num: true, cell: (p) => pct(p.risk?.ltv) } satisfies Column<Property>,
  cltv: { label: 'CLTV', num: true, cell: (p) => pct(p.risk?.cltv) } satisfies Column<Property>,
  tier: { label: 'Tier', cell: (p) => (p.risk ? <TierBadge tier={p.risk.tier} /> : '–') } satisfies Column<Property>,
  fraud: {
    label: 'Fraud score',
    num: true,
    cell: (p) => (
      <>
        {p.fraud ? p.fraud.score : '–'}
        {p.fraud?.flagged && <span className="badge badge-flag">flagged</span>}
      </>
    ),
  } satisfies Column<Property>,
});
