import { afterEach, describe, expect, it } from 'vitest';
import type { AvmQuote } from '../../../src/domain/results.ts';
import { CascadeError, valueByCascade } from '../../../src/providers/cascade.ts';
import { ProviderError } from '../../../src/providers/errors.ts';
import { createHttpAvm } from '../../../src/providers/http-avm.ts';
import { simulateAvmQuote } from '../../../src/providers/simulated-quotes.ts';
import type { AvmProvider } from '../../../src/providers/types.ts';
import { startSandbox } from '../../../sandbox/server.ts';
import type { Sandbox } from '../../../sandbox/server.ts';
import { subject } from './subjects.ts';

const MAX_FSD = 0.13;
const at = '2025-01-01T00:00:00.000Z';

/** A provider with a fixed FSD (or a fixed failure), recording whether it was asked. */
function fake(name: string, answer: number | ProviderError): AvmProvider & { asked: number } {
  const provider = {
    name,
    asked: 0,
    value: async (): Promise<AvmQuote> => {
      provider.asked++;
      if (answer instanceof ProviderError) throw answer;
      return { provider: name, estimatedValue: 300_000, fsd: answer, valuedAt: at };
    },
  };
  return provider;
}
const failure = (provider: string, kind: ProviderError['kind']) => new ProviderError({ provider, kind, message: kind });

/** The cascade over `providers`, buying every answer (what the chunk activity does on a cache miss). */
function cascadeOf(providers: readonly AvmProvider[], id: string, options: { maxFsd: number; signal?: AbortSignal }) {
  return valueByCascade(
    providers.map((p) => p.name),
    {
      ...options,
      obtain: async (name, signal) => ({
        quote: await providers.find((p) => p.name === name)!.value(subject(id), signal === undefined ? {} : { signal }),
      }),
    },
  );
}

describe('valueByCascade with in-process providers', () => {
  it('stops at the first acceptable quote', async () => {
    const primary = fake('primary', 0.08);
    const secondary = fake('secondary', 0.05);
    const outcome = await cascadeOf([primary, secondary], 'P-1', { maxFsd: MAX_FSD });
    expect(outcome.choice).toMatchObject({ quote: { provider: 'primary' }, withinMaxFsd: true });
    expect(outcome.attempts).toEqual([{ provider: 'primary', fsd: 0.08 }]);
    expect(secondary.asked).toBe(0);
  });

  it('keeps the most confident quote when none is within maxFsd', async () => {
    const outcome = await cascadeOf([fake('primary', 0.2), fake('secondary', 0.15)], 'P-1', { maxFsd: MAX_FSD });
    expect(outcome.choice).toMatchObject({ quote: { provider: 'secondary' }, withinMaxFsd: false });
    expect(outcome.attempts).toEqual([
      { provider: 'primary', fsd: 0.2 },
      { provider: 'secondary', fsd: 0.15 },
    ]);
  });

  it('throws a CascadeError only when nobody quoted, no_value when everyone said so', async () => {
    const noValue = cascadeOf([fake('a', failure('a', 'no_value')), fake('b', failure('b', 'no_value'))], 'P-1', {
      maxFsd: MAX_FSD,
    });
    await expect(noValue).rejects.toMatchObject({
      kind: 'no_value',
      attempts: [
        { provider: 'a', error: 'no_value' },
        { provider: 'b', error: 'no_value' },
      ],
    });
    const mixed = cascadeOf([fake('a', failure('a', 'no_value')), fake('b', failure('b', 'timeout'))], 'P-1', {
      maxFsd: MAX_FSD,
    });
    await expect(mixed).rejects.toBeInstanceOf(CascadeError);
    await expect(mixed).rejects.toMatchObject({ kind: 'unavailable' });
  });

  it("records who paid for each answer, and lets an error that is not the provider's through", async () => {
    const outcome = await valueByCascade(['cached', 'bought'], {
      maxFsd: MAX_FSD,
      obtain: async (name) =>
        name === 'cached'
          ? { quote: { provider: name, estimatedValue: 1, fsd: 0.3, valuedAt: at }, cached: true }
          : { quote: { provider: name, estimatedValue: 2, fsd: 0.1, valuedAt: at }, cents: 3 },
    });
    expect(outcome.attempts).toEqual([
      { provider: 'cached', fsd: 0.3, cached: true },
      { provider: 'bought', fsd: 0.1, cents: 3 },
    ]);
    const unrecorded = new Error('the purchase could not be stored');
    await expect(
      valueByCascade(['a', 'b'], {
        maxFsd: MAX_FSD,
        obtain: () => Promise.reject(unrecorded),
      }),
    ).rejects.toBe(unrecorded);
  });

  it('stops on cancellation instead of moving on', async () => {
    const controller = new AbortController();
    const reason = new Error('cancelled');
    const cancelling: AvmProvider = {
      name: 'cancelling',
      value: () => {
        controller.abort(reason);
        return Promise.reject(reason);
      },
    };
    const secondary = fake('secondary', 0.05);
    await expect(
      cascadeOf([cancelling, secondary], 'P-1', { maxFsd: MAX_FSD, signal: controller.signal }),
    ).rejects.toBe(reason);
    expect(secondary.asked).toBe(0);
  });
});

describe('valueByCascade over HTTP', () => {
  const open: Sandbox[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  /** A property the simulated primary is unsure about and the secondary is sure about. */
  function propertyPrimaryDoubts(): string {
    for (let i = 0; ; i++) {
      const id = `CASCADE-${i}`;
      if (
        simulateAvmQuote('avm-primary', subject(id), at).fsd > MAX_FSD &&
        simulateAvmQuote('avm-secondary', subject(id), at).fsd <= MAX_FSD
      )
        return id;
    }
  }

  it('falls through to the secondary when the primary is too uncertain', async () => {
    const sandbox = await startSandbox({ port: 0 });
    open.push(sandbox);
    const providers = ['avm-primary', 'avm-secondary'].map((name) =>
      createHttpAvm({ name, baseUrl: sandbox.url, timeoutInMs: 2_000 }),
    );
    const id = propertyPrimaryDoubts();
    const outcome = await cascadeOf(providers, id, { maxFsd: MAX_FSD });
    expect(outcome.choice).toMatchObject({ quote: { provider: 'avm-secondary' }, withinMaxFsd: true });
    expect(outcome.attempts.map((a) => a.provider)).toEqual(['avm-primary', 'avm-secondary']);
    expect(outcome.attempts[0]?.fsd).toBeGreaterThan(MAX_FSD);
    expect(sandbox.stats().calls).toBe(2);
  });

  it('falls through to the secondary when the primary fails', async () => {
    const down = await startSandbox({ port: 0, failureRate: 1 });
    const up = await startSandbox({ port: 0 });
    open.push(down, up);
    const providers = [
      createHttpAvm({ name: 'avm-primary', baseUrl: down.url, timeoutInMs: 2_000 }),
      createHttpAvm({ name: 'avm-secondary', baseUrl: up.url, timeoutInMs: 2_000 }),
    ];
    const outcome = await cascadeOf(providers, 'P-1', { maxFsd: 1 });
    expect(outcome.choice?.quote.provider).toBe('avm-secondary');
    expect(outcome.attempts[0]).toEqual({ provider: 'avm-primary', error: 'unavailable' });
  });
});
