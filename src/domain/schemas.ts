// Input schemas of DESIGN §4: one property and one analysis request. Strict objects (unknown keys are
// an error, not silently dropped) with limits a 100,000-property request can be held to.
// Types come from the schemas (z.infer), so validation and types never drift apart.
import { z } from 'zod';
import {
  bounded,
  countyFips,
  identifier,
  required,
  int,
  money,
  oneOf,
  pastDate,
  positiveMoney,
  text,
} from './fields.ts';

/**
 * Most properties in one request, by any form (DESIGN: 10,000 to 1,000,000 per call). A body is bounded by
 * MAX_REQUEST_MB before this; a tape submitted by reference is read as a stream up to it.
 */
export const MAX_PROPERTIES = 1_000_000;
export const MAX_APPRAISALS_PER_PROPERTY = 50;
export const MAX_COMPARABLES_PER_APPRAISAL = 50;
export const MAX_SALES_PER_PROPERTY = 50;

/**
 * Property types. SFR: one-unit detached house; CONDO: a condominium unit; TOWNHOUSE: attached one-unit
 * house; PUD: a home in a planned unit development (agency code PU); COOP: a co-operative apartment share
 * (agency code CP); MANUFACTURED: manufactured housing (agency code MH, HMDA "manufactured home");
 * MULTI_2_4: a 2-4 unit residence; MULTIFAMILY: 5 or more units; COMMERCIAL; LAND.
 */
export const PROPERTY_TYPES = [
  'SFR',
  'CONDO',
  'TOWNHOUSE',
  'PUD',
  'COOP',
  'MANUFACTURED',
  'MULTI_2_4',
  'MULTIFAMILY',
  'COMMERCIAL',
  'LAND',
] as const;
export type PropertyType = (typeof PROPERTY_TYPES)[number];

/** Types whose property is one unit of a building: without a unit number, their address names the building. */
export const UNIT_TYPES: ReadonlySet<PropertyType> = new Set(['CONDO', 'COOP']);

/** Units a property of each type may have (agency definitions: 2-4 unit residences, multifamily 5+). */
export const UNITS_BY_TYPE: Readonly<Partial<Record<PropertyType, readonly [number, number]>>> = {
  SFR: [1, 1],
  CONDO: [1, 1],
  TOWNHOUSE: [1, 1],
  PUD: [1, 1],
  COOP: [1, 1],
  MANUFACTURED: [1, 1],
  MULTI_2_4: [2, 4],
  MULTIFAMILY: [5, Infinity],
};

export const ANALYSIS_TYPES = ['valuation', 'fraud', 'risk', 'comprehensive'] as const;
export type AnalysisType = (typeof ANALYSIS_TYPES)[number];

export const PRIORITIES = ['standard', 'high'] as const;

/** What a request does with invalid properties (rows): refuse the request, or analyse the rest. */
export const INVALID_ROWS_MODES = ['reject', 'skip'] as const;
export type InvalidRowsMode = (typeof INVALID_ROWS_MODES)[number];

export const APPRAISAL_PURPOSES = ['purchase', 'refinance', 'heloc', 'construction', 'other'] as const;

/** Density of the area around a property; sets how far comparables may reasonably be (fraud rules). */
export const LOCALES = ['urban', 'suburban', 'rural'] as const;
export type Locale = (typeof LOCALES)[number];

/** USPS codes of the 50 states, DC and the inhabited territories. */
export const US_STATES = [
  'AL',
  'AK',
  'AZ',
  'AR',
  'CA',
  'CO',
  'CT',
  'DE',
  'DC',
  'FL',
  'GA',
  'HI',
  'ID',
  'IL',
  'IN',
  'IA',
  'KS',
  'KY',
  'LA',
  'ME',
  'MD',
  'MA',
  'MI',
  'MN',
  'MS',
  'MO',
  'MT',
  'NE',
  'NV',
  'NH',
  'NJ',
  'NM',
  'NY',
  'NC',
  'ND',
  'OH',
  'OK',
  'OR',
  'PA',
  'RI',
  'SC',
  'SD',
  'TN',
  'TX',
  'UT',
  'VT',
  'VA',
  'WA',
  'WV',
  'WI',
  'WY',
  'PR',
  'VI',
  'GU',
  'AS',
  'MP',
] as const;
export type UsState = (typeof US_STATES)[number];

export interface SchemaOptions {
  /** "Today" for the not-in-the-future date checks. Callers pass the clock; the schema never reads it. */
  asOf: Date;
}

export function comparableSchema({ asOf }: SchemaOptions) {
  return z.strictObject({
    salePrice: positiveMoney(),
    saleDate: pastDate(asOf),
    distanceMiles: bounded(0, 500),
    livingAreaSqft: bounded(1, 10_000_000).optional(),
  });
}

export function appraisalSchema(options: SchemaOptions) {
  return z.strictObject({
    appraisalId: identifier(),
    appraiserId: identifier(),
    appraisedValue: positiveMoney(),
    effectiveDate: pastDate(options.asOf),
    purpose: oneOf(APPRAISAL_PURPOSES).optional(),
    comparables: z
      .array(comparableSchema(options), { error: required('must be an array') })
      .max(MAX_COMPARABLES_PER_APPRAISAL, `must have at most ${MAX_COMPARABLES_PER_APPRAISAL} items`)
      .optional(),
  });
}

export function loanSchema({ asOf }: SchemaOptions) {
  return z.strictObject({
    balance: money(),
    secondLienBalance: money().optional(),
    originationDate: pastDate(asOf).optional(),
    originalValue: positiveMoney().optional(),
  });
}

/**
 * Whether a sale was at arm's length (willing, unrelated buyer and seller). Foreclosures, family transfers and
 * the like are `non-arms-length`; an unmarked sale is taken as arm's length. Only arm's-length sales are
 * benchmarks for AVM accuracy.
 */
export const SALE_TYPES = ['arms-length', 'non-arms-length'] as const;

export function saleSchema({ asOf }: SchemaOptions) {
  return z.strictObject({ date: pastDate(asOf), price: positiveMoney(), saleType: oneOf(SALE_TYPES).optional() });
}

export function propertySchema(options: SchemaOptions) {
  const latestYear = options.asOf.getUTCFullYear() + 1; // new construction may carry next year's model year
  return z.strictObject({
    propertyId: identifier(),
    /** Street address line: number, street, and the unit too when the tape has no separate unit column. */
    address: text(200),
    /** Apartment, suite or unit number (`4B`, `Apt 4B`); part of the property's identity. */
    unit: text(40).optional(),
    city: text(100).optional(),
    state: oneOf(US_STATES),
    zip: z
      .string({ error: required('must be a string') })
      .regex(/^\d{5}(-\d{4})?$/, 'must be a 5-digit ZIP or ZIP+4 like 02134 or 02134-1234'),
    county: text(100).optional(),
    /** 5-digit county FIPS code (2 digits of state, 3 of county); groups counties when given. */
    countyFips: countyFips().optional(),
    latitude: bounded(-90, 90).optional(),
    longitude: bounded(-180, 180).optional(),
    locale: oneOf(LOCALES).optional(),
    propertyType: oneOf(PROPERTY_TYPES),
    units: int(1, 100_000).optional(),
    livingAreaSqft: bounded(1, 10_000_000).optional(),
    yearBuilt: int(1600, latestYear).optional(),
    lastAppraisedValue: positiveMoney().optional(),
    lastAppraisalDate: pastDate(options.asOf).optional(),
    loan: loanSchema(options).optional(),
    appraisals: z
      .array(appraisalSchema(options), { error: required('must be an array') })
      .max(MAX_APPRAISALS_PER_PROPERTY, `must have at most ${MAX_APPRAISALS_PER_PROPERTY} items`)
      .optional(),
    sales: z
      .array(saleSchema(options), { error: required('must be an array') })
      .max(MAX_SALES_PER_PROPERTY, `must have at most ${MAX_SALES_PER_PROPERTY} items`)
      .optional(),
  });
}

/** A list of properties: 1 to 100,000, `propertyId`s unique (each duplicate is reported where it occurs). */
export function propertyListSchema(options: SchemaOptions) {
  return z
    .array(propertySchema(options), { error: required('must be an array') })
    .min(1, 'must contain at least 1 property')
    .max(MAX_PROPERTIES, `must contain at most ${MAX_PROPERTIES} properties`)
    .superRefine(
      (properties, ctx) => {
        if (!Array.isArray(properties)) return; // the array check above reports it
        const firstIndex = new Map<string, number>();
        properties.forEach((property, index) => {
          const id: unknown = property?.propertyId;
          if (typeof id !== 'string') return;
          const first = firstIndex.get(id);
          if (first === undefined) firstIndex.set(id, index);
          else
            ctx.addIssue({
              code: 'custom',
              path: [index, 'propertyId'],
              message: `duplicate propertyId '${id}' (first at properties[${first}])`,
            });
        });
      },
      // Report duplicates together with any other problem, not only once the rest is fixed.
      { when: () => true },
    );
}

/** A house-price change as a fraction (-0.2: values fall 20%), in whole basis points, above -100%. */
const shockSchema = bounded(-0.99, 1).refine(
  (v) => Number.isInteger(Math.round(v * 1e8) / 1e4),
  'must be whole basis points (at most 4 decimals)',
);

/** A stress scenario (stress.ts): a national house-price change, and per-state ones replacing it there. */
export const stressScenarioSchema = z.strictObject({
  /** Shown in the report; defaults to a description of the shocks. */
  name: z.string().trim().min(1, 'must not be empty').max(80, 'must be at most 80 characters').optional(),
  /** The change applied where no state shock is given. */
  shock: shockSchema,
  /** Per-state changes replacing `shock` in those states (USPS codes). */
  stateShocks: z.partialRecord(z.enum(US_STATES), shockSchema).optional(),
});
export type StressScenario = z.infer<typeof stressScenarioSchema>;

export const MAX_STRESS_SCENARIOS = 20;

/** Stress scenarios of a request: 1 to 20. */
export const stressScenariosSchema = z
  .array(stressScenarioSchema, { error: 'must be an array of scenarios' })
  .min(1, 'must contain at least 1 scenario')
  .max(MAX_STRESS_SCENARIOS, `must contain at most ${MAX_STRESS_SCENARIOS} scenarios`);

/**
 * The request's fields beside its properties: a JSON body's other keys, or a file upload's query
 * parameters (which add how to read the file).
 */
export function analyzeFieldsSchema() {
  return z.strictObject({
    portfolioId: identifier(),
    analysisType: oneOf(ANALYSIS_TYPES),
    priority: oneOf(PRIORITIES).default('standard'),
    /** Most the caller will spend, in dollars. Over the estimate the job is refused unless `allowPartial`. */
    budget: money().optional(),
    /** With a budget below the estimate: run until the budget is spent, then stop with a partial report. */
    allowPartial: z.boolean({ error: required('must be true or false') }).default(false),
    /**
     * `reject` (default): any invalid property refuses the whole request. `skip`: invalid properties are
     * left out and listed, the valid ones are analysed.
     */
    invalidRows: oneOf(INVALID_ROWS_MODES).default('reject'),
    /** The report's stress scenarios (default: values -10%, -20%, -30% everywhere). */
    stressScenarios: stressScenariosSchema.optional(),
  });
}

/** The analysis request: its fields and 1 to 100,000 valid properties. */
export function analyzeRequestSchema(options: SchemaOptions) {
  return analyzeFieldsSchema().extend({ properties: propertyListSchema(options) });
}

/** A request's fields: everything but its properties, however they came. */
export type AnalyzeFields = z.infer<ReturnType<typeof analyzeFieldsSchema>>;

/** A JSON body before its properties are read one by one (src/intake): the list, its items unread. */
export function analyzeBodySchema() {
  return analyzeFieldsSchema().extend({
    properties: z
      .array(z.unknown(), { error: required('must be an array') })
      .min(1, 'must contain at least 1 property')
      .max(MAX_PROPERTIES, `must contain at most ${MAX_PROPERTIES} properties`),
  });
}

export type Property = z.infer<ReturnType<typeof propertySchema>>;
export type Appraisal = z.infer<ReturnType<typeof appraisalSchema>>;
export type Comparable = z.infer<ReturnType<typeof comparableSchema>>;
export type Loan = z.infer<ReturnType<typeof loanSchema>>;
export type Sale = z.infer<ReturnType<typeof saleSchema>>;
