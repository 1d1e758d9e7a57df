// Typical price levels by state and property type. They make the simulated AVM and the sample
// portfolios realistic (a Mississippi condo is not priced like a San Francisco one); no analytics
// rule depends on them.
import type { PropertyType, UsState } from './schemas.ts';

/** Typical single-family home value by state, in dollars (rounded, mid-2020s levels). */
export const TYPICAL_SFR_VALUE: Record<UsState, number> = {
  AL: 225_000,
  AK: 350_000,
  AZ: 420_000,
  AR: 200_000,
  CA: 760_000,
  CO: 540_000,
  CT: 380_000,
  DE: 370_000,
  DC: 600_000,
  FL: 390_000,
  GA: 320_000,
  HI: 840_000,
  ID: 450_000,
  IL: 270_000,
  IN: 235_000,
  IA: 220_000,
  KS: 225_000,
  KY: 200_000,
  LA: 195_000,
  ME: 380_000,
  MD: 420_000,
  MA: 620_000,
  MI: 240_000,
  MN: 330_000,
  MS: 180_000,
  MO: 245_000,
  MT: 460_000,
  NE: 260_000,
  NV: 430_000,
  NH: 470_000,
  NJ: 520_000,
  NM: 300_000,
  NY: 470_000,
  NC: 330_000,
  ND: 260_000,
  OH: 220_000,
  OK: 200_000,
  OR: 490_000,
  PA: 260_000,
  RI: 460_000,
  SC: 290_000,
  SD: 300_000,
  TN: 310_000,
  TX: 300_000,
  UT: 520_000,
  VT: 380_000,
  VA: 390_000,
  WA: 590_000,
  WV: 160_000,
  WI: 290_000,
  WY: 340_000,
  PR: 150_000,
  VI: 350_000,
  GU: 400_000,
  AS: 150_000,
  MP: 200_000,
};

/** Value of a property type relative to the state's typical single-family home. */
export const TYPE_MULTIPLIER: Record<PropertyType, number> = {
  SFR: 1,
  CONDO: 0.75,
  TOWNHOUSE: 0.85,
  PUD: 1.05,
  COOP: 0.7,
  MANUFACTURED: 0.4,
  MULTI_2_4: 1.35,
  MULTIFAMILY: 6,
  COMMERCIAL: 5,
  LAND: 0.35,
};

/** Typical living area by property type, in square feet; scales values of properties that state theirs. */
export const TYPICAL_LIVING_AREA_SQFT: Record<PropertyType, number> = {
  SFR: 1_900,
  CONDO: 1_100,
  TOWNHOUSE: 1_500,
  PUD: 2_100,
  COOP: 1_000,
  MANUFACTURED: 1_400,
  MULTI_2_4: 3_200,
  MULTIFAMILY: 24_000,
  COMMERCIAL: 15_000,
  LAND: 1,
};

/** 32-bit FNV-1a hash of a string: fast, stable across runs and platforms. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A number in [0, 1) derived from `key`; the same key always gives the same number. */
export function unitHash(key: string): number {
  return fnv1a(key) / 2 ** 32;
}

export interface MarketIdentity {
  propertyId: string;
  address: string;
  unit?: string | undefined;
  zip: string;
  state: UsState;
  propertyType: PropertyType;
  livingAreaSqft?: number | undefined;
}

/**
 * The simulated "true" market value of a property: the state's typical value for its type, scaled by
 * living area (square root, so a house twice the size is not worth twice as much) and by a
 * deterministic factor from its identity between 0.55x and 1.8x (log-uniform).
 * The in-process AVM simulator and the sample generator share it, so planted anomalies (inflated
 * appraisals, underwater loans) are anomalies against the values the simulated AVM will return.
 */
export function referenceMarketValue(identity: MarketIdentity): number {
  const base = TYPICAL_SFR_VALUE[identity.state] * TYPE_MULTIPLIER[identity.propertyType];
  const area =
    identity.livingAreaSqft && identity.propertyType !== 'LAND'
      ? Math.sqrt(identity.livingAreaSqft / TYPICAL_LIVING_AREA_SQFT[identity.propertyType])
      : 1;
  // The unit joins the key only when there is one, so unit-less properties keep the values they always had.
  const unit = identity.unit === undefined ? '' : `|${identity.unit}`;
  const spread = Math.exp(
    Math.log(0.55) +
      unitHash(`${identity.propertyId}|${identity.address}${unit}|${identity.zip}`) * Math.log(1.8 / 0.55),
  );
  return Math.round((base * Math.min(Math.max(area, 0.5), 3) * spread) / 100) * 100;
}
