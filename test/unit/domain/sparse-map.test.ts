import { describe, expect, it } from 'vitest';
import { addKeyedInto, canonicalOrder, own } from '../../../src/domain/sparse-map.ts';

describe('own', () => {
  it('finds own entries only, never members of Object.prototype', () => {
    const record: Record<string, number> = { a: 1 };
    expect(own(record, 'a')).toBe(1);
    expect(own(record, 'constructor')).toBeUndefined();
    expect(own(record, 'toString')).toBeUndefined();
  });
});

describe('addKeyedInto', () => {
  it('adds shared keys, copies new ones through add(zero, value), and leaves the source alone', () => {
    type Pair = [number, number];
    const target: Record<string, Pair> = { a: [1, 10] };
    const source: Record<string, Pair> = { a: [2, 20] };
    source['constructor'] = [3, 30];
    addKeyedInto<Pair>(target, source, [0, 0], (x, y) => [x[0] + y[0], x[1] + y[1]]);
    expect(Object.entries(target)).toEqual([
      ['a', [3, 30]],
      ['constructor', [3, 30]],
    ]);
    expect(own(target, 'constructor')).not.toBe(own(source, 'constructor'));
  });
});

describe('canonicalOrder', () => {
  it('orders named keys sorted after array-index keys, so key order depends on the keys alone', () => {
    const one = canonicalOrder({ 'TX|Travis': 1, '78701': 2, '02134': 3, '10001': 4, 'CA|Kern': 5 });
    const other = canonicalOrder({ '10001': 4, 'CA|Kern': 5, '02134': 3, 'TX|Travis': 1, '78701': 2 });
    expect(Object.keys(one)).toEqual(['10001', '78701', '02134', 'CA|Kern', 'TX|Travis']);
    expect(JSON.stringify(other)).toBe(JSON.stringify(one));
  });
});
