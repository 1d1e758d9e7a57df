// The fingerprint of an analysis request (IETF draft "The Idempotency-Key HTTP Header Field", §2.4): a
// digest of the request as validated, so that a key reused with another request can be told from a retry
// of the same one. It is taken after validation and normalisation: the same portfolio sent as JSON or as
// CSV, with fields in another order or defaults spelled out, has the same fingerprint.
import { createHash } from 'node:crypto';
import { compareStrings } from '../domain/order.ts';
import type { AnalysisType, PRIORITIES, Property } from '../domain/schemas.ts';
import type { PropertySink } from '../domain/property-sink.ts';
import type { TapeReference } from '../workflow.ts';

/** What a request asks for: every field that changes what is analysed, bought or reported. */
export interface FingerprintedRequest {
  portfolioId: string;
  analysisType: AnalysisType;
  priority: (typeof PRIORITIES)[number];
  /** Dollars. */
  budget?: number | undefined;
  allowPartial: boolean;
  properties: readonly Property[];
}

/**
 * `sha256:` and the hex digest of the request's canonical JSON (keys sorted, undefined left out), taken
 * while the properties stream past, one at a time, on their way to `next` (a 1,000,000-property request is
 * never one string): each property's canonical JSON, then the fields and the count. (Before streaming
 * intake the count came first: a key sent before that change and reused after it reads as another
 * request, 422, never as the same one.)
 */
export class FingerprintingSink implements PropertySink {
  readonly #hash = createHash('sha256');
  readonly #next: PropertySink;
  #count = 0;

  constructor(next: PropertySink) {
    this.#next = next;
  }

  add(property: Property): void | Promise<void> {
    this.#count++;
    this.#hash.update(canonicalJson(property));
    this.#hash.update('\n');
    return this.#next.add(property);
  }

  /** The digest, once every property went past. */
  digest(fields: Omit<FingerprintedRequest, 'properties'>): string {
    this.#hash.update(`${canonicalJson(fields)}\n${this.#count}`);
    return `sha256:${this.#hash.digest('hex')}`;
  }
}

/**
 * The fingerprint of a request naming an uploaded tape (`propertiesBlob`), taken when it is accepted, before the tape
 * is read: `sha256:` and the hex digest of the canonical JSON of its fields, the blob's name and how to read it (not
 * its content, read after the 202). Never equal to the fingerprint of properties sent in the body: the same tape
 * sent inline and by reference are two requests for the Idempotency-Key.
 */
export function referenceFingerprint(
  fields: Omit<FingerprintedRequest, 'properties'>,
  tape: Omit<TapeReference, 'etag'>,
): string {
  const { portfolioId, analysisType, priority, budget, allowPartial } = fields;
  const request = { portfolioId, analysisType, priority, budget, allowPartial };
  const { blobName, invalidRows, unknownColumns, sheet, columnMap } = tape;
  const reference = { propertiesBlob: blobName, invalidRows, unknownColumns, sheet, columnMap };
  return `sha256:${createHash('sha256')
    .update(`propertiesBlob\n${canonicalJson({ request, reference })}`)
    .digest('hex')}`;
}

/** JSON with object keys in code-point order and undefined members left out (RFC 8785's ordering). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const members = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => compareStrings(a, b))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value);
}
