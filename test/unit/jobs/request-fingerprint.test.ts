// The request fingerprint behind Idempotency-Key reuse: equal for the same request however its fields are
// ordered, different for any change of what is analysed, bought or reported.
import { describe, expect, it } from 'vitest';
import { DISCARD } from '../../../src/intake/sink.ts';
import { canonicalJson, FingerprintingSink, type FingerprintedRequest } from '../../../src/jobs/request-fingerprint.ts';

/** The fingerprint of a whole request, its properties streamed past as the analyze trigger's sink sees them. */
function requestFingerprint(request: FingerprintedRequest): string {
  const { properties, ...fields } = request;
  const fingerprint = new FingerprintingSink(DISCARD);
  for (const property of properties) void fingerprint.add(property);
  return fingerprint.digest(fields);
}
import type { Property } from '../../../src/domain/schemas.ts';

const property = (id: string, balance = 100_000): Property => ({
  propertyId: id,
  address: '1 Main St',
  state: 'TX',
  zip: '77013',
  propertyType: 'SFR',
  loan: { balance },
});

const base: FingerprintedRequest = {
  portfolioId: 'book',
  analysisType: 'valuation',
  priority: 'standard',
  allowPartial: false,
  properties: [property('P1'), property('P2')],
};

describe('requestFingerprint', () => {
  it('is the same for the same request with its keys in another order', () => {
    const reordered = {
      properties: base.properties.map((p) => Object.fromEntries(Object.entries(p).reverse()) as Property),
      allowPartial: false,
      priority: 'standard' as const,
      analysisType: 'valuation' as const,
      portfolioId: 'book',
    };
    expect(requestFingerprint(reordered)).toBe(requestFingerprint(base));
    expect(requestFingerprint(base)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it.each<[string, FingerprintedRequest]>([
    ['another portfolio', { ...base, portfolioId: 'book-2' }],
    ['another analysis type', { ...base, analysisType: 'risk' }],
    ['a budget', { ...base, budget: 10 }],
    ['allowPartial', { ...base, allowPartial: true }],
    ['another priority', { ...base, priority: 'high' }],
    ['a property more', { ...base, properties: [...base.properties, property('P3')] }],
    ['properties in another order', { ...base, properties: [...base.properties].reverse() }],
    ['a changed loan', { ...base, properties: [property('P1'), property('P2', 100_001)] }],
  ])('changes with %s', (_name, other) => {
    expect(requestFingerprint(other)).not.toBe(requestFingerprint(base));
  });

  it('cannot be fooled by moving a value across the property boundary', () => {
    const a = { ...base, properties: [property('P1'), property('P2')] };
    const b = { ...base, properties: [property('P1')] };
    expect(requestFingerprint(a)).not.toBe(requestFingerprint(b));
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level and leaves undefined members out', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: undefined }], c: null }, u: undefined })).toBe(
      '{"a":{"c":null,"d":[1,{"z":1}]},"b":1}',
    );
  });
});
