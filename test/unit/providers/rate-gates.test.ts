// Which limiter and ceiling each provider's calls go through, seen by what the gates let through on a fake clock.
import { describe, expect, it } from 'vitest';
import { rateGates, type CallKind } from '../../../src/providers/provider-set.ts';
import { busiestSecond, drive, simulatedClock } from './vendor-simulation.ts';

const kind = (endpoints: Record<string, string>, ceiling: number | undefined): CallKind => ({
  endpoints: new Map(Object.entries(endpoints)),
  ceiling,
});

/** The take times of every gate of `kinds`, driven together for five seconds, by kind and provider. */
async function takesOf(kinds: CallKind[]): Promise<Array<Map<string, number[]>>> {
  const { fake, clock } = simulatedClock();
  const gates = rateGates(kinds, clock);
  const flat = gates.flatMap((byName) => [...byName.values()]);
  const times = await drive(flat, fake, { callers: 64, forMs: 5_000 });
  let i = 0;
  return gates.map((byName) => new Map([...byName.keys()].map((name) => [name, times[i++]!])));
}

const all = (takes: Array<Map<string, number[]>>) =>
  takes.flatMap((byName) => [...byName.values()].flat()).sort((a, b) => a - b);

describe('rateGates', () => {
  it('gives the kinds behind one origin one limit: the largest configured, not their sum', async () => {
    const takes = await takesOf([
      kind({ 'avm-primary': 'http://vendor', 'avm-secondary': 'http://vendor' }, 500),
      kind({ 'ai-review': 'http://vendor' }, 500),
    ]);
    const calls = all(takes);
    expect(busiestSecond(calls)).toBeLessThanOrEqual(500);
    expect(calls.length).toBeGreaterThanOrEqual(0.95 * 500 * 5);
  });

  it('gives each origin its own limiter', async () => {
    const takes = await takesOf([kind({ 'avm-primary': 'http://avm' }, 200), kind({ 'ai-review': 'http://ai' }, 100)]);
    const avm = takes[0]!.get('avm-primary')!;
    const review = takes[1]!.get('ai-review')!;
    expect(busiestSecond(avm)).toBeLessThanOrEqual(200);
    expect(busiestSecond(review)).toBeLessThanOrEqual(100);
    expect(avm.length).toBeGreaterThanOrEqual(0.95 * 200 * 5);
    expect(review.length).toBeGreaterThanOrEqual(0.95 * 100 * 5);
  });

  it('holds each kind to its own limit within the shared one', async () => {
    const takes = await takesOf([
      kind({ 'avm-primary': 'http://vendor' }, 300),
      kind({ 'ai-review': 'http://vendor' }, 100),
    ]);
    expect(busiestSecond(all(takes))).toBeLessThanOrEqual(300);
    expect(busiestSecond(takes[1]!.get('ai-review')!)).toBeLessThanOrEqual(100);
  });

  it('holds the providers of a kind to its limit together, whatever their endpoints', async () => {
    // Simulated providers each have an endpoint of their own; the kind's limit is for all of them.
    const takes = await takesOf([kind({ 'avm-primary': 'simulated:a', 'avm-secondary': 'simulated:b' }, 100)]);
    expect(busiestSecond(all(takes))).toBeLessThanOrEqual(100);
    expect(all(takes).length).toBeGreaterThanOrEqual(0.9 * 100 * 5);
  });

  it('starts an endpoint with an unconfigured kind at the configured one and lets it find the limit', async () => {
    const takes = await takesOf([
      kind({ 'avm-primary': 'http://vendor' }, 300),
      kind({ 'ai-review': 'http://vendor' }, undefined),
    ]);
    // No 429 came, so the shared limiter grew past 300; the AVMs stayed within theirs over the run (five
    // seconds and the first burst). Their bucket stands before the shared limiter's queue, which can bunch
    // them within a second: the endpoint's limit is the one a vendor counts, and the last a call passes.
    expect(takes[0]!.get('avm-primary')!.length).toBeLessThanOrEqual(300 * 5 + 30);
    expect(busiestSecond(all(takes))).toBeGreaterThan(300);
  });
});
