// One error type for every provider failure, classified so the retry policy and the cascade can
// decide what to do without parsing messages.
export const PROVIDER_ERROR_KINDS = [
  'rate_limited',
  'unavailable',
  'timeout',
  'bad_response',
  'rejected',
  'no_value',
] as const;
export type ProviderErrorKind = (typeof PROVIDER_ERROR_KINDS)[number];

/** Kinds worth trying again: the same request may well succeed a moment later. */
const RETRYABLE: ReadonlySet<ProviderErrorKind> = new Set(['rate_limited', 'unavailable', 'timeout']);

export interface ProviderErrorOptions {
  provider: string;
  /**
   * rate_limited: 429; unavailable: 5xx or network failure; timeout: no answer in time;
   * bad_response: the answer could not be read; rejected: other 4xx (bad key, bad request);
   * no_value: the provider has no value for this property (404).
   */
  kind: ProviderErrorKind;
  message: string;
  status?: number;
  /** How long the provider asked us to wait (Retry-After), in milliseconds. */
  retryAfterMs?: number;
  /** Not to be tried again by this call, whatever its kind: the caller cannot pay for another attempt. */
  final?: boolean;
  cause?: unknown;
}

export class ProviderError extends Error {
  override readonly name: string = 'ProviderError';
  readonly provider: string;
  readonly kind: ProviderErrorKind;
  readonly status?: number;
  readonly retryAfterMs?: number;
  /** True when this call must not be tried again (the kind may still be transient: a later pass may). */
  readonly final: boolean;

  constructor(options: ProviderErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.provider = options.provider;
    this.kind = options.kind;
    if (options.status !== undefined) this.status = options.status;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    this.final = options.final ?? false;
  }

  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }
}
