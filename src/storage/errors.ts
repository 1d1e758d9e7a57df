// Typed storage errors: each names what went wrong and what the caller can do about it. Raw SDK errors
// (RestError, ErrorResponse) never leave src/storage except as the `cause` of one of these.

export class StorageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageError';
  }
}

/** A job document with this id exists already: the same Idempotency-Key (or nightly run) was submitted twice. */
export class JobAlreadyExistsError extends StorageError {
  readonly jobId: string;
  constructor(jobId: string, options?: { cause?: unknown }) {
    super(`A job with id '${jobId}' already exists; read it instead of creating it again.`, options);
    this.name = 'JobAlreadyExistsError';
    this.jobId = jobId;
  }
}

/** A document that had to exist (for an update) does not. */
export class DocumentNotFoundError extends StorageError {
  readonly container: string;
  readonly id: string;
  constructor(container: string, id: string, options?: { cause?: unknown }) {
    super(`No document '${id}' in container '${container}'.`, options);
    this.name = 'DocumentNotFoundError';
    this.container = container;
    this.id = id;
  }
}

/** Optimistic concurrency gave up: every read-modify-replace attempt lost to a concurrent writer (412). */
export class ConcurrencyConflictError extends StorageError {
  readonly container: string;
  readonly id: string;
  readonly attempts: number;
  constructor(container: string, id: string, attempts: number, options?: { cause?: unknown }) {
    super(
      `Document '${id}' in '${container}' changed under ${attempts} consecutive update attempt(s); retry the operation later.`,
      options,
    );
    this.name = 'ConcurrencyConflictError';
    this.container = container;
    this.id = id;
    this.attempts = attempts;
  }
}

/** A stored document (or blob) does not have the shape the code expects: written by another version, or corrupt. */
export class InvalidStoredDocumentError extends StorageError {
  readonly location: string;
  readonly problems: readonly string[];
  constructor(location: string, problems: readonly string[]) {
    super(
      `Stored document ${location} is invalid: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ` (+${problems.length - 5} more)` : ''}`,
    );
    this.name = 'InvalidStoredDocumentError';
    this.location = location;
    this.problems = problems;
  }
}

/** A continuation token that this repository did not issue (or issued for another query). Start from the first page. */
export class InvalidContinuationTokenError extends StorageError {
  constructor(options?: { cause?: unknown }) {
    super('The continuation token is not valid for this query; request the first page again without it.', options);
    this.name = 'InvalidContinuationTokenError';
  }
}

/** A staged blob (chunk or portfolio) is missing: the job was deleted or never staged. */
export class BlobNotFoundError extends StorageError {
  readonly container: string;
  readonly blobName: string;
  constructor(container: string, blobName: string, options?: { cause?: unknown }) {
    super(
      `Blob '${blobName}' not found in container '${container}'; it was never staged or has been deleted.`,
      options,
    );
    this.name = 'BlobNotFoundError';
    this.container = container;
    this.blobName = blobName;
  }
}

/**
 * An uploaded tape (storage/uploads.ts) was replaced (its ETag no longer matches: 412) or deleted (404) while
 * it was being read: the version the read pinned is gone, and reading on would mix two tapes.
 */
export class UploadChangedError extends StorageError {
  readonly container: string;
  readonly blobName: string;
  readonly change: 'replaced' | 'deleted';
  constructor(container: string, blobName: string, change: 'replaced' | 'deleted', options?: { cause?: unknown }) {
    super(`Blob '${blobName}' in container '${container}' was ${change} while it was being read.`, options);
    this.name = 'UploadChangedError';
    this.container = container;
    this.blobName = blobName;
    this.change = change;
  }
}

/** A queue message over the 64 KiB limit. */
export class MessageTooLargeError extends StorageError {
  readonly queue: string;
  readonly bytes: number;
  constructor(queue: string, bytes: number) {
    super(
      `Message for queue '${queue}' is ${bytes} bytes once encoded; the limit is 65,536. Send a reference to a blob instead.`,
    );
    this.name = 'MessageTooLargeError';
    this.queue = queue;
    this.bytes = bytes;
  }
}

/** HTTP status of an Azure SDK error (Cosmos ErrorResponse uses `code`, RestError `statusCode`). */
export function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { statusCode?: unknown; code?: unknown };
  if (typeof e.statusCode === 'number') return e.statusCode;
  if (typeof e.code === 'number') return e.code;
  return undefined;
}

/** A storage operation failed for a cause that may pass (a dropped connection, throttling, a server error). */
export class TransientStorageError extends StorageError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientStorageError';
  }
}

const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'REQUEST_SEND_ERROR',
  // @azure/cosmos: no answer within the client's request timeout (a server too busy to answer in time).
  'TimeoutError',
]);

/**
 * Whether a storage error may pass on its own, looking through `cause`: HTTP 408, 429, 449 (Cosmos retry
 * with), 5xx; dropped or refused connections ("socket hang up"); a request that timed out; a
 * TransientStorageError.
 */
export function isTransientStorageError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    if (e instanceof TransientStorageError) return true;
    const status = statusOf(e);
    if (status !== undefined) return status === 408 || status === 429 || status === 449 || status >= 500;
    if (typeof e !== 'object') return false;
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
    if (typeof message === 'string' && /socket hang up|network socket disconnected|fetch failed/i.test(message))
      return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
