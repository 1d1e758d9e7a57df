// A tape the caller uploaded as a blob and named by reference (`propertiesBlob`, README "Large portfolios"): the
// checks decided from the blob's properties and first bytes (it exists, is not empty, is a kind we read), then the
// read itself, in a stream, through the same intake readers as a body. Both
// the synchronous estimate and the job's readTape activity read a tape here, so a tape refused after its 202
// carries exactly the errors and data-quality account a synchronous read would have answered.
import type { Settings } from '../config.ts';
import type { DataQuality } from '../domain/data-quality.ts';
import type { FieldError } from '../domain/validation.ts';
import type { PropertySink } from '../domain/property-sink.ts';
import { readTapeStream, readXlsxTape, type TapeOptions } from '../intake/tape.ts';
import { bodyFormat, type BodyFormat } from '../api/body-format.ts';
import { UploadChangedError } from '../storage/errors.ts';
import type { Upload } from '../storage/uploads.ts';
import type { ReadTapeInput, TapeReference } from '../workflow.ts';

/** Where tapes submitted by reference are read from (storage/uploads.ts). */
export interface UploadSource {
  readonly containerName: string;
  /** The blob `name` (the version `etag` only, when given); undefined when there is none. */
  open(name: string, etag?: string): Promise<Upload | undefined>;
}

/** An upload that passed the checks decided from its properties and first bytes, and its kind. */
export interface OpenedTape {
  upload: Upload;
  format: BodyFormat;
}

/** A tape refused, with its field errors (a 400's), and the account of what was read of it when reading began. */
export interface TapeRefusal {
  ok: false;
  errors: FieldError[];
  totalErrors: number;
  dataQuality?: DataQuality | undefined;
  /** Set when the refusal is that the blob was replaced or deleted since it was first read (a 409 when synchronous). */
  changed?: UploadChangedError | undefined;
}

/** How reading the tape went: the account, and the identities several accepted propertyIds share (valuationKey). */
export type TapeRead = { ok: true; dataQuality: DataQuality; sharedIdentities: Set<string> } | TapeRefusal;

const onBlob = (message: string): TapeRefusal => ({
  ok: false,
  errors: [{ path: 'propertiesBlob', message }],
  totalErrors: 1,
});

/**
 * The refusal of a tape replaced or deleted after it was first read. Uploads commit whole (block blobs), so a tape
 * replaced is a new upload of that name that finished meanwhile, or one that overwrote it. `after` says when: while
 * it was read (a synchronous read), or after the request named it (the job's read, after the 202).
 */
export function changedRefusal(error: UploadChangedError, after: 'read' | 'accepted'): TapeRefusal {
  const { blobName, change } = error;
  const when =
    after === 'read' ? 'while it was being read' : 'after the request named it (while it waited or was being read)';
  const again = after === 'read' ? 'send the request again' : 'send the request again with a new Idempotency-Key';
  const message =
    change === 'replaced'
      ? `the blob '${blobName}' was replaced ${when} (another upload to that name finished meanwhile), so nothing was ${after === 'read' ? 'started' : 'analysed'}: upload each tape under a new name, or wait until its upload has finished, then ${again}`
      : `the blob '${blobName}' was deleted ${when}, so nothing was ${after === 'read' ? 'started' : 'analysed'}: upload the tape again (under a new name if it is being replaced), then ${again}`;
  return { ...onBlob(message), changed: error };
}

/**
 * Opens the tape `reference` names (its version `etag` only, when given) and checks what its properties and first
 * bytes decide: it exists, it is not empty, its kind is one we read.
 * Throws UploadChangedError when `etag` is no longer the blob's version, and what the uploads' store throws.
 */
export async function openUploadedTape(
  uploads: UploadSource,
  reference: { blobName: string; etag?: string | undefined },
): Promise<{ ok: true; value: OpenedTape } | TapeRefusal> {
  const { blobName } = reference;
  const upload = await uploads.open(blobName, reference.etag);
  if (upload === undefined)
    return onBlob(
      `no blob '${blobName}' in the uploads container '${uploads.containerName}': upload the tape there first (README "Large portfolios"), then send its name`,
    );
  if (upload.size === 0)
    return onBlob(
      `the blob '${blobName}' is empty (0 bytes): wait until its upload has finished, or upload the tape again`,
    );
  const format = bodyFormat(upload.contentType ?? null, upload.head);
  if (!format.ok) return onBlob(`the blob '${blobName}': ${format.message}`);
  return { ok: true, value: { upload, format: format.value } };
}

/**
 * Reads an opened tape in a stream, handing each accepted property to `sink`. A tape replaced or
 * deleted mid-read is refused with `changedRefusal(error, after)`; other errors (storage, the sink's) are thrown.
 */
export async function readUploadedTape(
  { upload, format }: OpenedTape,
  reading: Omit<TapeReference, 'blobName' | 'etag'> & { asOf: Date },
  settings: Settings,
  sink: PropertySink,
  after: 'read' | 'accepted',
): Promise<TapeRead> {
  const options: TapeOptions = {
    asOf: reading.asOf,
    invalidRows: reading.invalidRows,
    maxRows: settings.tapes.maxRows,
    unknownColumns: reading.unknownColumns,
    columnMap: reading.columnMap,
  };
  try {
    if (format.kind !== 'xlsx') {
      const tape = { kind: format.kind, head: upload.head, charset: format.charset, bytes: upload.bytes };
      return await readTapeStream(tape, options, sink);
    }
    return await readXlsxTape(upload.bytes, { ...options, sheet: reading.sheet }, sink);
  } catch (error) {
    if (error instanceof UploadChangedError) return changedRefusal(error, after);
    throw error;
  }
}

/**
 * The job's read of the tape its request named (readTape's port): the version the request was accepted with only
 * (a tape replaced or deleted since is refused with changedRefusal, never read), checked and read as `asOf` the job's
 * submission, into `sink`. Throws what the uploads' store and the sink throw.
 */
export async function readReferencedTape(
  uploads: UploadSource,
  { job, tape }: ReadTapeInput,
  settings: Settings,
  sink: PropertySink,
): Promise<TapeRead> {
  let opened;
  try {
    opened = await openUploadedTape(uploads, tape);
  } catch (error) {
    if (error instanceof UploadChangedError) return changedRefusal(error, 'accepted');
    throw error;
  }
  if (!opened.ok) return opened;
  return readUploadedTape(opened.value, { ...tape, asOf: new Date(job.asOf) }, settings, sink, 'accepted');
}
