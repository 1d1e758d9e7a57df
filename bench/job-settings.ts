// The settings of a benchmark job, one definition for both sides of a ratio: the end-to-end run
// (bench/run-job.ts) and the same chunk work run directly (bench/direct-chunks.ts) take exactly these, so
// the engine-overhead ratio compares like with like (issue 16.5: the baseline once kept a 50/s client limit
// that the end-to-end run lifted, and printed 0.19x).

/** How a scenario sets the providers' client-side limits. */
export type ProviderLimits =
  /** No vendor limit to respect (a zero-latency sandbox without a window): ceilings far above any rate reached. */
  | 'unlimited'
  /** The vendor's published limit configured as every provider's ceiling (requests per second). */
  | { ceilingPerSecond: number }
  /** Nothing configured: the adaptive limiter of the endpoint finds what the vendor allows. */
  | 'adaptive';

/**
 * App settings (environment variables) of a benchmark job: the providers' client-side ceilings as `limits`
 * says, then `extra` (a scenario's own settings, e.g. MAX_CONCURRENT_CHUNKS) over them.
 */
export function benchJobEnv(limits: ProviderLimits, extra: Record<string, string> = {}): Record<string, string> {
  const ceiling =
    limits === 'unlimited' ? '100000' : limits === 'adaptive' ? undefined : String(limits.ceilingPerSecond);
  return {
    ...(ceiling !== undefined && { AVM_RATE_PER_SECOND: ceiling, FRAUD_REVIEW_RATE_PER_SECOND: ceiling }),
    ...extra,
  };
}

/** `--env KEY=VALUE` arguments for a child bench script (bench/run-job.ts, bench/direct-chunks.ts). */
export function envArguments(env: Record<string, string>): string[] {
  return Object.entries(env).flatMap(([key, value]) => ['--env', `${key}=${value}`]);
}

/** The `--env KEY=VALUE` options a child bench script was given, as an object. */
export function parseEnvArguments(pairs: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf('=');
      if (at <= 0) throw new Error(`--env ${pair}: expected KEY=VALUE`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}
