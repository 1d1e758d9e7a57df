// The job's properties as CSV (every page under the current filter), written with csv-stringify: one row per
// property with its value, change, LTV/CLTV, tier, fraud score and reasons, AI verdict, cost and failure.
import { stringify } from 'csv-stringify/browser/esm/sync';
import { api, type PropertiesFilter, type Property } from '../api.ts';

export const PROPERTY_CSV_COLUMNS = [
  'propertyId',
  'status',
  'address',
  'unit',
  'city',
  'state',
  'county',
  'zip',
  'propertyType',
  'value',
  'valueSource',
  'provider',
  'fsd',
  'lastAppraisedValue',
  'changePct',
  'ltv',
  'cltv',
  'tier',
  'preDistressed',
  'fraudScore',
  'flagged',
  'fraudReasons',
  'aiVerdict',
  'cost',
  'errorCode',
  'errorMessage',
] as const;

/** One CSV row; ratios as fractions (0.8 = 80%), money in dollars, as the API gives them. */
export function propertyRow(p: Property): Record<(typeof PROPERTY_CSV_COLUMNS)[number], unknown> {
  return {
    propertyId: p.propertyId,
    status: p.status,
    address: p.address,
    unit: p.unit,
    city: p.city,
    state: p.state,
    county: p.county,
    zip: p.zip,
    propertyType: p.propertyType,
    value: p.valuation?.estimatedValue,
    valueSource: p.valuation?.source,
    provider: p.valuation?.provider,
    fsd: p.valuation?.fsd,
    lastAppraisedValue: p.valuation?.lastAppraisedValue,
    changePct: p.valuation?.changePct,
    ltv: p.risk?.ltv,
    cltv: p.risk?.cltv,
    tier: p.risk?.tier,
    preDistressed: p.risk?.preDistressed,
    fraudScore: p.fraud?.score,
    flagged: p.fraud?.flagged,
    fraudReasons: p.fraud?.flags.map((f) => f.code).join(' '),
    aiVerdict: p.fraud?.aiReview?.verdict,
    cost: p.cost.total,
    errorCode: p.error?.code,
    errorMessage: p.error?.message,
  };
}

/** Every property of the job under `filter`, fetched page by page (1,000 at a time). */
export async function allProperties(jobId: string, filter: PropertiesFilter): Promise<Property[]> {
  const all: Property[] = [];
  let token: string | undefined;
  do {
    const page = await api.properties(jobId, { ...filter, pageSize: 1000 }, token);
    all.push(...page.properties);
    token = page.continuationToken;
  } while (token !== undefined);
  return all;
}

export function propertiesCsv(properties: Property[]): string {
  return stringify(properties.map(propertyRow), { header: true, columns: [...PROPERTY_CSV_COLUMNS] });
}

/** Downloads the job's properties under `filter` as `properties-{jobId}.csv`. */
export async function downloadPropertiesCsv(jobId: string, filter: PropertiesFilter): Promise<number> {
  const properties = await allProperties(jobId, filter);
  const url = URL.createObjectURL(new Blob([propertiesCsv(properties)], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = `properties-${jobId}.csv`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return properties.length;
}
