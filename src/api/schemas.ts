// Schemas of the HTTP surface beyond the request bodies of src/domain/schemas.ts: headers, routes and
// queries. The OpenAPI description is generated from these and the domain schemas.
import { z } from 'zod';
import { ANALYSIS_TYPES, PRIORITIES } from '../domain/schemas.ts';
import { RISK_TIERS } from '../domain/results.ts';
import { identifier, oneOf } from '../domain/fields.ts';

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

/** Fields of the analyze request when the body is CSV. */
export const csvRequestQuerySchema = z.strictObject({
  portfolioId: identifier(),
  analysisType: oneOf(ANALYSIS_TYPES),
  priority: oneOf(PRIORITIES).optional(),
  budget: moneyText.optional(),
  allowPartial: booleanText.optional(),
});

export const jobRouteSchema = z.strictObject({ jobId: identifier(128) });
export const portfolioRouteSchema = z.strictObject({ portfolioId: identifier() });

export const PROPERTY_FILTERS = ['all', 'failed', 'flagged', ...RISK_TIERS.map((t) => `tier-${t}` as const)] as const;

export const propertiesQuerySchema = z.strictObject({
  filter: oneOf(PROPERTY_FILTERS).default('all'),
  pageSize: z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(1, 'must be >= 1').max(1000, 'must be <= 1000'))
    .default(100),
  continuationToken: z.string().min(1).max(4000).optional(),
});
