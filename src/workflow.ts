// The shapes that travel between the orchestrations, the entity and the activities, in one place.
// Everything here goes through orchestration history, so it is small and does not grow with the portfolio:
// ids, counts and prices, never property lists (staged as chunk blobs) or per-chunk arrays (a pass's plan is
// a blob; a chunk's worst case is derived from its size and the price table).
import type { PriceTable } from './domain/cost.ts';
import type { DataQuality } from './domain/data-quality.ts';
import type { LaneStop, StopReason } from './domain/job-progress.ts';
import type { JobStatus } from './domain/job-status.ts';
import type { ChunkDelta, PassMode, RedriveInclude } from './domain/passes.ts';
import type { AnalysisType, InvalidRowsMode, StressScenario } from './domain/schemas.ts';
import type { CostBreakdown } from './domain/cost.ts';
import type { TapeRejection } from './domain/tape-rejection.ts';

export const ORCHESTRATIONS = {
  portfolioAnalysis: 'portfolioAnalysis',
  jobRun: 'jobRun',
  chunkLane: 'chunkLane',
} as const;
export const ACTIVITIES = {
  readTape: 'readTape',
  endBeforeRun: 'endBeforeRun',
  openJob: 'openJob',
  planPass: 'planPass',
  analyzeChunk: 'analyzeChunk',
  aggregateReport: 'aggregateReport',
} as const;
export const JOB_PROGRESS_ENTITY = 'jobProgress';

/**
 * The phases of a job run, each logged once per run (logLine 'jobPhase'): submitted (the trigger), started (the
 * run opened the job), pass (one line per pass: the first, each retry pass, a redrive), reported (the report
 * written), finished (the run's outcome).
 */
export type JobPhase = 'submitted' | 'started' | 'pass' | 'reported' | 'finished';

/**
 * One structured log line: `{"event": ..., ...fields}` as JSON, so that the traces of a job can be found and
 * summed in Application Insights (`traces | extend e = parse_json(message) | where e.jobId == ...`).
 * Fields in money are cents, durations milliseconds.
 */
export function logLine(
  event: 'jobPhase' | 'chunkAnalyzed',
  fields: Record<string, string | number | boolean>,
): string {
  return JSON.stringify({ event, ...fields });
}

/** A job as submitted: enough to (re)create its document and to run it again without the request. */
export interface JobSpec {
  jobId: string;
  portfolioId: string;
  analysisType: AnalysisType;
  totalProperties: number;
  chunkCount: number;
  chunkSize: number;
  /** The estimate (the worst case), cents. */
  estimatedCents: number;
  budgetCents?: number | undefined;
  allowPartial: boolean;
  idempotencyKey?: string | undefined;
  /** The digest of the request that created the job (src/jobs/request-fingerprint.ts). */
  requestFingerprint?: string | undefined;
  /** "Today" of the analysis and the job's creation time, fixed when the job is submitted. */
  asOf: string;
  /** The report's stress scenarios, when the request gave them (a few hundred bytes at most). */
  stressScenarios?: StressScenario[] | undefined;
  /** How the properties were read (bounded: at most 100 skipped rows and 5 examples per warning). */
  dataQuality?: DataQuality | undefined;
  /** The folder its tape was staged in (blob-staging.ts); absent for jobs staged before folders. */
  stagingId?: string | undefined;
}

/** How a run of the job works, from the settings when it starts. */
export interface RunOptions {
  /** Chunks in flight at once: one chunkLane sub-orchestration each. */
  lanes: number;
  /** Prices in cents: what a chunk reserves (its worst case) is derived from them. */
  prices: PriceTable;
  /** Share of failed properties above which the job fails. */
  maxFailureRate: number;
  /** End-of-job passes over transiently failed properties (0: none). */
  retryPasses: number;
}

/**
 * The first run of a job, its n-th redrive, or the end of a job whose root ended before its run began
 * (terminated or purged at once): that run analyses nothing and writes the job's end and empty report.
 */
export type RunKind =
  | { kind: 'analysis' }
  | {
      kind: 'redrive';
      redrive: number;
      include: RedriveInclude;
      /**
       * The job's status when the redrive was asked for (its previous run's end): the status this run keeps if it
       * ends with properties an earlier run left (domain/run-end.ts). Absent in redrives started before it existed.
       */
      previous?: JobStatus | undefined;
    }
  | { kind: 'end'; reason: StopReason; /** Why the root failed, for the job's error. */ message?: string | undefined };

/** Input of portfolioAnalysis (the root, instance id = jobId) and of jobRun (its one child). */
export interface PortfolioAnalysisInput {
  job: JobSpec;
  options: RunOptions;
  run: RunKind;
}

/**
 * A tape submitted by reference (`propertiesBlob`), accepted before it is read: the blob, the version the request
 * named, and how to read it (the request's tape options, as JSON; a column map is a few hundred bytes).
 */
export interface TapeReference {
  /** The blob's name in the uploads container. */
  blobName: string;
  /** Its ETag when the request was accepted: the read asks for that version only, so two tapes never mix. */
  etag: string;
  invalidRows: InvalidRowsMode;
  unknownColumns?: 'reject' | 'ignore' | undefined;
  /** Excel: the sheet to read. */
  sheet?: string | undefined;
  /** Header -> field path (null ignores the column). */
  columnMap?: Record<string, string | null> | undefined;
}

/** A job as submitted before its tape was read: without what the read adds (counts, estimate, staging, quality). */
export type UnreadJobSpec = Omit<
  JobSpec,
  'totalProperties' | 'chunkCount' | 'estimatedCents' | 'dataQuality' | 'stagingId'
>;

/** Input of readTape: the job as submitted and the tape it names. */
export interface ReadTapeInput {
  job: UnreadJobSpec;
  tape: TapeReference;
}

/**
 * Input of portfolioAnalysis for a tape submitted by reference: the root reads the tape (readTape) before it runs
 * the job as portfolioAnalysis does for a staged one.
 */
export interface ReadAndAnalyzeInput extends ReadTapeInput {
  options: RunOptions;
}

/** What the root (instance id = jobId) is started with: a staged tape's job run, or a tape to read first. */
export type RootInput = PortfolioAnalysisInput | ReadAndAnalyzeInput;

/** What readTape answers (small: counts, ids, the bounded data-quality account or the bounded errors). */
export type ReadTapeOutput =
  | { kind: 'read'; stagingId: string; count: number; chunkCount: number; dataQuality: DataQuality }
  /** Refused: its field errors (the 400 a synchronous read answers) and the account of what was read of it. */
  | { kind: 'rejected'; rejection: TapeRejection; dataQuality?: DataQuality | undefined; changed?: boolean }
  /** The job was stopped (cancelled, its root terminated) while the tape was read; what was staged is deleted. */
  | { kind: 'stopped'; reason: StopReason };

/** Input of endBeforeRun: the end of a job that analysed nothing, and the staging to delete. */
export interface EndBeforeRunInput {
  jobId: string;
  /** A folder the read staged (an over-budget tape), deleted before the end is written. */
  stagingId?: string | undefined;
  status: Extract<JobStatus, 'rejected' | 'cancelled'>;
  statusReason: string;
  rejection?: TapeRejection | undefined;
  dataQuality?: DataQuality | undefined;
  /** Over budget: the tape's count, the estimate and its breakdown. */
  estimate?: { properties: number; estimatedCents: number; breakdown: CostBreakdown } | undefined;
}

/** The instance id of a run: `{jobId}:run`, `{jobId}:redrive-{n}` for the n-th redrive, `{jobId}:end`. */
export function runInstanceId(jobId: string, run: RunKind): string {
  switch (run.kind) {
    case 'analysis':
      return `${jobId}:run`;
    case 'redrive':
      return `${jobId}:redrive-${run.redrive}`;
    case 'end':
      return `${jobId}:end`;
  }
}

/** A pass over the job's chunks: all of them in order, or the chunk indexes its plan blob lists. */
export interface PassPlan {
  mode: PassMode;
  /** The plan blob's id (`jobs/{jobId}/plan-{id}.json`); absent for mode 'all'. */
  id?: string | undefined;
  /** How many entries the pass takes: chunkCount for 'all', else the plan's length. */
  entries: number;
}

/** Input of a chunkLane generation (it continues as new with the same shape, `position` moved on). */
export interface ChunkLaneInput {
  jobId: string;
  /** JobSpec.stagingId. */
  stagingId?: string | undefined;
  /** Prefix of this pass's reservation keys and plan (the run's instance id and the pass). */
  passId: string;
  plan: PassPlan;
  analysisType: AnalysisType;
  asOf: string;
  totalProperties: number;
  chunkSize: number;
  /** Most one property can cost, cents: a chunk reserves its properties times this. */
  worstCentsPerProperty: number;
  lane: number;
  lanes: number;
  /** The next plan entry this lane takes (lane, lane + lanes, ...). */
  position: number;
  /**
   * Set when a generation ended inside an entry whose reservations are partial: the next part and properties still to
   * do.
   */
  resume?: { part: number; remaining: number } | undefined;
  /** What the lane's earlier generations changed. */
  totals: ChunkDelta;
}

export interface ChunkLaneOutput {
  totals: ChunkDelta;
  stoppedBy?: LaneStop | undefined;
  /** Why a chunk failed every attempt (stoppedBy 'failed'). */
  error?: string | undefined;
}

export interface AnalyzeChunkInput {
  jobId: string;
  /** JobSpec.stagingId. */
  stagingId?: string | undefined;
  plan: Pick<PassPlan, 'mode' | 'id'>;
  /** Position in the plan (the chunk index itself for mode 'all'). */
  entry: number;
  /** The reservation this run spends under. */
  reservationKey: string;
  /** What it may spend, cents: properties that would not fit at their worst case are left for the next reservation. */
  capCents: number;
  analysisType: AnalysisType;
  asOf: string;
}

export interface AnalyzeChunkOutput {
  chunkIndex: number;
  delta: ChunkDelta;
  /** Properties the cap left undone: the lane reserves again for them. */
  deferred: number;
  /** Set when the job was stopped while the chunk ran: properties not started were left. */
  stopped?: StopReason | undefined;
}

export interface OpenJobInput {
  job: JobSpec;
  redrive?: number | undefined;
}

export interface PlanPassInput {
  jobId: string;
  planId: string;
  mode: Exclude<PassMode, 'all'>;
  chunkCount: number;
}

export interface PlanPassOutput {
  entries: number;
  /** The job's counts before the pass: sums over its chunks' last finished runs. */
  counts: { processed: number; failed: number; transient: number; cached: number; costCents: number };
}

export interface AggregateReportInput {
  jobId: string;
  portfolioId: string;
  analysisType: AnalysisType;
  status: JobStatus;
  totalProperties: number;
  asOf: string;
  error?: string | undefined;
  stressScenarios?: StressScenario[] | undefined;
  /** Why the job ended short of its portfolio, in words (cancelled, terminated, budget). */
  statusReason?: string | undefined;
}

export interface JobRunOutput {
  status: JobStatus;
  processed: number;
  failed: number;
  /** Properties without a result (not reached). */
  left: number;
  costCents: number;
}
