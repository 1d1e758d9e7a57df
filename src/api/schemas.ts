// Schemas of the HTTP surface beyond the request bodies of src/domain/schemas.ts: headers, routes and
// queries. The OpenAPI description is generated from these and the domain schemas.
import { z } from 'zod';
import {
  ANALYSIS_TYPES,
  INVALID_ROWS_MODES,
  analyzeFieldsSchema,
  PRIORITIES,
  PROPERTY_TYPES,
  US_STATES,
  propertyListSchema,
} from '../domain/schemas.ts';
import { columnMapSchema } from '../intake/columns.ts';
import { RESULT_FILTERS } from '../domain/results.ts';
import { identifier, oneOf, required, text } from '../domain/fields.ts';
import { JOB_STATUSES } from '../domain/job-status.ts';

export const idempotencyKeySchema = z
  .string()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .optional();

const booleanText = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true');
const moneyText = z
  .string()
  .regex(/^\d+(\.\d{1,2})?$/, 'must be a non-negative amount like 125.50')
  .transform(Number);

/** A JSON object in a query parameter. */
const jsonText = z.string().transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be JSON, e.g. {"Cur UPB":"loan.balance","Notes":null}' });
    return z.NEVER;
  }
});

export const UNKNOWN_COLUMNS_MODES = ['reject', 'ignore'] as const;

/** Fields of the analyze (and estimate) request when the body is a file (CSV or Excel), and how to read it. */
export const fileRequestQuerySchema = z.strictObject({
  portfolioId: identifier(),
  analysisType: oneOf(ANALYSIS_TYPES),
  priority: oneOf(PRIORITIES).optional(),
  budget: moneyText.optional(),
  allowPartial: booleanText.optional(),
  /** `reject` (default): one invalid row refuses the file. `skip`: invalid rows are left out and listed. */
  invalidRows: oneOf(INVALID_ROWS_MODES).optional(),
  /** `reject` (default): a column that names no field refuses the file. `ignore`: it is ignored and listed. */
  unknownColumns: oneOf(UNKNOWN_COLUMNS_MODES).optional(),
  /** Excel: the sheet to read (default the first). */
  sheet: z.string().min(1).max(31, 'must be at most 31 characters (an Excel sheet name)').optional(),
  /** Your header -> field path, as JSON (`{"Cur UPB":"loan.balance","Notes":null}`; null ignores a column). */
  columnMap: jsonText.pipe(columnMapSchema).optional(),
});

/**
 * A JSON request whose tape is a blob the caller uploaded (README "Large portfolios"): the fields of a JSON
 * request, the blob's name in the uploads container, and how to read a CSV or Excel tape.
 */
export function analyzeBlobBodySchema() {
  return analyzeFieldsSchema().extend({
    /** The tape's blob name in the uploads container (UPLOADS_CONTAINER): CSV, Excel, or a JSON array. */
    propertiesBlob: z
      .string({ error: required('must be a blob name') })
      .min(1, 'must not be empty')
      .max(1024, 'must be at most 1024 characters (a blob name)'),
    unknownColumns: oneOf(UNKNOWN_COLUMNS_MODES).optional(),
    sheet: z.string().min(1).max(31, 'must be at most 31 characters (an Excel sheet name)').optional(),
    columnMap: columnMapSchema.optional(),
  });
}

export const jobRouteSchema = z.strictObject({ jobId: identifier(128) });
export const portfolioRouteSchema = z.strictObject({ portfolioId: identifier() });

/** A page size in a query string: a whole number from 1 to `max`. */
const pageSizeText = (max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(1, 'must be >= 1').max(max, `must be <= ${max}`))
    .default(fallback);

const continuationToken = z
  .string()
  .min(1, 'must not be empty')
  .max(4000, 'must be at most 4000 characters')
  .optional();

export const propertiesQuerySchema = z.strictObject({
  filter: oneOf(RESULT_FILTERS).default('all'),
  /** USPS state code. */
  state: oneOf(US_STATES).optional(),
  propertyType: oneOf(PROPERTY_TYPES).optional(),
  /** Case-insensitive part of the propertyId or the street address. */
  search: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(100, 'must be at most 100 characters')
    .transform((s) => s.toLowerCase())
    .optional(),
  pageSize: pageSizeText(1000, 100),
  continuationToken,
});

export const propertyRouteSchema = z.strictObject({ jobId: identifier(128), propertyId: identifier() });

/** A point in time in a query string: a date (`2026-11-01`, midnight UTC) or an ISO date-time with a zone. */
const instantText = z
  .string()
  .refine(
    (s) =>
      /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(s) &&
      !Number.isNaN(Date.parse(s)),
    'must be a date (2026-11-01) or an ISO date-time with a zone (2026-11-01T08:00:00Z)',
  )
  .transform((s) => new Date(s).toISOString());

/** GET /api/portfolio/jobs: filters and paging (DESIGN §5). */
export const jobsQuerySchema = z
  .strictObject({
    portfolioId: identifier().optional(),
    status: oneOf(JOB_STATUSES).optional(),
    /** Jobs created at or after this instant. */
    from: instantText.optional(),
    /** Jobs created strictly before this instant. */
    to: instantText.optional(),
    pageSize: pageSizeText(100, 25),
    continuationToken,
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, {
    message: 'must be later than from',
    path: ['to'],
  });

/** PUT /api/portfolios/{portfolioId}: a portfolio registered for the nightly revaluation. */
export function portfolioBodySchema(asOf: Date) {
  return z.strictObject({
    name: text(200).optional(),
    analysisType: oneOf(ANALYSIS_TYPES).default('comprehensive'),
    /** Revalue every night (NIGHTLY_SCHEDULE). */
    nightly: z.boolean({ error: 'must be true or false' }).default(true),
    properties: propertyListSchema({ asOf }),
  });
}
