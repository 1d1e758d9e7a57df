// Test subjects for the provider tests.
import type { AvmSubject } from '../../../src/providers/types.ts';

export function subject(propertyId: string, overrides: Partial<AvmSubject> = {}): AvmSubject {
  return {
    propertyId,
    address: `${propertyId} Main St`,
    state: 'TX',
    zip: '78701',
    propertyType: 'SFR',
    livingAreaSqft: 1_800,
    ...overrides,
  };
}
