// Submitting a job (DESIGN §2.1, §3): estimate, check the budget, start portfolioAnalysis with a small
// input naming the chunk blobs the tape was staged as while it was read (chunk-stager.ts), write the job
// document. Used by the HTTP API and the nightly queue starter. A submission that does not start its job
// (over budget, a job that exists) deletes what it staged, so a refused request leaves nothing behind.
//
// Starting the orchestration is the commit point (issue 12.1): it is one durable write, and its input holds
// everything the job needs, so whatever instant the host dies the job either never started (nothing but
// unreferenced blobs: a retry with the same Idempotency-Key stages again and starts it) or it started and
// runs after a restart (its first activity writes the document if submission died before doing so; a retry
// re-attaches to it). Two first submissions under one key at once both stage, the task hub starts one root, and
// the other re-attaches: the document is always written from the root's own input, the other request is compared
// with it by fingerprint (its job, or 422), and its tape is deleted.
import { createHash, randomUUID } from 'node:crypto';
import { estimateCents, estimateCost, type CostBreakdown } from '../domain/cost.ts';
import type { DataQuality } from '../domain/data-quality.ts';
import { overBudget, type OverBudget } from '../domain/tape-rejection.ts';
import type { JobStatus } from '../domain/job-status.ts';
import type { AnalysisType, StressScenario } from '../domain/schemas.ts';
import { jobDocumentFor, readingDocumentFor } from '../activities/open-job.ts';
import { priceTableOf, type Settings } from '../config.ts';
import type { JobDocument } from '../storage/jobs-repository.ts';
import {
  ORCHESTRATIONS,
  type JobSpec,
  type PortfolioAnalysisInput,
  type ReadAndAnalyzeInput,
  type RootInput,
  type RunOptions,
} from '../workflow.ts';
import type { StagedTape } from './chunk-stager.ts';

export interface JobRequest {
  portfolioId: string;
  analysisType: AnalysisType;
  /** The properties, staged as chunk blobs of `settings.chunking.chunkSize`. */
  tape: StagedTape;
  budget?: number | undefined;
  allowPartial: boolean;
  idempotencyKey?: string | undefined;
  /** The request's fingerprint (request-fingerprint.ts): a key reused with another request is refused. */
  requestFingerprint?: string | undefined;
  /** The job id the tape was staged under: jobIdFor(the Idempotency-Key), or the nightly run's id. */
  jobId: string;
  /** How the properties were read (rows skipped, normalisations): kept with the job for its status and report. */
  dataQuality?: DataQuality | undefined;
  asOf: Date;
  /** The report's stress scenarios (default: the configured ones). */
  stressScenarios?: StressScenario[] | undefined;
}

export interface JobStore {
  /** The job document, if one exists. */
  getJob(jobId: string): Promise<ExistingJob | undefined>;
  /** Creates the job document; false when a job with this id already exists. */
  createJob(job: JobDocument): Promise<boolean>;
  /** Deletes a staged tape no job will read. */
  discardStaging(jobId: string, stagingId: string): Promise<unknown>;
}

/** What submission reads of a job that exists already. */
export interface ExistingJob {
  id: string;
  portfolioId: string;
  estimatedCost: number;
  status: JobStatus;
  requestFingerprint?: string | undefined;
}

export interface Starter {
  /** The input the job's root instance `instanceId` was started with (in any state); undefined when none exists. */
  rootInput(instanceId: string): Promise<RootInput | undefined>;
  /**
   * Starts the root; false, starting nothing, when an instance with this id exists already (a concurrent submission
   * under the same Idempotency-Key started it first).
   */
  start(name: string, instanceId: string, input: RootInput): Promise<boolean>;
}

/** The steps of a submission, in order; a chaos hook may end the process after any of them (tests only). */
export type SubmitStep = 'staging' | 'start' | 'document';

export type SubmitOutcome =
  | { kind: 'started' | 'existing'; jobId: string; estimatedCost: number; breakdown: CostBreakdown }
  /** The estimate passes the budget without allowPartial (tape-rejection.ts overBudget: the one rule and its error). */
  | { kind: 'over_budget'; estimatedCost: number; budget: number; over: OverBudget }
  /** The Idempotency-Key names a job that was submitted with another request. */
  | { kind: 'key_reused'; jobId: string; portfolioId: string };

/**
 * The job an Idempotency-Key names: the same key always names the same job, whatever the request (the key
 * identifies one request of its caller, IETF draft "The Idempotency-Key HTTP Header Field" §2.1); a random
 * id without a key.
 */
export function jobIdFor(idempotencyKey: string | undefined): string {
  if (idempotencyKey === undefined) return `job-${randomUUID()}`;
  return `job-${createHash('sha256').update(`idempotency-key\n${idempotencyKey}`).digest('hex').slice(0, 32)}`;
}

/** The outcome of accepting a tape by reference: its job (new or existing, in its status), or the key reused. */
export type ReferenceOutcome =
  | { kind: 'accepted' | 'existing'; jobId: string; status: JobStatus }
  | { kind: 'key_reused'; jobId: string; portfolioId: string };

/**
 * The outcome of a request by reference whose Idempotency-Key names `job`, a job that exists: that job, in its status
 * (whatever it is: the key names one request, and its answer is kept), or `key_reused` when the job was submitted
 * with another request.
 */
export function referenceRetryOutcome(job: ExistingJob, requestFingerprint: string | undefined): ReferenceOutcome {
  if (requestFingerprint !== undefined && job.requestFingerprint !== requestFingerprint)
    return { kind: 'key_reused', jobId: job.id, portfolioId: job.portfolioId };
  return { kind: 'existing', jobId: job.id, status: job.status };
}

/**
 * Accepts a request naming an uploaded tape (`propertiesBlob`) before its tape is read: starts the job's root with the
 * tape to read first (ReadAndAnalyzeInput: its readTape activity reads, validates and stages it, then the job runs or
 * ends rejected), then writes the job document in status reading. As submitJob: the start is the commit point (the
 * root's readTape writes the document if the host died before this did), a job that exists under the key is answered
 * (`existing`, in the status its document has), or `key_reused` when its request was another one.
 */
export async function submitTapeReference(
  input: ReadAndAnalyzeInput,
  store: JobStore,
  starter: Starter,
  afterStep: (step: SubmitStep) => void = () => {},
): Promise<ReferenceOutcome> {
  const { job, tape } = input;
  const existing = await store.getJob(job.jobId);
  if (existing) return referenceRetryOutcome(existing, job.requestFingerprint);
  const root = await starter.rootInput(job.jobId);
  const started = root === undefined && (await starter.start(ORCHESTRATIONS.portfolioAnalysis, job.jobId, input));
  if (!started)
    return referenceRetryOutcome(await attachToRoot(job.jobId, root, store, starter), job.requestFingerprint);
  afterStep('start');
  // The root's readTape may have written it already: then this changes nothing.
  await store.createJob(readingDocumentFor(job, tape, new Date(job.asOf)));
  afterStep('document');
  return { kind: 'accepted', jobId: job.jobId, status: 'reading' };
}

/**
 * The job of a root that exists without its document: started by a submission whose host died before writing it,
 * or by a concurrent submission under the same key that has not written it yet. Writes the document from the root's
 * own input (the start is the commit point: the job is what its root runs, not what this request asked) and answers
 * the job as submission compares it. `root`: its input when already read. @throws Error when no root exists after
 * all (it was purged meanwhile), or what the stores throw.
 */
async function attachToRoot(
  jobId: string,
  root: RootInput | undefined,
  store: JobStore,
  starter: Starter,
): Promise<ExistingJob> {
  const input = root ?? (await starter.rootInput(jobId));
  if (input === undefined) throw new Error(`job ${jobId}: its root instance was started, then not found`);
  const { job } = input;
  const byReference = 'tape' in input;
  const document = byReference
    ? readingDocumentFor(job, input.tape, new Date(job.asOf))
    : jobDocumentFor(input.job, 'queued', new Date(job.asOf));
  await store.createJob(document);
  return {
    id: jobId,
    portfolioId: job.portfolioId,
    estimatedCost: byReference ? 0 : input.job.estimatedCents / 100,
    status: document.status,
    requestFingerprint: job.requestFingerprint,
  };
}

/** The outcome for a job that exists: the same job, or `key_reused` when its request was another one. */
function existingOutcome(
  job: ExistingJob,
  requestFingerprint: string | undefined,
  breakdown: CostBreakdown,
): SubmitOutcome {
  if (requestFingerprint !== undefined && job.requestFingerprint !== requestFingerprint)
    return { kind: 'key_reused', jobId: job.id, portfolioId: job.portfolioId };
  return { kind: 'existing', jobId: job.id, estimatedCost: job.estimatedCost, breakdown };
}

/**
 * The outcome for a request whose Idempotency-Key names `job`, a job that exists, read without staging its
 * tape (a retry needs only the fingerprint): `existing` when it is the request the job was submitted with,
 * `key_reused` otherwise, as submitJob answers. `count`: the request's accepted properties, priced for the
 * breakdown.
 */
export function resubmissionOutcome(
  job: ExistingJob,
  request: { analysisType: AnalysisType; count: number; requestFingerprint?: string | undefined },
  settings: Settings,
): SubmitOutcome {
  const breakdown = estimateCost(request.count, request.analysisType, priceTableOf(settings));
  return existingOutcome(job, request.requestFingerprint, breakdown);
}

/** How runs work under `settings`: lanes, prices, the failure limit and the retry passes. */
export function runOptionsOf(settings: Settings): RunOptions {
  return {
    lanes: settings.pipeline.maxConcurrentChunks,
    prices: priceTableOf(settings),
    maxFailureRate: settings.pipeline.maxFailureRate,
    retryPasses: settings.pipeline.retryPasses,
  };
}

/**
 * Submits `request` (see the module comment for the order and why). Answers `key_reused` when the key names
 * a job submitted with another request, `existing` for a job id that
 * has a document or an orchestration already (creating the document when only the orchestration exists),
 * `over_budget` when the estimate passes a budget without allowPartial; then the staged tape is deleted.
 * Throws what the stores or the durable client throw; nothing was started then.
 */
export async function submitJob(
  request: JobRequest,
  settings: Settings,
  store: JobStore,
  starter: Starter,
  afterStep: (step: SubmitStep) => void = () => {},
): Promise<SubmitOutcome> {
  const outcome = await submitStaged(request, settings, store, starter, afterStep);
  if (outcome.kind !== 'started') await store.discardStaging(request.jobId, request.tape.stagingId);
  return outcome;
}

async function submitStaged(
  request: JobRequest,
  settings: Settings,
  store: JobStore,
  starter: Starter,
  afterStep: (step: SubmitStep) => void = () => {},
): Promise<SubmitOutcome> {
  const options = runOptionsOf(settings);
  const { count, chunkCount, stagingId } = request.tape;
  const breakdown = estimateCost(count, request.analysisType, options.prices);
  const jobId = request.jobId;
  const { chunkSize } = settings.chunking;
  const job: JobSpec = {
    jobId,
    portfolioId: request.portfolioId,
    analysisType: request.analysisType,
    totalProperties: count,
    chunkCount,
    chunkSize,
    stagingId,
    estimatedCents: estimateCents(count, request.analysisType, options.prices),
    ...(request.budget !== undefined && { budgetCents: Math.round(request.budget * 100) }),
    allowPartial: request.allowPartial,
    ...(request.idempotencyKey !== undefined && { idempotencyKey: request.idempotencyKey }),
    ...(request.requestFingerprint !== undefined && { requestFingerprint: request.requestFingerprint }),
    ...(request.dataQuality !== undefined && { dataQuality: request.dataQuality }),
    asOf: request.asOf.toISOString(),
    ...(request.stressScenarios !== undefined && { stressScenarios: request.stressScenarios }),
  };

  const existing = await store.getJob(jobId);
  if (existing) return existingOutcome(existing, request.requestFingerprint, breakdown);
  // Started, but the document was never written (the host died in between): write it from the root and re-attach.
  const root = await starter.rootInput(jobId);
  if (root)
    return existingOutcome(await attachToRoot(jobId, root, store, starter), request.requestFingerprint, breakdown);
  const over = overBudget(job, count, options.prices);
  if (over)
    return { kind: 'over_budget', estimatedCost: over.breakdown.total, budget: (job.budgetCents ?? 0) / 100, over };

  // Staged while the tape was read: a crash from here on leaves only an unreferenced folder.
  afterStep('staging');
  const input: PortfolioAnalysisInput = { job, options, run: { kind: 'analysis' } };
  if (!(await starter.start(ORCHESTRATIONS.portfolioAnalysis, jobId, input))) {
    // A concurrent submission under the same key started it first: that is the job, and this tape is discarded.
    const attached = await attachToRoot(jobId, undefined, store, starter);
    return existingOutcome(attached, request.requestFingerprint, breakdown);
  }
  afterStep('start');
  // The run's first activity may have written it already (in status processing): then this changes nothing.
  await store.createJob(jobDocumentFor(job, 'queued', request.asOf));
  afterStep('document');
  return { kind: 'started', jobId, estimatedCost: breakdown.total, breakdown };
}
