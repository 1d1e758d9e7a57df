// Which reader a request body goes to. A declared JSON, CSV or Excel type is taken at its word; the
// generic types browsers and tools attach to files (text/plain, application/vnd.ms-excel for a .csv on
// Windows with Excel, application/octet-stream, none at all) are recognised by content. Any other type
// is refused with 415 naming the types read.

export type BodyKind = 'json' | 'csv' | 'xlsx';

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The types read, as the 415 answer and the OpenAPI document list them. */
export const ACCEPTED_CONTENT_TYPES = [
  'application/json',
  'text/csv',
  'text/tab-separated-values',
  XLSX_CONTENT_TYPE,
  'text/plain',
  'application/vnd.ms-excel',
  'application/octet-stream',
] as const;

const DECLARED: Readonly<Record<string, BodyKind>> = {
  'application/json': 'json',
  'text/json': 'json',
  'text/csv': 'csv',
  'application/csv': 'csv',
  'text/x-csv': 'csv',
  'application/x-csv': 'csv',
  'text/tab-separated-values': 'csv',
  [XLSX_CONTENT_TYPE]: 'xlsx',
};

/** Generic types whose body is recognised by content (form-urlencoded: what `curl -d` sends by default). */
const SNIFFED: ReadonlySet<string> = new Set([
  'text/plain',
  'application/vnd.ms-excel',
  'application/octet-stream',
  'application/x-www-form-urlencoded',
  '',
]);

export interface BodyFormat {
  kind: BodyKind;
  /** The declared `charset` parameter, if any. */
  charset?: string | undefined;
}

/** `text/csv; charset=windows-1252` -> media type `text/csv`, charset `windows-1252`. */
function parseContentType(header: string | null): { mediaType: string; charset?: string } {
  const [type = '', ...parameters] = (header ?? '').split(';');
  const charset = parameters
    .map((p) => /^\s*charset\s*=\s*"?([^";]+)"?\s*$/i.exec(p)?.[1])
    .find((c) => c !== undefined);
  return { mediaType: type.trim().toLowerCase(), ...(charset !== undefined && { charset }) };
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0];
/** A byte of a byte-order mark, a UTF-16 NUL or white space: what comes before the first character. */
const isBlankByte = (byte: number) => [0xef, 0xbb, 0xbf, 0xff, 0xfe, 0x00, 0x20, 0x09, 0x0a, 0x0d].includes(byte);
const startsWith = (bytes: Uint8Array, magic: readonly number[]) => magic.every((b, i) => bytes[i] === b);

/** What the bytes are: a zip container (XLSX), an old binary workbook, JSON, or text (CSV). */
export function sniff(bytes: Uint8Array): BodyKind | 'xls' {
  if (startsWith(bytes, ZIP_MAGIC)) return 'xlsx';
  if (startsWith(bytes, OLE_MAGIC)) return 'xls';
  // The first character that is not a byte-order mark or white space (UTF-16 has NULs between).
  for (const byte of bytes.subarray(0, 1024)) {
    if (isBlankByte(byte)) continue;
    return byte === 0x7b || byte === 0x5b ? 'json' : 'csv';
  }
  return 'csv';
}

/**
 * The reader for a body with this Content-Type, or why none: 415 for a type that is not read (and for a
 * legacy binary .xls, which no reader here opens).
 */
export function bodyFormat(
  contentType: string | null,
  bytes: Uint8Array,
): { ok: true; value: BodyFormat } | { ok: false; status: 415; message: string } {
  const { mediaType, charset } = parseContentType(contentType);
  const declared = DECLARED[mediaType];
  const content = declared === undefined && !SNIFFED.has(mediaType) ? undefined : sniff(bytes);
  // A workbook is a workbook whatever the header says; otherwise a declared type is taken at its word.
  const kind = content === 'xlsx' || content === 'xls' ? content : (declared ?? content);
  const accepted = `send one of: ${ACCEPTED_CONTENT_TYPES.join(', ')} (the last three are read by content)`;
  if (kind === undefined)
    return { ok: false, status: 415, message: `Content-Type '${mediaType}' is not read: ${accepted}.` };
  if (kind === 'xls')
    return {
      ok: false,
      status: 415,
      message: `The body is a legacy Excel 97-2003 workbook (.xls), which is not read: save it as .xlsx or CSV; ${accepted}.`,
    };
  return { ok: true, value: { kind, ...(charset !== undefined && { charset }) } };
}

/** The types a JSON-only request body (a stress request) is read from: JSON, or a generic type holding JSON. */
export const JSON_BODY_TYPES = ['application/json', 'text/plain', 'application/octet-stream'] as const;

/**
 * Whether a body for a JSON-only endpoint is read: a declared JSON type, or a generic type (text/plain,
 * application/octet-stream, form-urlencoded as `curl -d` sends, none) whose bytes are JSON or empty. Any
 * other type (a CSV, a workbook) is a 415 naming what is read.
 */
export function jsonBodyFormat(
  contentType: string | null,
  bytes: Uint8Array,
): { ok: true } | { ok: false; status: 415; message: string } {
  const { mediaType } = parseContentType(contentType);
  const accepted = `send JSON as ${JSON_BODY_TYPES.join(', ')} (the last two are read by content)`;
  if (DECLARED[mediaType] === 'json') return { ok: true };
  if (!SNIFFED.has(mediaType))
    return { ok: false, status: 415, message: `Content-Type '${mediaType}' is not read here: ${accepted}.` };
  if (bytes.every(isBlankByte) || sniff(bytes) === 'json') return { ok: true };
  return { ok: false, status: 415, message: `The body is not JSON: ${accepted}.` };
}
