// analyzeChunk with in-memory ports and fake vendors (chunk-world.ts): the money rules of its file comment.
// Prices (cents): avm-primary 2, avm-secondary 3, AI review 5, risk 1; every screened property is reviewed. In
// the usual chunk P1 is valued by avm-primary (FSD 0.08), P2 by avm-secondary after avm-primary's FSD 0.20
// (over the 0.13 limit), P3 by avm-secondary after avm-primary is unavailable, so comprehensively P1 costs
// 2 + 5 + 1 = 8, P2 2 + 3 + 5 + 1 = 11, P3 3 + 5 + 1 = 9: 28 cents; a valuation alone costs 2, 5 and 3: 10.
// Every expected figure below is computed by hand from these.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeChunk, PurchaseNotRecordedError } from '../../../src/activities/analyze-chunk.ts';
import { valuationKey } from '../../../src/domain/identity.ts';
import type { AnalysisType } from '../../../src/domain/schemas.ts';
import type { ChunkMarker } from '../../../src/storage/chunk-markers-repository.ts';
import { ChunkWorld, chunkInput, JOB, property, REVIEWER } from './chunk-world.ts';

const KEY = chunkInput().reservationKey;
const AT = '2026-11-02T08:00:00.000Z';

/** The usual chunk 0 of P1, P2, P3 and its vendors' answers (see the file comment). */
function usualWorld(): ChunkWorld {
  const w = new ChunkWorld();
  w.chunks.set(0, [property(1), property(2), property(3)]);
  w.vendor.set('avm-primary P2', { fsd: 0.2 });
  w.vendor.set('avm-secondary P2', { fsd: 0.09 });
  w.vendor.set('avm-primary P3', 'unavailable');
  w.vendor.set('avm-secondary P3', { fsd: 0.1 });
  return w;
}

/** Chunk `n`'s marker as an attempt that died with calls in flight left it. */
function crashedMarker(n: number, key = KEY): ChunkMarker {
  return { id: `chunk-${n}`, jobId: JOB, chunkIndex: n, attempts: 1, inFlight: key, startedAt: AT };
}

const delta = (
  fields: Partial<Record<'processed' | 'failed' | 'transient' | 'cached', number>> & { cents: number },
) => ({
  processed: 0,
  failed: 0,
  transient: 0,
  cached: 0,
  unconfirmedCents: 0,
  ...fields,
});

describe('analyzeChunk: buying and recording', () => {
  it('records each answer the moment it arrives, before the results, and bills what the vendors answered', async () => {
    const w = usualWorld();
    const output = await analyzeChunk(chunkInput(), w.ports());

    expect(w.log).toEqual([
      'begin 0',
      ...['call avm-primary P1', 'answer avm-primary P1', 'record avm-primary P1'],
      ...['call review P1', 'answer review P1', 'record review P1'],
      ...['call avm-primary P2', 'answer avm-primary P2', 'record avm-primary P2'],
      ...['call avm-secondary P2', 'answer avm-secondary P2', 'record avm-secondary P2'],
      ...['call review P2', 'answer review P2', 'record review P2'],
      'call avm-primary P3', // unavailable: nothing billed, nothing recorded
      ...['call avm-secondary P3', 'answer avm-secondary P3', 'record avm-secondary P3'],
      ...['call review P3', 'answer review P3', 'record review P3'],
      'save P1,P2,P3',
      'snapshot 0',
      'finish 0',
    ]);
    expect(output).toEqual({ chunkIndex: 0, delta: delta({ processed: 3, cents: 28 }), deferred: 0 });

    const p2 = w.results.get('P2')!;
    expect(p2.cost).toEqual({ valuation: 0.05, fraud: 0.05, risk: 0.01, total: 0.11 });
    expect(p2.valuation).toMatchObject({
      source: 'avm',
      provider: 'avm-secondary',
      cascade: [
        { provider: 'avm-primary', fsd: 0.2, cents: 2 },
        { provider: 'avm-secondary', fsd: 0.09, cents: 3 },
      ],
    });
    expect(p2.purchases?.map((p) => [p.kind, p.provider, p.cents])).toEqual([
      ['avm', 'avm-primary', 2],
      ['avm', 'avm-secondary', 3],
      ['review', REVIEWER, 5],
    ]);
    expect(w.results.get('P3')!.valuation?.cascade).toEqual([
      { provider: 'avm-primary', error: 'unavailable' },
      { provider: 'avm-secondary', fsd: 0.1, cents: 3 },
    ]);
    // The durable record of a purchase says who paid and what was billed.
    const p2Key = valuationKey(property(2), new Set());
    expect(w.quotes.get(`${p2Key}|avm-primary`)?.purchase).toEqual({ jobId: JOB, propertyId: 'P2', cents: 2, at: AT });
    expect(w.markers.get(0)).toEqual({
      id: 'chunk-0',
      jobId: JOB,
      chunkIndex: 0,
      attempts: 1,
      startedAt: AT,
      completed: expect.objectContaining({
        key: KEY,
        counts: { processed: 3, failed: 0, transient: 0, cached: 0, left: 0 },
        costCents: 28,
        deferred: 0,
      }) as unknown,
    });
    expect(w.snapshots.get(0)?.map((r) => r.id)).toEqual(['P1', 'P2', 'P3']);
  });

  it('a failure after the purchases fails the attempt with every answer recorded; the retry buys nothing', async () => {
    const w = usualWorld();
    w.failing.results = 1;
    await expect(analyzeChunk(chunkInput(), w.ports())).rejects.toThrow('results container unavailable');
    expect(w.log.slice(-2)).toEqual(['record review P3', 'release 0']);
    expect(w.quotes.size + w.reviews.size).toBe(7); // P1 1 + 1, P2 2 + 1, P3 1 + 1
    // Released: everything bought was recorded, so the next attempt owes no unconfirmed calls.
    expect(w.markers.get(0)?.inFlight).toBeUndefined();

    const calls = w.calls().length;
    const billed = w.billedCents();
    const output = await analyzeChunk(chunkInput(), w.ports());
    // Only avm-primary, unavailable for P3 last time (no answer, no bill), is asked again.
    expect(w.calls().slice(calls)).toEqual(['avm-primary P3']);
    expect(w.billedCents()).toBe(billed);
    expect(output).toEqual({ chunkIndex: 0, delta: delta({ processed: 3, cents: 28 }), deferred: 0 });
    // Bought by the failed attempt, still this job's purchase: billed to the property, not a free cache hit.
    expect(w.results.get('P1')).toMatchObject({ cachedValuation: false, cost: { total: 0.08 } });
  });

  it('a run of a reservation that finished answers what it answered and buys nothing', async () => {
    const w = usualWorld();
    const first = await analyzeChunk(chunkInput(), w.ports());
    const logged = w.log.length;
    expect(await analyzeChunk(chunkInput(), w.ports())).toEqual(first);
    expect(w.log.slice(logged)).toEqual(['begin 0']);
  });

  it('reuses an answer another job bought while it is fresh, for nothing; buys again one that expired', async () => {
    const w = new ChunkWorld();
    w.chunks.set(0, [property(1), property(2), property(3)]);
    const bought = { jobId: 'job-earlier', propertyId: 'P1', cents: 2, at: '2026-11-01T08:00:00.000Z' };
    const quote = {
      provider: 'avm-primary',
      estimatedValue: 310_000,
      fsd: 0.05,
      valuedAt: '2026-11-01T08:00:00.000Z',
    };
    const key = (n: number) => `${valuationKey(property(n), new Set())}|avm-primary`;
    w.quotes.set(key(1), { answer: quote, purchase: bought, fresh: true });
    w.quotes.set(key(2), { answer: quote, purchase: { ...bought, propertyId: 'P2' }, fresh: false });

    const output = await analyzeChunk(chunkInput({ analysisType: 'valuation' }), w.ports());
    expect(w.calls()).toEqual(['avm-primary P2', 'avm-primary P3']);
    expect(output.delta).toEqual(delta({ processed: 3, cached: 1, cents: 4 }));
    expect(w.results.get('P1')).toMatchObject({
      cachedValuation: true,
      cost: { total: 0 },
      valuation: { source: 'cache', estimatedValue: 310_000, cascade: [{ provider: 'avm-primary', cached: true }] },
    });
    expect(w.results.get('P1')).not.toHaveProperty('purchases');
  });

  it('a risk run buys nothing: a stored value of any age, else the last appraisal, else a failure saying why', async () => {
    const w = new ChunkWorld();
    const { lastAppraisedValue: _v, lastAppraisalDate: _d, ...unappraised } = property(3);
    w.chunks.set(0, [property(1), property(2), unappraised]);
    w.quotes.set(`${valuationKey(property(1), new Set())}|avm-secondary`, {
      answer: { provider: 'avm-secondary', estimatedValue: 250_000, fsd: 0.06, valuedAt: '2026-01-01T00:00:00.000Z' },
      fresh: false,
    });
    const output = await analyzeChunk(chunkInput({ analysisType: 'risk' }), w.ports());
    expect(w.calls()).toEqual([]);
    // The risk charge for the two properties scored; P1 is valued from the cache, P2 on its appraisal.
    expect(output.delta).toEqual(delta({ processed: 3, failed: 1, cached: 1, cents: 2 }));
    expect(w.results.get('P1')?.valuation).toMatchObject({ source: 'cache', estimatedValue: 250_000 });
    expect(w.results.get('P2')?.valuation).toMatchObject({ source: 'appraisal', estimatedValue: 300_000 });
    expect(w.results.get('P3')?.error).toMatchObject({ code: 'NO_VALUE_BASIS' });
  });
});

/** The usual chunk under a first reservation of `capCents`, one property at a time. */
async function firstReservation(capCents: number) {
  const w = usualWorld();
  const output = await analyzeChunk(chunkInput({ capCents }), w.ports());
  return { w, output, completed: w.markers.get(0)!.completed, results: w.results };
}

describe('analyzeChunk: after a crash', () => {
  it.each<[AnalysisType, number, number, number]>([
    // type, properties at once, cents billed, unconfirmed: min(concurrency, 3 to do) calls at the dearest price
    ['comprehensive', 2, 28, 2 * 5],
    ['comprehensive', 4, 28, 3 * 5],
    ['valuation', 4, 10, 3 * 3],
    ['risk', 4, 3, 0],
  ])(
    '%s, %i at once: counts at most one call per property in flight as unconfirmed, reuses what was recorded',
    async (analysisType, concurrency, cents, unconfirmedCents) => {
      const w = usualWorld();
      w.markers.set(0, crashedMarker(0));
      // The crashed attempt bought and recorded P1's avm-primary answer.
      w.quotes.set(`${valuationKey(property(1), new Set())}|avm-primary`, {
        answer: { provider: 'avm-primary', estimatedValue: 320_000, fsd: 0.08, valuedAt: AT },
        purchase: { jobId: JOB, propertyId: 'P1', cents: 2, at: '2026-11-02T07:59:00.000Z' },
        fresh: true,
      });
      const output = await analyzeChunk(chunkInput({ analysisType }), w.ports({ concurrency }));
      expect(w.calls()).not.toContain('avm-primary P1');
      expect(output.delta.cents).toBe(cents);
      expect(output.delta.unconfirmedCents).toBe(unconfirmedCents);
      expect(w.markers.get(0)).toMatchObject({ attempts: 2, completed: { costCents: cents } });
      expect(w.markers.get(0)?.inFlight).toBeUndefined();
    },
  );

  it('counts one call per property still to do when fewer remain than run at once', async () => {
    const { w } = await firstReservation(25); // P3 left for the next reservation
    w.markers.get(0)!.inFlight = `${JOB}:run:0:1`; // whose attempt died
    const output = await analyzeChunk(chunkInput({ reservationKey: `${JOB}:run:0:1` }), w.ports({ concurrency: 4 }));
    expect(output.delta).toEqual({ ...delta({ processed: 1, cents: 9 }), unconfirmedCents: 5 });
  });

  it('a purchase that could not be recorded fails the chunk and stops buying; the next attempt bounds the loss', async () => {
    const w = usualWorld();
    w.failing.records.add('avm-primary P2');
    const failed = analyzeChunk(chunkInput({ analysisType: 'valuation' }), w.ports());
    await expect(failed).rejects.toThrow(PurchaseNotRecordedError);
    await expect(failed).rejects.toThrow(
      'a paid avm-primary valuation of P2 could not be recorded: valuation cache unavailable',
    );
    expect(w.calls()).toEqual(['avm-primary P1', 'avm-primary P2']); // P3 never started
    expect(w.log).not.toContain('release 0'); // still in flight: the lost answer may have been billed
    expect(w.markers.get(0)?.inFlight).toBe(KEY);
    expect(w.results.size).toBe(0);

    w.failing.records.clear();
    const output = await analyzeChunk(chunkInput({ analysisType: 'valuation' }), w.ports());
    // One property at a time: one call in flight, at most avm-secondary's 3 cents.
    expect(output.delta).toEqual({ ...delta({ processed: 3, cents: 10 }), unconfirmedCents: 3 });
    // The vendors answered 12 cents: P2's first avm-primary answer (2) was lost, within the 3 counted.
    expect(w.billedCents()).toBe(12);
    expect(w.billedCents()).toBeLessThanOrEqual(output.delta.cents + output.delta.unconfirmedCents);
    expect(w.results.get('P1')?.purchases?.map((p) => p.at)).toEqual([AT]);
  });
});

describe('analyzeChunk: the cap', () => {
  it('starts a property only when its worst case fits beside what was spent; the rest waits for the next reservation', async () => {
    // P1 reserves 11 and costs 8; P2 fits (8 + 11 = 19) and costs 11; P3 would reach 19 + 11 = 30 > 25.
    const { w, output } = await firstReservation(25);
    expect(output).toEqual({ chunkIndex: 0, delta: delta({ processed: 2, cents: 19 }), deferred: 1 });
    expect(w.calls().filter((c) => c.endsWith('P3'))).toEqual([]);
    expect([...w.results.keys()]).toEqual(['P1', 'P2']);
    expect(w.markers.get(0)?.completed?.counts).toMatchObject({ processed: 2, left: 1 });

    const next = await analyzeChunk(chunkInput({ reservationKey: `${JOB}:run:0:1`, capCents: 11 }), w.ports());
    expect(next).toEqual({ chunkIndex: 0, delta: delta({ processed: 1, cents: 9 }), deferred: 0 });
    expect(w.markers.get(0)?.completed).toMatchObject({ costCents: 28, counts: { processed: 3, left: 0 } });
  });

  it('counts unconfirmed calls against the cap', async () => {
    // 30 covers the chunk one property at a time (8, then 8 + 11, then 19 + 11 = 30)...
    const fresh = usualWorld();
    expect((await analyzeChunk(chunkInput({ capCents: 30 }), fresh.ports())).deferred).toBe(0);
    // ...but not beside the 5 cents a crashed attempt may have spent: 5 + 8 + 11 + 11 = 35 > 30.
    const crashed = usualWorld();
    crashed.markers.set(0, crashedMarker(0));
    const output = await analyzeChunk(chunkInput({ capCents: 30 }), crashed.ports());
    expect(output).toEqual({
      chunkIndex: 0,
      delta: { ...delta({ processed: 2, cents: 19 }), unconfirmedCents: 5 },
      deferred: 1,
    });
  });

  it('never commits more than its cap, whatever the cap and the properties run at once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 4 }),
        async (capCents, concurrency) => {
          const w = usualWorld();
          const { delta: d, deferred } = await analyzeChunk(chunkInput({ capCents }), w.ports({ concurrency }));
          expect(d.cents).toBeLessThanOrEqual(capCents);
          expect(w.billedCents() + d.processed).toBe(d.cents); // vendors' answers plus 1 cent of risk each
          expect(d.processed + deferred).toBe(3);
          if (capCents < 11) expect(w.calls()).toEqual([]);
          if (capCents >= 33) expect(deferred).toBe(0);
          // A deferred property was never asked about.
          for (const id of ['P1', 'P2', 'P3'])
            if (!w.results.has(id)) expect(w.calls().filter((c) => c.endsWith(id))).toEqual([]);
        },
      ),
    );
  });
});

describe('analyzeChunk: calls that timed out', () => {
  /** P1's avm-primary answers after two attempts timed out; P2's times out for good, avm-secondary answers. */
  function timingOut(): ChunkWorld {
    const w = new ChunkWorld();
    w.chunks.set(0, [property(1), property(2), property(3)]);
    w.vendor.set('avm-primary P1', { fsd: 0.08, timeouts: 2 });
    w.vendor.set('avm-primary P2', 'timeout');
    w.vendor.set('avm-secondary P2', { fsd: 0.09 });
    return w;
  }

  it('counts each at its price as unconfirmed: the vendor may have answered and billed after we stopped waiting', async () => {
    const w = timingOut();
    const output = await analyzeChunk(chunkInput({ analysisType: 'valuation' }), w.ports());
    // Billed: P1 2, P2 3 (avm-secondary), P3 2. Timed out: avm-primary twice for P1, once for P2, 2 cents each.
    expect(output.delta).toEqual({ ...delta({ processed: 3, cents: 7 }), unconfirmedCents: 6 });
    expect(w.billedCents() + w.billedCents('timeout')).toBe(13);
    expect(w.markers.get(0)?.completed).toMatchObject({ delta: { unconfirmedCents: 6 }, unconfirmedCents: 6 });
  });

  it('counts them against the cap', async () => {
    // A valuation reserves 5 a property. P1: 5 held, 4 timed out, then it cost 2 (6 committed); P2: 6 + 5 = 11
    // fits in 12, then 2 timed out and it cost 3 (11 committed); P3 would reach 16. Without the timeouts P3
    // would have fitted: 2 + 3 + 5 = 10.
    const w = timingOut();
    const output = await analyzeChunk(chunkInput({ analysisType: 'valuation', capCents: 12 }), w.ports());
    expect(output).toEqual({
      chunkIndex: 0,
      delta: { ...delta({ processed: 2, cents: 5 }), unconfirmedCents: 6 },
      deferred: 1,
    });
  });
});

describe('analyzeChunk: a retry the cap cannot cover', () => {
  it('is not made: the call fails with its timeout and the cascade goes on, the bill within the cap', async () => {
    // A valuation reserves 5 (avm-primary 2 + avm-secondary 3). P1's avm-primary times out 4 times before it
    // would answer: the first timeout brings the chunk to 7 committed, over the cap of 5, so it is not retried;
    // avm-secondary answers (3). At most 2 + 3 = 5 billed. Retried, it would have been 4 x 2 + 2 = 10.
    const w = new ChunkWorld();
    w.chunks.set(0, [property(1)]);
    w.vendor.set('avm-primary P1', { fsd: 0.08, timeouts: 4 });
    w.vendor.set('avm-secondary P1', { fsd: 0.09 });
    const output = await analyzeChunk(chunkInput({ analysisType: 'valuation', capCents: 5 }), w.ports());
    expect(output.delta).toEqual({ ...delta({ processed: 1, cents: 3 }), unconfirmedCents: 2 });
    expect(w.billedCents() + w.billedCents('timeout')).toBe(5);
    expect(w.results.get('P1')).toMatchObject({ status: 'analyzed', cost: { valuation: 0.03 } });
  });
});

describe('analyzeChunk: stops and failures', () => {
  it('a stop stops buying: properties not started are left without a result', async () => {
    const w = usualWorld();
    w.stops = [undefined, 'cancelled'];
    const output = await analyzeChunk(chunkInput(), w.ports());
    expect(output).toEqual({
      chunkIndex: 0,
      delta: delta({ processed: 1, cents: 8 }),
      deferred: 0,
      stopped: 'cancelled',
    });
    expect(w.calls()).toEqual(['avm-primary P1', 'review P1']);
    expect([...w.results.keys()]).toEqual(['P1']);
    expect(w.markers.get(0)?.completed).toMatchObject({ stopped: 'cancelled', counts: { processed: 1, left: 2 } });
  });

  it('a stop seen before the first property buys nothing', async () => {
    const w = usualWorld();
    w.stops = ['terminated'];
    const output = await analyzeChunk(chunkInput(), w.ports({ concurrency: 3 }));
    expect(output).toEqual({ chunkIndex: 0, delta: delta({ cents: 0 }), deferred: 0, stopped: 'terminated' });
    expect(w.calls()).toEqual([]);
  });

  it("records one property's failure on that property and never fails the chunk; a failure keeps what it bought", async () => {
    const w = new ChunkWorld();
    w.chunks.set(0, [property(1), property(2), property(3), property(4)]);
    w.vendor.set('avm-primary P2', 'unavailable');
    w.vendor.set('avm-secondary P2', 'unavailable');
    w.vendor.set('avm-primary P3', 'no_value');
    w.vendor.set('avm-secondary P3', 'no_value');
    w.vendor.set('review P4', 'timeout');
    const output = await analyzeChunk(chunkInput(), w.ports({ concurrency: 2 }));
    // P1 8; P2 and P3 bought nothing; P4 keeps its avm-primary answer (2), and its review, which timed out, may
    // have been billed (5).
    expect(output.delta).toEqual({
      ...delta({ processed: 4, failed: 3, transient: 2, cents: 10 }),
      unconfirmedCents: 5,
    });
    expect(w.results.get('P1')?.status).toBe('analyzed');
    expect(w.results.get('P2')).toMatchObject({
      status: 'failed',
      error: { code: 'AVM_UNAVAILABLE', transient: true },
    });
    expect(w.results.get('P3')).toMatchObject({ status: 'failed', error: { code: 'NO_AVM_VALUE', transient: false } });
    expect(w.results.get('P4')).toMatchObject({
      status: 'failed',
      error: { code: 'PROVIDER_TIMEOUT', transient: true },
      cost: { valuation: 0.02, fraud: 0, risk: 0, total: 0.02 },
      purchases: [{ kind: 'avm', provider: 'avm-primary', cents: 2 }],
    });
  });
});

describe('analyzeChunk: retry passes and redrives', () => {
  it('redo only the properties their plan is for, reusing what those bought', async () => {
    const w = new ChunkWorld();
    w.chunks.set(2, [property(1), property(2), property(3)]);
    w.plans.set('retry-plan', [2]);
    w.plans.set('redrive-plan', [2]);
    w.vendor.set('review P2', 'timeout');
    w.vendor.set('avm-primary P3', 'no_value');
    w.vendor.set('avm-secondary P3', 'no_value');
    const first = await analyzeChunk(chunkInput({ entry: 2, reservationKey: 'run:2:0' }), w.ports());
    // P1 8; P2 failed (transient) keeping avm-primary (2), its review timed out (5 unconfirmed); P3 failed for
    // good, nothing bought.
    expect(first.delta).toEqual({
      ...delta({ processed: 3, failed: 2, transient: 1, cents: 10 }),
      unconfirmedCents: 5,
    });

    // The retry pass: the transient failure only, its value reused, its review bought (8 - 2 = 6 more).
    w.vendor.delete('review P2');
    let logged = w.log.length;
    const retry = await analyzeChunk(
      chunkInput({ plan: { mode: 'transient', id: 'retry-plan' }, entry: 0, reservationKey: 'run:retry-1:0:0' }),
      w.ports(),
    );
    expect(w.log.slice(logged)).toEqual([
      'begin 2',
      ...['call review P2', 'answer review P2', 'record review P2'],
      'save P2',
      'snapshot 2',
      'finish 2',
    ]);
    expect(retry).toEqual({ chunkIndex: 2, delta: delta({ failed: -1, transient: -1, cents: 6 }), deferred: 0 });
    // The timed-out review of the first run stays counted on the chunk (the report's cost.unconfirmed).
    expect(w.markers.get(2)?.completed?.unconfirmedCents).toBe(5);
    expect(w.results.get('P2')).toMatchObject({ status: 'analyzed', cost: { total: 0.08 } });
    expect(w.results.get('P2')?.purchases?.map((p) => [p.provider, p.cents])).toEqual([
      ['avm-primary', 2],
      [REVIEWER, 5],
    ]);

    // A redrive of failures: P3 now has a value (2 + 5 + 1 = 8); P1 and P2 are not touched.
    w.vendor.delete('avm-primary P3');
    logged = w.log.length;
    const redrive = await analyzeChunk(
      chunkInput({ plan: { mode: 'failed', id: 'redrive-plan' }, entry: 0, reservationKey: 'redrive-1:0:0' }),
      w.ports(),
    );
    expect(w.calls().slice(-2)).toEqual(['avm-primary P3', 'review P3']);
    expect(w.log.slice(logged)).toContain('save P3');
    expect(redrive).toEqual({ chunkIndex: 2, delta: delta({ failed: -1, cents: 8 }), deferred: 0 });
    expect(w.markers.get(2)?.completed).toMatchObject({
      costCents: 24,
      counts: { processed: 3, failed: 0 },
      unconfirmedCents: 5,
    });
    expect(w.snapshots.get(2)?.map((r) => r.id)).toEqual(['P1', 'P2', 'P3']);
  });
});
