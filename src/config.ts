// One settings object for the whole app, validated once from the environment (Functions app settings,
// or local.settings.json Values locally). Each domain module owns its options schema and defaults;
// this file only says which environment variable feeds which option.
import { z } from 'zod';
import { appraiserOptionsSchema } from './domain/appraisers.ts';
import { chunkingOptionsSchema } from './domain/chunking.ts';
import { costRatesSchema, priceTable, type PriceTable } from './domain/cost.ts';
import { tapeSettingsSchema } from './intake/tape.ts';
import { fraudOptionsSchema } from './domain/fraud.ts';
import { materialityOptionsSchema } from './domain/like-for-like.ts';
import { concentrationOptionsSchema } from './domain/market.ts';
import { riskOptionsSchema } from './domain/risk.ts';
import { valuationOptionsSchema } from './domain/valuation.ts';
import { hostingOf, type Hosting } from './hosting.ts';
import { providerPolicyOptionsSchema } from './providers/resilience.ts';
import { azureRuleProblems, ConfigurationError, parseSettings, type SettingRow } from './settings-table.ts';
import { STORAGE_SETTINGS, storageSettingsProblems, storageSettingsSchema } from './storage/clients.ts';
import { telemetrySettingsSchema } from './telemetry.ts';

/** Why Azure refuses the chaos switches: a production app must never break jobs on purpose. */
const CHAOS_ONLY = 'chaos testing only, it breaks jobs on purpose; remove the setting';

const providerMode = z.enum(['simulated', 'http'], { error: 'must be simulated or http' });
const url = z.url({ error: 'must be an absolute URL' });

/**
 * What an app setting holds when its Key Vault reference did not resolve (the secret is missing, or the app's
 * identity may not read it): the platform passes the reference text through unchanged.
 */
const UNRESOLVED_KEY_VAULT_REFERENCE = /^@Microsoft\.KeyVault\(/i;
const UNRESOLVED_MESSAGE =
  "is an unresolved Key Vault reference: set the secret in the app's Key Vault (README: Deploy) and restart the app";

const avmSettingsSchema = z
  .object({
    mode: providerMode.default('simulated'),
    /** Provider names in cascade order; each is asked in turn until one answers within maxFsd. */
    cascade: z
      .array(z.string().min(1))
      .min(1, 'must name at least one provider')
      .default(['avm-primary', 'avm-secondary']),
    baseUrl: url.optional(),
    apiKey: z.string().min(1).optional(),
    timeoutInMs: z.number().int().min(100).max(120_000).default(5_000),
    policy: providerPolicyOptionsSchema.prefault({}),
  })
  .refine((s) => s.mode !== 'http' || s.baseUrl !== undefined, {
    message: 'is required when AVM_MODE=http',
    path: ['baseUrl'],
  })
  .refine((s) => s.mode !== 'http' || !UNRESOLVED_KEY_VAULT_REFERENCE.test(s.apiKey ?? ''), {
    message: UNRESOLVED_MESSAGE,
    path: ['apiKey'],
  });

const fraudReviewSettingsSchema = z
  .object({
    mode: providerMode.default('simulated'),
    baseUrl: url.optional(),
    apiKey: z.string().min(1).optional(),
    deployment: z.string().min(1).default('fraud-review'),
    timeoutInMs: z.number().int().min(100).max(120_000).default(30_000),
    policy: providerPolicyOptionsSchema.prefault({}),
  })
  .refine((s) => s.mode !== 'http' || s.baseUrl !== undefined, {
    message: 'is required when FRAUD_REVIEW_MODE=http',
    path: ['baseUrl'],
  })
  .refine((s) => s.mode !== 'http' || !UNRESOLVED_KEY_VAULT_REFERENCE.test(s.apiKey ?? ''), {
    message: UNRESOLVED_MESSAGE,
    path: ['apiKey'],
  });

const pipelineSettingsSchema = z.object({
  /**
   * Chunks in flight per job: one chunkLane sub-orchestration each (a run's history holds ~4 events per lane and pass).
   */
  maxConcurrentChunks: z.number().int().min(1).max(50).default(16),
  /** Properties valued at once within one chunk. */
  propertyConcurrency: z.number().int().min(1).max(500).default(16),
  /** Share of failed properties above which a job fails (0.2 = 20%). */
  maxFailureRate: z.number().min(0).max(1).default(0.2),
  /** End-of-job passes over properties that failed for a transient cause (0: none). */
  retryPasses: z.number().int().min(0).max(5).default(2),
  /**
   * How old the cancel state a chunk checks before each property may be, in milliseconds (one read per process per
   * interval).
   */
  stopCheckIntervalMs: z.number().int().min(0).max(10_000).default(250),
  /** Hours a cached AVM value may be reused by another job. */
  valuationCacheTtlHours: z
    .number()
    .min(0)
    .max(24 * 365)
    .default(24),
  /**
   * Largest request body accepted, in megabytes (the generated sample's 100,000 properties: 94 MB as JSON, 45 MB as
   * CSV). Larger tapes are submitted by reference (propertiesBlob).
   */
  maxRequestMegabytes: z.number().min(1).max(1_000).default(128),
  /**
   * Whether analyze's 202 carries the Durable management URLs (statusQueryGetUri, terminate, purge), which hold the
   * task hub's key.
   */
  handOutManagementUrls: z.boolean().default(true),
  /** When the nightly revaluation runs (6-field NCRONTAB, UTC). */
  nightlySchedule: z.string().min(1).default('0 0 2 * * *'),
  /** Chaos testing: every chunk's first attempt fails after buying its values (proves retries buy nothing twice). */
  chaosFailFirstChunkAttempt: z.boolean().default(false),
  /**
   * Chaos testing: share of properties whose first analysis meets a storage fault right after their valuation is
   * bought.
   */
  chaosFaultAfterValuationRate: z.number().min(0).max(1).default(0),
  /** Chaos testing: the process kills itself (SIGKILL) right after this step of a submission. */
  chaosExitAfterSubmitStep: z.enum(['staging', 'start', 'document']).optional(),
});

export const httpSettingsSchema = z.object({
  /**
   * Functions auth level of the API routes. `function` (keys) everywhere unless App Service Authentication
   * (Entra ID, "require authentication") stands in front of the app: then `anonymous`, as the Functions host
   * team describes for Easy Auth, since no unauthenticated request reaches the app (README: Dashboard).
   */
  authLevel: z.enum(['function', 'anonymous'], { error: 'must be function or anonymous' }).default('function'),
});

const hostSettingsSchema = z.object({
  /** Durable task hub (host.json hubName %TASK_HUB_NAME%); Azure Storage allows 3-45 letters and digits. */
  taskHubName: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9]{2,44}$/, 'must be 3-45 letters and digits, starting with a letter')
    .default('PortfolioAnalytics'),
  /** Base of the absolute URLs the API hands out (202 Location, statusUrl), e.g. https://analytics.example.com. */
  publicBaseUrl: url.optional(),
});

/** Housekeeping of the task hub (src/functions/purge-history.ts). */
const operationsSettingsSchema = z.object({
  /** Days a finished orchestration instance and its jobProgress entity are kept before the purge removes them. */
  retentionDays: z.number().int().min(0).max(3650).default(30),
});

export const settingsSchema = z.object({
  http: httpSettingsSchema.prefault({}),
  host: hostSettingsSchema.prefault({}),
  operations: operationsSettingsSchema.prefault({}),
  telemetry: telemetrySettingsSchema.prefault({}),
  storage: storageSettingsSchema.prefault({}),
  pipeline: pipelineSettingsSchema.prefault({}),
  valuation: valuationOptionsSchema.prefault({}),
  risk: riskOptionsSchema.prefault({}),
  fraud: fraudOptionsSchema.prefault({}),
  concentration: concentrationOptionsSchema.prefault({}),
  appraisers: appraiserOptionsSchema.prefault({}),
  materiality: materialityOptionsSchema.prefault({}),
  costRates: costRatesSchema.prefault({}),
  chunking: chunkingOptionsSchema.prefault({}),
  tapes: tapeSettingsSchema.prefault({}),
  avm: avmSettingsSchema.prefault({}),
  fraudReview: fraudReviewSettingsSchema.prefault({}),
});
/** The validated settings, and where the app runs (src/hosting.ts). */
export type Settings = z.infer<typeof settingsSchema> & { hosting: Hosting };

/** Every setting the app reads. README and local.settings.example.json list the same rows. */
export const SETTINGS: readonly SettingRow[] = [
  // Host
  {
    env: 'TASK_HUB_NAME',
    path: 'host.taskHubName',
    description: 'Durable task hub name (host.json hubName); instances and history live under it.',
    inAzure: 'required',
  },
  {
    env: 'PUBLIC_BASE_URL',
    path: 'host.publicBaseUrl',
    description:
      "Base URL callers reach the API at (202 Location and statusUrl are built on it, never on the request's Host header); locally, unset means the host's own http://WEBSITE_HOSTNAME.",
    inAzure: 'required',
  },
  // Storage
  ...STORAGE_SETTINGS,
  // Telemetry
  {
    env: 'APPLICATIONINSIGHTS_CONNECTION_STRING',
    path: 'telemetry.connectionString',
    description:
      'Application Insights connection string (also read by the Functions host); unset: no telemetry leaves the process.',
  },
  {
    env: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
    path: 'telemetry.authenticationString',
    description:
      'ClientId=<identity client id>;Authorization=AAD: telemetry is sent with the managed identity (Monitoring Metrics Publisher), as the component accepts no key.',
    azureOnly: true,
  },
  // Valuation
  {
    env: 'MAX_FSD',
    path: 'valuation.maxFsd',
    description:
      'Largest forecast standard deviation an AVM answer may have to be accepted by the cascade (0.13 = 13%).',
  },
  {
    env: 'SIGNIFICANT_CHANGE_PCT',
    path: 'valuation.significantChangePct',
    description: 'Value change vs last appraisal, as a fraction, at or above which a change is significant.',
  },
  // Risk
  {
    env: 'RISK_TIER_RATIO',
    path: 'risk.tierRatio',
    description:
      'Ratio that tiers a loan with a second lien and decides pre-distressed: cltv (the combined exposure) or ltv (first lien only).',
  },
  {
    env: 'RISK_TIER_A_MAX_LTV',
    path: 'risk.tierAMaxLtv',
    description: 'Highest tier ratio (LTV, or CLTV per RISK_TIER_RATIO) of tier A; whole basis points.',
  },
  { env: 'RISK_TIER_B_MAX_LTV', path: 'risk.tierBMaxLtv', description: 'Highest tier ratio of tier B.' },
  {
    env: 'RISK_TIER_C_MAX_LTV',
    path: 'risk.tierCMaxLtv',
    description: 'Highest tier ratio of tier C; above it a loan is tier D and pre-distressed.',
  },
  {
    env: 'RISK_WEAK_FSD',
    path: 'risk.weakFsd',
    description: 'FSD above which the value basis is weak and the tier is lowered one step.',
  },
  {
    env: 'RISK_STALE_VALUATION_DAYS',
    path: 'risk.staleValuationDays',
    description: 'Age in days after which a stored valuation is a weak basis.',
  },
  {
    env: 'RISK_NO_LOAN_TIER_B_DROP_PCT',
    path: 'risk.noLoanTierBDropPct',
    description: 'Without a loan: value fall since the last appraisal (fraction) that makes tier B.',
  },
  {
    env: 'RISK_NO_LOAN_TIER_C_DROP_PCT',
    path: 'risk.noLoanTierCDropPct',
    description: 'Without a loan: value fall since the last appraisal (fraction) that makes tier C.',
  },
  // Fraud
  {
    env: 'FRAUD_APPRAISAL_ABOVE_AVM_PCT',
    path: 'fraud.appraisalAboveAvmPct',
    description: 'Appraisal above the AVM value by more than this fraction is flagged.',
  },
  {
    env: 'FRAUD_FLIP_WINDOW_MONTHS',
    path: 'fraud.flipWindowMonths',
    description: 'A resale within this many months can be a flip.',
  },
  {
    env: 'FRAUD_FLIP_GAIN_PCT',
    path: 'fraud.flipGainPct',
    description: 'Gain above which a quick resale is flagged as a flip.',
  },
  {
    env: 'FRAUD_COMPARABLE_MAX_MILES_URBAN',
    path: 'fraud.comparableMaxMilesUrban',
    description: 'Farthest a comparable may be from an urban property, in miles.',
  },
  {
    env: 'FRAUD_COMPARABLE_MAX_MILES_SUBURBAN',
    path: 'fraud.comparableMaxMilesSuburban',
    description: 'Farthest a comparable may be from a suburban property (or one of unknown locale), in miles.',
  },
  {
    env: 'FRAUD_COMPARABLE_MAX_MILES_RURAL',
    path: 'fraud.comparableMaxMilesRural',
    description: 'Farthest a comparable may be from a rural property, in miles.',
  },
  {
    env: 'FRAUD_COMPARABLE_MAX_AGE_MONTHS',
    path: 'fraud.comparableMaxAgeMonths',
    description: 'Comparable sales older than this before the appraisal are stale.',
  },
  {
    env: 'FRAUD_ROUND_NUMBER_UNIT',
    path: 'fraud.roundNumberUnit',
    description: 'An appraised value that is an exact multiple of this many dollars counts as a round number.',
  },
  {
    env: 'FRAUD_VALUE_JUMP_PCT',
    path: 'fraud.valueJumpPct',
    description: 'Rise between successive appraisals of one property above which it is flagged.',
  },
  {
    env: 'FRAUD_VALUE_JUMP_MONTHS',
    path: 'fraud.valueJumpMonths',
    description: 'Window in months for the value-jump rule.',
  },
  {
    env: 'FRAUD_RECENT_APPRAISAL_MONTHS',
    path: 'fraud.recentAppraisalMonths',
    description:
      'Only appraisals this recent (months) are compared with the current AVM value; the market has moved since older ones.',
  },
  {
    env: 'FRAUD_FLAG_THRESHOLD',
    path: 'fraud.flagThreshold',
    description: 'Fraud score (0-100) at or above which a property is flagged.',
  },
  {
    env: 'FRAUD_AI_REVIEW_THRESHOLD',
    path: 'fraud.aiReviewThreshold',
    description: 'Rules score above which the AI review provider is consulted (the paid fraud call).',
  },
  // Appraisers
  {
    env: 'APPRAISER_MIN_APPRAISALS',
    path: 'appraisers.minAppraisals',
    description: 'Appraisals an appraiser needs in the portfolio before being judged.',
  },
  {
    env: 'APPRAISER_MEAN_INFLATION_PCT',
    path: 'appraisers.meanInflationPct',
    description: 'Mean inflation vs AVM above which an appraiser is an outlier.',
  },
  {
    env: 'APPRAISER_FLAG_RATE',
    path: 'appraisers.flagRate',
    description: "Share of an appraiser's appraisals flagged above which the appraiser is an outlier.",
  },
  {
    env: 'APPRAISER_PEER_STD_DEVS',
    path: 'appraisers.peerStdDevs',
    description: 'Standard deviations above the other appraisers’ mean inflation that make an outlier.',
  },
  // Market monitoring
  {
    env: 'HHI_MODERATE_ABOVE',
    path: 'concentration.moderateAbove',
    description: 'HHI above which geographic concentration is moderate (2023 US Merger Guidelines: 1,000).',
  },
  {
    env: 'HHI_HIGH_ABOVE',
    path: 'concentration.highAbove',
    description: 'HHI above which geographic concentration is high (1,800).',
  },
  {
    env: 'HHI_SIGNIFICANT_INCREASE_ABOVE',
    path: 'concentration.significantIncreaseAbove',
    description:
      'Like-for-like HHI rise above which a highly concentrated book raises an alert (2023 US Merger Guidelines: 100).',
  },
  {
    env: 'ALERT_TOTAL_VALUE_DROP_PCT',
    path: 'materiality.totalValueDropPct',
    description: 'Fall in total value between runs, like-for-like, that raises an alert.',
  },
  {
    env: 'ALERT_WEIGHTED_LTV_RISE',
    path: 'materiality.weightedLtvRise',
    description: 'Rise in weighted LTV between runs, like-for-like (fraction: 0.05 = 5 points), that raises an alert.',
  },
  {
    env: 'ALERT_PRE_DISTRESSED_RISE',
    path: 'materiality.preDistressedRise',
    description:
      'Rise in pre-distressed loans among the loans in both runs above which an alert is raised (0: any rise).',
  },
  {
    env: 'ALERT_FLAGGED_RISE',
    path: 'materiality.flaggedRise',
    description:
      'Rise in fraud-flagged properties among those screened in both runs above which an alert is raised (0: any rise).',
  },
  // Work division
  {
    env: 'CHUNK_SIZE',
    path: 'chunking.chunkSize',
    description: 'Properties per chunk (one analyzeChunk activity, one blob, one bulk write).',
  },
  // Cost
  {
    env: 'COST_VALUATION',
    path: 'costRates.valuation',
    description:
      'Dollars (whole cents) per AVM answer, for each provider of the cascade without its own price in AVM_PRICES; a cascade that asks two providers pays both.',
  },
  {
    env: 'AVM_PRICES',
    path: 'costRates.avmPrices',
    description:
      'Comma-separated provider=dollars prices per AVM answer that override COST_VALUATION for those providers.',
    example: '',
  },
  { env: 'COST_FRAUD', path: 'costRates.fraud', description: 'Dollars (whole cents) per AI fraud review answered.' },
  {
    env: 'COST_RISK',
    path: 'costRates.risk',
    description: "Dollars (whole cents) per property risk-scored (the seed's charge; no vendor call).",
  },
  // Providers
  {
    env: 'AVM_MODE',
    path: 'avm.mode',
    description: 'simulated (in-process, deterministic) or http (a real AVM vendor or the sandbox server).',
    example: 'simulated',
  },
  {
    env: 'AVM_CASCADE',
    path: 'avm.cascade',
    description: 'Comma-separated AVM provider names in cascade order.',
    example: 'avm-primary,avm-secondary',
  },
  {
    env: 'AVM_BASE_URL',
    path: 'avm.baseUrl',
    description: 'Base URL of the AVM HTTP API (AVM_MODE=http).',
    example: 'http://127.0.0.1:7081',
  },
  {
    env: 'AVM_API_KEY',
    path: 'avm.apiKey',
    description: 'AVM API key, sent as x-api-key.',
    secret: true,
    example: 'sandbox-key',
  },
  { env: 'AVM_TIMEOUT_MS', path: 'avm.timeoutInMs', description: 'Timeout of one AVM call attempt, in milliseconds.' },
  {
    env: 'AVM_RATE_PER_SECOND',
    path: 'avm.policy.ratePerSecond',
    description:
      'Most requests per second this process sends to the AVM vendor, every provider of the cascade together (they share AVM_BASE_URL and its key), in any one-second window. Unset: the adaptive limiter of the vendor endpoint finds what it allows (at a 429 it measures the limit and keeps just under it, honouring Retry-After, and probes upward).',
  },
  {
    env: 'AVM_MAX_RETRIES',
    path: 'avm.policy.maxRetries',
    description:
      'Retries of an AVM call on 429, 5xx and timeouts (exponential backoff with jitter, Retry-After honoured).',
  },
  {
    env: 'FRAUD_REVIEW_MODE',
    path: 'fraudReview.mode',
    description: 'simulated or http (Azure OpenAI-style chat completions).',
    example: 'simulated',
  },
  {
    env: 'FRAUD_REVIEW_BASE_URL',
    path: 'fraudReview.baseUrl',
    description: 'Base URL of the AI review endpoint (FRAUD_REVIEW_MODE=http).',
    example: 'http://127.0.0.1:7081',
  },
  {
    env: 'FRAUD_REVIEW_API_KEY',
    path: 'fraudReview.apiKey',
    description: 'AI review API key, sent as api-key.',
    secret: true,
    example: 'sandbox-key',
  },
  {
    env: 'FRAUD_REVIEW_DEPLOYMENT',
    path: 'fraudReview.deployment',
    description: 'Model deployment name in the AI review URL.',
  },
  {
    env: 'FRAUD_REVIEW_TIMEOUT_MS',
    path: 'fraudReview.timeoutInMs',
    description: 'Timeout of one AI review attempt, in milliseconds.',
  },
  {
    env: 'FRAUD_REVIEW_RATE_PER_SECOND',
    path: 'fraudReview.policy.ratePerSecond',
    description:
      'Most requests per second this process sends to the AI reviewer, in any one-second window. Behind one origin with the AVMs, the origin is held to the larger of the two limits and each kind to its own. Unset: found by the adaptive limiter, as for the AVMs.',
  },
  {
    env: 'FRAUD_REVIEW_MAX_RETRIES',
    path: 'fraudReview.policy.maxRetries',
    description: 'Retries of an AI review on 429, 5xx and timeouts.',
  },
  // Pipeline
  {
    env: 'MAX_CONCURRENT_CHUNKS',
    path: 'pipeline.maxConcurrentChunks',
    description:
      'Chunks analysed at once per job: one lane (chunkLane sub-orchestration) each, taking its chunks in turn.',
  },
  {
    env: 'PROPERTY_CONCURRENCY',
    path: 'pipeline.propertyConcurrency',
    description: 'Properties valued at once within one chunk (the provider rate limit still applies).',
  },
  {
    env: 'MAX_FAILURE_RATE',
    path: 'pipeline.maxFailureRate',
    description: 'Share of failed properties above which a job ends failed (0.2 = 20%).',
  },
  {
    env: 'RETRY_PASSES',
    path: 'pipeline.retryPasses',
    description:
      'Passes at the end of a job over the properties that failed for a transient cause (provider or storage outage, rate limit); 0 for none.',
  },
  {
    env: 'STOP_CHECK_MS',
    path: 'pipeline.stopCheckIntervalMs',
    description:
      'How stale the cancel state a chunk checks before each property may be, in milliseconds (one read per process and job per interval).',
  },
  {
    env: 'VALUATION_CACHE_TTL_HOURS',
    path: 'pipeline.valuationCacheTtlHours',
    description: 'Hours a bought AVM value is reused by later jobs (checked in code; also set as the Cosmos TTL).',
  },
  {
    env: 'MAX_REQUEST_MB',
    path: 'pipeline.maxRequestMegabytes',
    description: 'Largest request body accepted, in megabytes; larger requests answer 413.',
  },
  {
    env: 'HAND_OUT_MANAGEMENT_URLS',
    path: 'pipeline.handOutManagementUrls',
    description:
      "Whether analyze's 202 carries the Durable management URLs (statusQueryGetUri, terminatePostUri, purgeHistoryDeleteUri). In Azure they hold the task hub's system key, so the deployment must say (infra/app/api.bicep: false unless handOutManagementUrls).",
    inAzure: 'required',
  },
  {
    env: 'CHAOS_FAIL_FIRST_CHUNK_ATTEMPT',
    path: 'pipeline.chaosFailFirstChunkAttempt',
    description:
      "Chaos testing only: make every chunk's first attempt fail after its values are bought, to prove a retried chunk buys nothing twice.",
    inAzure: 'forbidden',
    refusedBecause: CHAOS_ONLY,
  },
  {
    env: 'CHAOS_FAULT_AFTER_VALUATION_RATE',
    path: 'pipeline.chaosFaultAfterValuationRate',
    description:
      'Chaos testing only: share of properties whose first analysis meets a storage fault right after their valuation is bought (the value is kept and reused).',
    inAzure: 'forbidden',
    refusedBecause: CHAOS_ONLY,
  },
  {
    env: 'CHAOS_EXIT_AFTER_SUBMIT_STEP',
    path: 'pipeline.chaosExitAfterSubmitStep',
    description:
      'Chaos testing only: staging, start or document: the host kills itself (SIGKILL) right after that step of a submission.',
    example: '',
    inAzure: 'forbidden',
    refusedBecause: CHAOS_ONLY,
  },
  {
    env: 'NIGHTLY_SCHEDULE',
    path: 'pipeline.nightlySchedule',
    description: 'NCRONTAB schedule (6 fields, UTC) of the nightly revaluation of registered portfolios.',
    inAzure: 'required',
  },
  // Operations
  {
    env: 'PURGE_RETENTION_DAYS',
    path: 'operations.retentionDays',
    description:
      'Days finished orchestration instances (completed, failed, terminated) and their jobProgress entities are kept in the task hub; older ones are purged daily at 03:30 UTC (0: every finished one). Jobs, results and reports in Cosmos DB are kept.',
  },
  // Import
  {
    env: 'CSV_MAX_ROWS',
    path: 'tapes.maxRows',
    description: 'Most rows accepted in one uploaded file (CSV or Excel).',
  },
  // HTTP
  {
    env: 'HTTP_AUTH_LEVEL',
    path: 'http.authLevel',
    description:
      'Auth level of the API routes: function (a function key per call) or anonymous, only with App Service Authentication requiring sign-in in front of the app.',
  },
];

/**
 * Validates the environment once. Throws a ConfigurationError naming every bad or missing variable;
 * the app calls this at start-up so a misconfiguration fails fast, not on the first request. In Azure
 * (src/hosting.ts) the rows' Azure rules apply too: required settings have no local default there, and
 * keys or connection strings are refused. Locally PUBLIC_BASE_URL defaults to http://WEBSITE_HOSTNAME
 * (devhost and func start set it to their own address).
 */
export function loadSettings(env: Record<string, string | undefined> = process.env): Settings {
  const hosting = hostingOf(env);
  const problems = hosting === 'azure' ? azureRuleProblems(SETTINGS, env) : [];
  let parsed: z.infer<typeof settingsSchema> | undefined;
  try {
    parsed = parseSettings(settingsSchema, SETTINGS, env);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    problems.push(...error.problems);
  }
  if (parsed) problems.push(...storageSettingsProblems(parsed.storage, hosting));
  if (!parsed || problems.length > 0) throw new ConfigurationError([...new Set(problems)]);
  const hostName = env.WEBSITE_HOSTNAME?.trim();
  const publicBaseUrl =
    parsed.host.publicBaseUrl ?? (hosting === 'local' && hostName ? `http://${hostName}` : undefined);
  return { ...parsed, host: { ...parsed.host, publicBaseUrl }, hosting };
}

/**
 * HTTP_AUTH_LEVEL alone, for registering the HTTP functions when the app is loaded (before the settings object
 * exists; the Functions host reads auth levels at that point). Same row and schema as the settings object.
 */
export function apiAuthLevel(env: Record<string, string | undefined> = process.env): 'function' | 'anonymous' {
  const rows = SETTINGS.filter((row) => row.path.startsWith('http.'));
  return parseSettings(z.object({ http: httpSettingsSchema.prefault({}) }), rows, env).http.authLevel;
}

/** The price table (cents) of the configured cascade: what the estimate, reservations and costs use. */
export function priceTableOf(settings: Settings): PriceTable {
  return priceTable(settings.costRates, settings.avm.cascade);
}

/**
 * Settings the Functions runtime itself reads; listed first in local.settings.example.json (not set in Azure:
 * Flex Consumption takes the runtime from the app's configuration).
 */
export const RUNTIME_SETTINGS: Record<string, string> = {
  FUNCTIONS_WORKER_RUNTIME: 'node',
};
