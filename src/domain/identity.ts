// The identity of a physical property (DESIGN §3): its normalised street address, unit and 5-digit ZIP.
// The valuation cache is keyed by it, so one house valued under two propertyIds is bought once; and since a
// cached value is replayed to whoever has the same key, the key must never join two distinct properties:
// a condominium unit without a unit number, or rows of one tape that share an identity under different
// propertyIds, are keyed by their propertyId as well (and the intake warns about them).
import { UNIT_TYPES, type Property } from './schemas.ts';

/** USPS street suffix and directional abbreviations (Publication 28), and secondary unit designators. */
const ABBREVIATIONS: Readonly<Record<string, string>> = {
  STREET: 'ST',
  STR: 'ST',
  AVENUE: 'AVE',
  AV: 'AVE',
  AVEN: 'AVE',
  AVN: 'AVE',
  ROAD: 'RD',
  DRIVE: 'DR',
  DRV: 'DR',
  BOULEVARD: 'BLVD',
  BOUL: 'BLVD',
  BLV: 'BLVD',
  LANE: 'LN',
  COURT: 'CT',
  CRT: 'CT',
  PLACE: 'PL',
  TERRACE: 'TER',
  TERR: 'TER',
  CIRCLE: 'CIR',
  CIRC: 'CIR',
  PARKWAY: 'PKWY',
  PKY: 'PKWY',
  HIGHWAY: 'HWY',
  HIWAY: 'HWY',
  SQUARE: 'SQ',
  TRAIL: 'TRL',
  EXPRESSWAY: 'EXPY',
  FREEWAY: 'FWY',
  TURNPIKE: 'TPKE',
  ALLEY: 'ALY',
  CROSSING: 'XING',
  HEIGHTS: 'HTS',
  POINT: 'PT',
  MOUNT: 'MT',
  MOUNTAIN: 'MTN',
  CENTER: 'CTR',
  CENTRE: 'CTR',
  COVE: 'CV',
  CREEK: 'CRK',
  ESTATES: 'ESTS',
  GARDENS: 'GDNS',
  GROVE: 'GRV',
  HILL: 'HL',
  HOLLOW: 'HOLW',
  ISLAND: 'IS',
  JUNCTION: 'JCT',
  LAKE: 'LK',
  LANDING: 'LNDG',
  MEADOWS: 'MDWS',
  PLAZA: 'PLZ',
  RIDGE: 'RDG',
  SPRINGS: 'SPGS',
  STATION: 'STA',
  VALLEY: 'VLY',
  VIEW: 'VW',
  VILLAGE: 'VLG',
  NORTH: 'N',
  SOUTH: 'S',
  EAST: 'E',
  WEST: 'W',
  NORTHEAST: 'NE',
  NORTHWEST: 'NW',
  SOUTHEAST: 'SE',
  SOUTHWEST: 'SW',
  BUILDING: 'BLDG',
  FLOOR: 'FL',
  // Secondary unit designators all mean "the unit that follows": one spelling, `#`.
  APARTMENT: '#',
  APT: '#',
  UNIT: '#',
  SUITE: '#',
  STE: '#',
  ROOM: '#',
  RM: '#',
  NUMBER: '#',
  NO: '#',
};

/**
 * An address line in one canonical spelling: upper case, accents and punctuation dropped (hyphens and
 * apostrophes join: `4-B` = `4B`), single spaces, USPS abbreviations, and every unit designator written
 * `#` and joined to its unit: `12 Elm Street, Apt. 4B`, `12 ELM ST UNIT 4B` and `12 Elm St #4B` all give
 * `12 ELM ST #4B`.
 */
export function normalizeAddress(address: string): string {
  const words = address
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/['’-]/g, '')
    .replace(/#/g, ' # ')
    .replace(/[^A-Z0-9# ]+/g, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => ABBREVIATIONS[word] ?? word);
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    const next = words[i + 1];
    if (word !== '#') out.push(word);
    else if (next !== undefined && next !== '#') {
      out.push(`#${next}`);
      i++;
    } // a designator before another designator, or at the end, says nothing
  }
  return out.join(' ');
}

/** The part of a property that says which physical property it is. */
export type IdentityFields = Pick<Property, 'address' | 'zip'> & { unit?: string | undefined };

/** `ZIP5|ADDRESS #UNIT`, e.g. `92101|100 HARBOR DR #101`: the normalised street address, unit and ZIP5. */
export function propertyIdentity(property: IdentityFields): string {
  const line = property.unit === undefined ? property.address : `${property.address} # ${property.unit}`;
  return `${property.zip.trim().slice(0, 5)}|${normalizeAddress(line)}`;
}

/** True when the identity names a unit (`#...`), so it can tell one apartment of a building from another. */
export function identityHasUnit(identity: string): boolean {
  return /[| ]#\S/.test(identity);
}

/**
 * The identities that several propertyIds of one list share: rows that are one physical property twice, or
 * units of one building written without their unit numbers. Their valuations must not be shared.
 */
export function sharedIdentities(properties: Iterable<IdentityFields & Pick<Property, 'propertyId'>>): Set<string> {
  const firstId = new Map<string, string>();
  const shared = new Set<string>();
  for (const property of properties) {
    const identity = propertyIdentity(property);
    const first = firstId.get(identity);
    if (first === undefined) firstId.set(identity, property.propertyId);
    else if (first !== property.propertyId) shared.add(identity);
  }
  return shared;
}

/**
 * The valuation cache key of a property: its identity, or its identity and its propertyId when the
 * identity may stand for more than one property (a condo or co-op unit without a unit number, or an
 * identity shared in its list). Then only the same propertyId, in this or a later run, gets the value back.
 */
export function valuationKey(
  property: IdentityFields & Pick<Property, 'propertyId' | 'propertyType'>,
  shared: ReadonlySet<string>,
): string {
  const identity = propertyIdentity(property);
  const ambiguous = shared.has(identity) || (UNIT_TYPES.has(property.propertyType) && !identityHasUnit(identity));
  return ambiguous ? `${identity}|id:${property.propertyId}` : identity;
}
