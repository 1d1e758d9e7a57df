// Bytes to text (iconv-lite does the decoding): UTF-8 with or without a byte-order mark, UTF-16 with one,
// a charset the request declares, and Windows-1252 for bytes that are not valid UTF-8 (what Excel's
// "CSV (Comma delimited)" writes on Windows: `ñ` is the single byte 0xF1). The text comes out in chunks,
// so a reader can parse a tape without holding it twice.
import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import type { IntakeError } from '../domain/data-quality.ts';

export interface TextEncoding {
  /** iconv-lite's name of the encoding: `utf-8`, `utf-16le`, `utf-16be`, `windows-1252`, ... */
  encoding: string;
  /** True when the bytes were not valid UTF-8 and were read as Windows-1252. */
  fallback: boolean;
}

/** Charsets declared by clients, by their common spellings; any other name iconv-lite knows is used as is. */
const DECLARED: Readonly<Record<string, string>> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  'us-ascii': 'utf-8',
  ascii: 'utf-8',
  // As browsers do (WHATWG Encoding): Latin-1 labels mean Windows-1252, its superset.
  'iso-8859-1': 'windows-1252',
  latin1: 'windows-1252',
  'windows-1252': 'windows-1252',
  cp1252: 'windows-1252',
};

const startsWith = (bytes: Uint8Array, prefix: readonly number[]) => prefix.every((b, i) => bytes[i] === b);

/** The encoding to read a text in, or why it cannot be read. */
type DetectedEncoding = { ok: true; value: TextEncoding } | { ok: false; error: IntakeError };

/**
 * What the first bytes and a declared charset decide: a byte-order mark, else a declared charset; bytes
 * with NULs and no BOM (UTF-16 without a mark) are refused, guessing their byte order would be a guess.
 * Undefined when the text must be read through: UTF-8 if all of it is valid UTF-8 (byValidity).
 */
function encodingOfHead(bytes: Uint8Array, declaredCharset: string | undefined): DetectedEncoding | undefined {
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) return { ok: true, value: { encoding: 'utf-8', fallback: false } };
  if (startsWith(bytes, [0xff, 0xfe])) return { ok: true, value: { encoding: 'utf-16le', fallback: false } };
  if (startsWith(bytes, [0xfe, 0xff])) return { ok: true, value: { encoding: 'utf-16be', fallback: false } };
  const declared = declaredCharset?.trim().toLowerCase();
  if (declared !== undefined && declared !== '' && !(declared in DECLARED) && !declared.startsWith('utf-16')) {
    if (iconv.encodingExists(declared)) return { ok: true, value: { encoding: declared, fallback: false } };
    return {
      ok: false,
      error: {
        path: '',
        code: 'UNSUPPORTED_CHARSET',
        message: `charset=${declaredCharset} is not an encoding this service reads: send UTF-8 (or declare the file's real charset)`,
        fix: 'send UTF-8',
      },
    };
  }
  if (bytes.subarray(0, 4096).includes(0))
    return {
      ok: false,
      error: {
        path: '',
        code: 'UTF16_WITHOUT_BOM',
        message:
          'the body has NUL bytes: it looks like UTF-16 without a byte-order mark; save the file as UTF-8 (or as UTF-16 with a byte-order mark)',
        fix: 'save the file as UTF-8',
      },
    };
  if (declared === 'windows-1252' || declared === 'iso-8859-1' || declared === 'latin1' || declared === 'cp1252')
    return { ok: true, value: { encoding: 'windows-1252', fallback: false } };
  return undefined;
}

/** UTF-8 for bytes that are all valid UTF-8, else Windows-1252 (Excel's "CSV (Comma delimited)"). */
const byValidity = (utf8: boolean): DetectedEncoding => ({
  ok: true,
  value: utf8 ? { encoding: 'utf-8', fallback: false } : { encoding: 'windows-1252', fallback: true },
});

/**
 * The encoding to read `bytes` in. A byte-order mark decides; else a declared charset; else UTF-8 when the
 * bytes are valid UTF-8, else Windows-1252. Bytes with NULs and no BOM are refused (encodingOfHead).
 */
export function detectEncoding(bytes: Uint8Array, declaredCharset?: string): DetectedEncoding {
  return encodingOfHead(bytes, declaredCharset) ?? byValidity(isUtf8(bytes));
}

/**
 * detectEncoding for a stream: its `head` decides as a body's first bytes do; only when that leaves it open
 * is `source` read through once to tell UTF-8 from Windows-1252.
 */
export async function detectStreamEncoding(
  head: Uint8Array,
  declaredCharset: string | undefined,
  source: ByteSource,
): Promise<DetectedEncoding> {
  return encodingOfHead(head, declaredCharset) ?? byValidity(await isUtf8Stream(source));
}

/** `bytes` decoded in `encoding`, a byte-order mark dropped, in chunks of about `chunkBytes` bytes. */
export function* decodeChunks(bytes: Uint8Array, encoding: string, chunkBytes = 1 << 16): Generator<string> {
  const decoder = iconv.getDecoder(encoding, { stripBOM: true });
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let start = 0; start < buffer.length; start += chunkBytes) {
    const text = decoder.write(buffer.subarray(start, start + chunkBytes));
    if (text !== '') yield text;
  }
  const rest = decoder.end();
  if (rest !== undefined && rest !== '') yield rest;
}

/** The whole text at once, a byte-order mark dropped, for bodies that are parsed whole (JSON). */
export function decodeText(bytes: Uint8Array, encoding: string): string {
  return iconv.decode(bytes, encoding, { stripBOM: true });
}

/** Bytes read anew on each call: a blob's content, downloaded as a stream. */
export type ByteSource = () => AsyncIterable<Uint8Array>;

/** Whether every byte of `source` is UTF-8 (read through once, nothing kept). */
async function isUtf8Stream(source: ByteSource): Promise<boolean> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const bytes of source()) decoder.decode(bytes, { stream: true });
    decoder.decode();
    return true;
  } catch (error) {
    if (error instanceof TypeError) return false;
    throw error;
  }
}

/** `source` decoded in `encoding` as it arrives, a byte-order mark dropped. */
export async function* decodeStream(source: ByteSource, encoding: string): AsyncGenerator<string> {
  const decoder = iconv.getDecoder(encoding, { stripBOM: true });
  for await (const bytes of source()) {
    const text = decoder.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    if (text !== '') yield text;
  }
  const rest = decoder.end();
  if (rest !== undefined && rest !== '') yield rest;
}
