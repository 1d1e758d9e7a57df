import { describe, expect, it } from 'vitest';
import {
  identityHasUnit,
  normalizeAddress,
  propertyIdentity,
  sharedIdentities,
  valuationKey,
} from '../../../src/domain/identity.ts';

describe('normalizeAddress', () => {
  it.each([
    ['  123  Main Street, Apt. #4 ', '123 MAIN ST #4'],
    ['123 main st apartment 4', '123 MAIN ST #4'],
    ['123 Main St Unit 4', '123 MAIN ST #4'],
    ['123 Main St #4', '123 MAIN ST #4'],
    ['123 Main St Suite 4', '123 MAIN ST #4'],
    ['123 Main St, Apt #4', '123 MAIN ST #4'],
    ['12 Elm St Unit 4-B', '12 ELM ST #4B'],
    ['9 North Oak Avenue', '9 N OAK AVE'],
    ['9 N. Oak Ave.', '9 N OAK AVE'],
    ['1 Café Boulevard', '1 CAFE BLVD'],
    ['1234 Calle Peñasco', '1234 CALLE PENASCO'],
    ['12 Elm St Apt', '12 ELM ST'],
  ])('%j -> %j', (address, normalised) => {
    expect(normalizeAddress(address)).toBe(normalised);
  });
});

describe('propertyIdentity', () => {
  it('is the ZIP5, the street address and the unit, however each is written', () => {
    const a = propertyIdentity({ address: '500 Elm Road', zip: '78701-1234' });
    expect(a).toBe('78701|500 ELM RD');
    expect(propertyIdentity({ address: '500 ELM RD.', zip: '78701' })).toBe(a);
    expect(propertyIdentity({ address: '100 Harbor Dr', unit: '101', zip: '92101' })).toBe('92101|100 HARBOR DR #101');
    expect(propertyIdentity({ address: '100 Harbor Dr Unit 101', zip: '92101' })).toBe('92101|100 HARBOR DR #101');
    expect(propertyIdentity({ address: '100 Harbor Dr', unit: 'Apt 101', zip: '92101' })).toBe(
      '92101|100 HARBOR DR #101',
    );
    expect(propertyIdentity({ address: '100 Harbor Dr', unit: '102', zip: '92101' })).not.toBe(
      propertyIdentity({ address: '100 Harbor Dr', unit: '101', zip: '92101' }),
    );
  });

  it('knows whether it names a unit', () => {
    expect(identityHasUnit('92101|100 HARBOR DR #101')).toBe(true);
    expect(identityHasUnit('92101|100 HARBOR DR')).toBe(false);
  });
});

describe('valuationKey: two distinct properties never share a valuation', () => {
  const condo = (propertyId: string, unit?: string) => ({
    propertyId,
    address: '100 Harbor Dr',
    zip: '92101',
    propertyType: 'CONDO' as const,
    ...(unit !== undefined && { unit }),
  });

  it('keys a house by its identity alone, so a rerun or another portfolio reuses its value', () => {
    const house = { propertyId: 'P1', address: '12 Elm St', zip: '02134', propertyType: 'SFR' as const };
    expect(valuationKey(house, new Set())).toBe('02134|12 ELM ST');
    expect(valuationKey({ ...house, propertyId: 'OTHER' }, new Set())).toBe('02134|12 ELM ST');
  });

  it('keys condo units by their unit; without one, by their propertyId too', () => {
    expect(valuationKey(condo('C-101', '101'), new Set())).toBe('92101|100 HARBOR DR #101');
    const keys = ['C-101', 'C-102', 'C-103'].map((id) => valuationKey(condo(id), new Set()));
    expect(new Set(keys).size).toBe(3);
    expect(keys[0]).toBe('92101|100 HARBOR DR|id:C-101');
  });

  it('keys rows that share an identity in one list by their propertyId too', () => {
    const rows = [
      { propertyId: 'P-001', address: '12 Elm St', zip: '02134', propertyType: 'SFR' as const },
      { propertyId: 'p-001', address: '12 ELM STREET', zip: '02134', propertyType: 'SFR' as const },
      { propertyId: 'P-002', address: '14 Elm St', zip: '02134', propertyType: 'SFR' as const },
    ];
    const shared = sharedIdentities(rows);
    expect([...shared]).toStrictEqual(['02134|12 ELM ST']);
    expect(rows.map((r) => valuationKey(r, shared))).toStrictEqual([
      '02134|12 ELM ST|id:P-001',
      '02134|12 ELM ST|id:p-001',
      '02134|14 ELM ST',
    ]);
  });

  it('does not count one propertyId listed twice as shared', () => {
    const row = { propertyId: 'P1', address: '1 A St', zip: '02134' };
    expect(sharedIdentities([row, row]).size).toBe(0);
  });
});
