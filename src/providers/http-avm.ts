// An AVM reached over HTTP (a vendor gateway, or the sandbox in development and tests). One call is
// one attempt; retries and rate limiting belong to the caller (withProviderPolicy).
import { z } from 'zod';
import { avmQuoteSchema } from '../domain/results.ts';
import type { AvmQuote } from '../domain/results.ts';
import { ProviderError } from './errors.ts';
import { postJson, trimBaseUrl } from './http-request.ts';
import type { FetchFn } from './http-request.ts';
import type { AvmProvider, AvmSubject } from './types.ts';

export interface HttpAvmOptions {
  /** Provider name: goes in the URL path and on every quote. */
  name: string;
  baseUrl: string;
  apiKey?: string | undefined;
  timeoutInMs: number;
  /** Replaces global fetch (tests, proxies). */
  fetch?: FetchFn | undefined;
}

/** The provider's own word on who answered is ignored: the quote is attributed to the name we called. */
const answerSchema = avmQuoteSchema.omit({ provider: true });

const SUBJECT_FIELDS = [
  'propertyId',
  'address',
  'unit',
  'city',
  'state',
  'zip',
  'propertyType',
  'livingAreaSqft',
  'units',
  'yearBuilt',
] as const;

/**
 * Only the AVM fields, even when handed a whole Property (TypeScript allows that): loan balances and
 * appraisals are not the vendor's business.
 */
export function toAvmSubject(subject: AvmSubject): AvmSubject {
  const picked: Record<string, unknown> = {};
  for (const field of SUBJECT_FIELDS) if (subject[field] !== undefined) picked[field] = subject[field];
  return picked as AvmSubject;
}

export function createHttpAvm(options: HttpAvmOptions): AvmProvider {
  const { name, apiKey, timeoutInMs } = options;
  const url = `${trimBaseUrl(options.baseUrl)}/avm/${encodeURIComponent(name)}/valuations`;
  return {
    name,
    async value(subject, callOptions): Promise<AvmQuote> {
      const body = await postJson({
        provider: name,
        url,
        headers: apiKey === undefined ? {} : { 'x-api-key': apiKey },
        body: { property: toAvmSubject(subject) },
        timeoutInMs,
        signal: callOptions?.signal,
        fetch: options.fetch,
      });
      const parsed = answerSchema.safeParse(body);
      if (!parsed.success) {
        throw new ProviderError({
          provider: name,
          kind: 'bad_response',
          status: 200,
          message: `${name} answered an invalid quote: ${z.prettifyError(parsed.error)}`,
        });
      }
      return { provider: name, ...parsed.data };
    },
  };
}
