// Per-property results (DESIGN §2.4): one document per (jobId, propertyId), id = propertyId, partition
// key /jobId. Written in bulk by analyzeChunk (an upsert, so a retried chunk overwrites, never duplicates),
// read back by id on a chunk retry, paged by the properties endpoint, and ranked for the report's top-N.
//
// Every query names the partition (`c.jobId = @jobId`): the local server ignores the partitionKey request
// option and would otherwise scan every job. Only features the local server supports are used: WHERE,
// TOP, ORDER BY on one field, parameters, continuation tokens (no GROUP BY, DISTINCT, OFFSET/LIMIT).
//
// Writes go as transactional batches of <= 100 upserts (all of a job's results share one partition).
// bench/storage.ts, local server in-process, 10,000 results: batch 34,000/s (first write) and 53,000/s
// (per-chunk rewrites); parallel point upserts (16 in flight) 5,300/s; executeBulkOperations 7,200/s for
// one call of 10,000 but ~1 s per call whatever its size (the SDK's partial-batch sleep), 395/s per chunk.
// Queries scan the whole container on the local server (Azure uses its index): see
// test/integration/services.ts for the engine patch that keeps those scans linear.
import {
  BulkOperationType,
  type Container,
  type OperationInput,
  type SqlParameter,
  type SqlQuerySpec,
} from '@azure/cosmos';
import {
  RISK_TIERS,
  storedResultSchema,
  type PropertyResult,
  type ResultFilter,
  type RiskTier,
  type StoredResult,
} from '../domain/results.ts';
import type { TopKind } from '../domain/top-lists.ts';
import { mapWithConcurrency } from '../concurrency.ts';
import { parseStored } from './cosmos.ts';
import { StorageError, statusOf } from './errors.ts';
import { fetchPage, unwrapContinuation, wrapContinuation } from './continuation.ts';

/** The filters a page accepts: the API's, and a bare tier letter for the tier's filter. */
export type PageFilter = ResultFilter | RiskTier;

export type ResultWriteMode = 'batch' | 'parallel' | 'bulk';

/** Cosmos DB's limit of operations in one transactional batch. */
const MAX_BATCH_OPERATIONS = 100;

export interface ResultPage {
  items: StoredResult[];
  /** Present when there may be more results; pass it back unchanged for the next page. */
  continuationToken?: string;
}

export interface PageOptions {
  filter?: PageFilter;
  /** USPS state code. */
  state?: string | undefined;
  propertyType?: string | undefined;
  /** Lower-case text found in the propertyId or the street address (case-insensitive match). */
  search?: string | undefined;
  continuationToken?: string | undefined;
  /** 1..1000; default 100. A page may hold fewer items even when more follow (Cosmos semantics). */
  pageSize?: number;
}

export interface ResultsRepositoryOptions {
  container: Container;
  /**
   * How upsertMany writes (default 'batch'; figures from bench/storage.ts in the module comment):
   * - 'batch': transactional batches of <= 100 upserts in the job's partition, one request per 100 results;
   * - 'parallel': point upserts, `concurrency` in flight;
   * - 'bulk': executeBulkOperations. @azure/cosmos 4.10 sleeps 1,000 ms before dispatching a partial batch,
   *   so every call lasts at least a second: fine for one call of thousands, wrong for a 100-result chunk.
   */
  writeMode?: ResultWriteMode;
  /** Requests in flight for parallel upserts and point reads. Default 16. */
  concurrency?: number;
  /** Validate documents read back against the schema (default true). */
  validate?: boolean;
}

/** Where the top-N lists rank by; each list keeps only results with the field defined. */
const TOP_QUERIES: Record<TopKind, { where: string; orderBy: string }> = {
  // Largest fall in value since the last appraisal, as a fraction (most negative first).
  largestDrops: {
    where: 'IS_DEFINED(c.valuation.changePct) AND c.valuation.changePct < 0',
    orderBy: 'c.valuation.changePct ASC',
  },
  // Pre-distressed loans (tier ratio above tier C's maximum), highest CLTV (the combined exposure) first.
  preDistressed: { where: 'c.risk.preDistressed = true', orderBy: 'c.risk.cltv DESC' },
  // Highest fraud scores, excluding properties on which no rule fired.
  highestFraud: { where: 'IS_DEFINED(c.fraud.score) AND c.fraud.score > 0', orderBy: 'c.fraud.score DESC' },
};

export class ResultsRepository {
  readonly #container: Container;
  readonly #writeMode: ResultWriteMode;
  readonly #concurrency: number;
  readonly #validate: boolean;

  constructor(options: ResultsRepositoryOptions) {
    this.#container = options.container;
    this.#writeMode = options.writeMode ?? 'batch';
    this.#concurrency = options.concurrency ?? 16;
    this.#validate = options.validate ?? true;
  }

  /** Upserts a chunk's results (idempotent: a retried chunk overwrites its own documents). */
  async upsertMany(jobId: string, chunkIndex: number, results: readonly PropertyResult[]): Promise<void> {
    if (results.length === 0) return;
    const documents = results.map((r): StoredResult => ({ ...r, id: r.propertyId, jobId, chunkIndex }));
    let failed: StoredResult[];
    switch (this.#writeMode) {
      case 'parallel':
        failed = documents;
        break;
      case 'batch':
        failed = await this.#batchUpsert(jobId, documents);
        break;
      case 'bulk':
        failed = await this.#bulkUpsert(jobId, documents);
        break;
    }
    if (failed.length === 0) return;
    // Parallel mode, or what a batch/bulk request left undone (throttling, a batch over its size limit):
    // point upserts, `concurrency` in flight; still idempotent.
    try {
      await mapWithConcurrency(failed, this.#concurrency, (d) => this.#container.items.upsert(d));
    } catch (error) {
      throw new StorageError(
        `upsert of job ${jobId} chunk ${chunkIndex}: ${failed.length} of ${documents.length} writes failed (status ${statusOf(error) ?? 'unknown'})`,
        { cause: error },
      );
    }
  }

  /**
   * Transactional batches of at most 100 upserts (every result of a job shares its partition), up to
   * `concurrency` / 4 batches in flight. Returns the documents of batches that failed.
   */
  async #batchUpsert(jobId: string, documents: readonly StoredResult[]): Promise<StoredResult[]> {
    const groups: StoredResult[][] = [];
    for (let i = 0; i < documents.length; i += MAX_BATCH_OPERATIONS)
      groups.push(documents.slice(i, i + MAX_BATCH_OPERATIONS));
    const failed: StoredResult[] = [];
    await mapWithConcurrency(groups, Math.max(1, Math.ceil(this.#concurrency / 4)), async (group) => {
      // Fresh op objects every call (the SDK mutates them); partitionKey on every op (the local server needs it).
      const operations: OperationInput[] = group.map((d) => ({
        operationType: BulkOperationType.Upsert,
        partitionKey: jobId,
        resourceBody: d,
      }));
      try {
        const response = await this.#container.items.batch(operations, jobId);
        const codes = response.result?.map((r) => r.statusCode) ?? [];
        group.forEach((d, i) => {
          const code = codes[i];
          if (code === undefined || code >= 400) failed.push(d);
        });
      } catch {
        failed.push(...group);
      }
    });
    return failed;
  }

  /** executeBulkOperations; returns the documents whose operation failed. */
  async #bulkUpsert(jobId: string, documents: readonly StoredResult[]): Promise<StoredResult[]> {
    const operations: OperationInput[] = documents.map((d) => ({
      operationType: BulkOperationType.Upsert,
      partitionKey: jobId,
      resourceBody: d,
    }));
    const outcomes = await this.#container.items.executeBulkOperations(operations);
    // Results come back in operation order.
    return documents.filter((_, i) => {
      const o = outcomes[i];
      return o === undefined || o.error !== undefined || (o.response !== undefined && o.response.statusCode >= 400);
    });
  }

  /** The stored results among `propertyIds` (point reads, `concurrency` in flight); missing ones are left out. */
  async getMany(jobId: string, propertyIds: readonly string[]): Promise<StoredResult[]> {
    const found = await mapWithConcurrency(propertyIds, this.#concurrency, async (id) => {
      const { resource, statusCode } = await this.#container.item(id, jobId).read<Record<string, unknown>>();
      return statusCode === 404 || !resource ? undefined : this.#parse(resource, jobId);
    });
    return found.filter((r): r is StoredResult => r !== undefined);
  }

  /** One page of a job's results under a filter. Order is the store's (stable across pages), not by id. */
  async page(jobId: string, options: PageOptions = {}): Promise<ResultPage> {
    const pageSize = Math.max(1, Math.min(1000, Math.trunc(options.pageSize ?? 100)));
    const spec = filterQuery(jobId, options);
    const inner =
      options.continuationToken === undefined ? undefined : unwrapContinuation(options.continuationToken, spec);
    const query = this.#container.items.query<Record<string, unknown>>(spec, {
      maxItemCount: pageSize,
      partitionKey: jobId,
      ...(inner !== undefined && { continuationToken: inner }),
    });
    const response = await fetchPage(query, inner !== undefined);
    const items = response.resources.map((r) => this.#parse(r, jobId));
    const next = response.continuationToken;
    return { items, ...(next && response.hasMoreResults && { continuationToken: wrapContinuation(next, spec) }) };
  }

  /**
   * The n highest-ranked results of a top-N list, by one ORDER BY field within the job's partition (the local
   * server supports single-field ORDER BY; ties come back in store order).
   */
  async top(jobId: string, kind: TopKind, n: number): Promise<StoredResult[]> {
    const count = Math.max(0, Math.trunc(n));
    if (count === 0) return [];
    const { where, orderBy } = TOP_QUERIES[kind];
    const spec: SqlQuerySpec = {
      query: `SELECT TOP @n * FROM c WHERE c.jobId = @jobId AND ${where} ORDER BY ${orderBy}`,
      parameters: [
        { name: '@n', value: count },
        { name: '@jobId', value: jobId },
      ],
    };
    const { resources } = await this.#container.items
      .query<Record<string, unknown>>(spec, { partitionKey: jobId })
      .fetchAll();
    return resources.slice(0, count).map((r) => this.#parse(r, jobId));
  }

  #parse(resource: Record<string, unknown>, jobId: string): StoredResult {
    if (!this.#validate) {
      const { _rid, _self, _etag, _attachments, _ts, ...document } = resource;
      return document as StoredResult;
    }
    return parseStored(storedResultSchema, resource, `results/${jobId}/${String(resource.id)}`);
  }
}

function filterQuery(jobId: string, options: PageOptions): SqlQuerySpec {
  const filter = options.filter ?? 'all';
  const parameters: SqlParameter[] = [{ name: '@jobId', value: jobId }];
  let condition = '';
  if (filter === 'failed') condition = " AND c.status = 'failed'";
  else if (filter === 'flagged') condition = ' AND c.fraud.flagged = true';
  else if (filter !== 'all') {
    const tier = filter.startsWith('tier-') ? filter.slice(5) : filter;
    if (!(RISK_TIERS as readonly string[]).includes(tier)) throw new RangeError(`unknown result filter '${filter}'`);
    condition = ' AND c.risk.tier = @tier';
    parameters.push({ name: '@tier', value: tier });
  }
  if (options.state !== undefined) {
    condition += ' AND c.state = @state';
    parameters.push({ name: '@state', value: options.state });
  }
  if (options.propertyType !== undefined) {
    condition += ' AND c.propertyType = @propertyType';
    parameters.push({ name: '@propertyType', value: options.propertyType });
  }
  if (options.search !== undefined) {
    // LOWER + CONTAINS: the local server's CONTAINS takes no ignore-case argument. Results stored before the
    // address was recorded match by id only (IS_STRING keeps CONTAINS from failing on them).
    condition +=
      ' AND (CONTAINS(LOWER(c.propertyId), @search) OR (IS_STRING(c.address) AND CONTAINS(LOWER(c.address), @search)))';
    parameters.push({ name: '@search', value: options.search.toLowerCase() });
  }
  return { query: `SELECT * FROM c WHERE c.jobId = @jobId${condition}`, parameters };
}
