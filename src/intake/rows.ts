// One row (or JSON property) from its cells to a validated property: cells read by their field's format,
// the property checked by the schema, then the row-level findings (units that do not fit the type,
// coordinates outside the United States). Errors name the row and the column as the file names it.
import { closestMatch } from 'leven';
import type { z } from 'zod';
import { formatPath } from '../domain/validation.ts';
import { fieldAt, type PathSegment } from '../domain/property-fields.ts';
import { UNITS_BY_TYPE, type Property, type propertySchema } from '../domain/schemas.ts';
import type { CellError, CellNote } from './cells.ts';
import type { IntakeError } from '../domain/data-quality.ts';
import { stateOfCountyFips } from './us-states.ts';
import type { WarningTally } from './warnings.ts';

/** Where a row is, and how to name one of its fields in a message. */
export interface RowLocation {
  /** `row 4` or `properties[3]`. */
  at: string;
  row?: number | undefined;
  /** The header of the column holding `field` (or the first column under a group); files only. */
  columnOf(field: string): string | undefined;
  /** Sort position of a field's column in the row (errors are listed left to right). */
  positionOf(field: string): number;
}

/** An error about `field` of the row at `location`. */
export function fieldError(location: RowLocation, field: string, error: CellError): IntakeError {
  const column = location.columnOf(field);
  const where =
    location.row === undefined
      ? field === ''
        ? location.at
        : `${location.at}.${field}`
      : column === undefined
        ? location.at
        : `${location.at}, column ${column}`;
  return {
    path: where,
    message: error.message,
    code: error.code,
    ...(error.fix !== undefined && { fix: error.fix }),
    ...(location.row !== undefined && { row: location.row }),
    ...(column !== undefined && { column }),
    ...(field !== '' && { field }),
  };
}

/** An error about the whole row. */
export function rowError(location: RowLocation, code: string, message: string, fix?: string): IntakeError {
  return fieldError(location, '', { code, message: fix === undefined ? message : `${message}: ${fix}`, fix });
}

/** Counts a cell's normalisation into the warnings. */
export function noteCell(warnings: WarningTally, location: RowLocation, field: string, note: CellNote): void {
  warnings.add(note.code, field, {
    at: location.at,
    row: location.row,
    value: note.value,
    normalised: note.normalised,
  });
}

/** Sets `value` at `path` in `target`, making objects and lists on the way. */
export function setAt(target: Record<string, unknown>, path: readonly PathSegment[], value: unknown): void {
  let node: Record<PathSegment, unknown> = target;
  for (let i = 0; i < path.length - 1; i++) {
    const segment = path[i] as PathSegment;
    node[segment] ??= typeof path[i + 1] === 'number' ? [] : {};
    node = node[segment] as Record<PathSegment, unknown>;
  }
  node[path[path.length - 1] as PathSegment] = value;
}

/** `'adress' (did you mean address?)`: an unknown key with the closest field of its object, if near. */
function unknownKey(key: string, path: readonly PropertyKey[]): string {
  const node = fieldAt(path.filter((s): s is string | number => typeof s !== 'symbol'));
  const names = node?.kind === 'object' ? [...node.fields.keys()] : [];
  const near = closestMatch(key, names, { maxDistance: Math.max(1, Math.floor(key.length / 4)) });
  return near === undefined ? `'${key}'` : `'${key}' (did you mean ${near}?)`;
}

/** The zod message, with the fix where a bare rule would leave the reader guessing. */
function issueMessage(issue: z.core.$ZodIssue): CellError {
  if (issue.code === 'unrecognized_keys')
    return {
      code: 'UNKNOWN_FIELD',
      message: `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => unknownKey(k, issue.path)).join(', ')}: remove or rename ${issue.keys.length > 1 ? 'them' : 'it'} (README "Input" lists the fields)`,
      fix: 'remove or rename it',
    };
  if (issue.message === 'is required')
    return { code: 'REQUIRED', message: 'is required: fill it in', fix: 'fill it in' };
  // A rule's message may end with its fix (`must be >= 0: write the amount … without a minus sign`).
  const fix = /: (write .*)$/.exec(issue.message)?.[1];
  return { code: 'INVALID_VALUE', message: issue.message, ...(fix !== undefined && { fix }) };
}

/** US bounds: the 50 states, DC, Puerto Rico and the Virgin Islands; Guam and the Marianas; American Samoa. */
const US_BOXES: readonly [number, number, number, number][] = [
  [17.5, 71.6, -179.3, -64.4],
  [51, 53, 172, 180], // the western Aleutians, across the antimeridian
  [13, 21, 144, 146.2],
  [-15, -10.9, -171.2, -168],
];
const inUs = (lat: number, lon: number) =>
  US_BOXES.some(([south, north, west, east]) => lat >= south && lat <= north && lon >= west && lon <= east);

/**
 * A county FIPS code written in `county` (`48201`): moved to countyFips when it is in the property's state
 * and does not contradict a countyFips given too; else an error naming both.
 */
function countyFipsInCounty(
  property: Property,
  location: RowLocation,
  warnings: WarningTally,
): { property: Property; error?: IntakeError } {
  const { county, ...rest } = property;
  if (county === undefined || !/^\d{5}$/.test(county)) return { property };
  const fail = (message: string, fix: string) => ({
    property,
    error: fieldError(location, 'county', { code: 'COUNTY_FIPS_STATE', message: `${message}: ${fix}`, fix }),
  });
  const state = stateOfCountyFips(county);
  if (state !== property.state)
    return fail(
      `'${county}' in county is a county FIPS code ${state === undefined ? 'of no state' : `in ${state}`}, but the state is ${property.state}`,
      'check county and state',
    );
  if (property.countyFips !== undefined && property.countyFips !== county)
    return fail(
      `'${county}' in county is a county FIPS code, but countyFips is ${property.countyFips}`,
      "keep one: write the county's name in county, or the same code in both",
    );
  warnings.add('COUNTY_FIPS_IN_COUNTY', 'county', {
    at: location.at,
    row: location.row,
    value: county,
    normalised: `countyFips ${county}`,
  });
  return { property: { ...rest, countyFips: county } };
}

/**
 * The checks of one property beyond the schema: a county FIPS code must be in the property's state (an
 * error), one written in `county` is moved to countyFips; units that do not fit the type and coordinates
 * outside the United States are warnings. Returns the property as kept and the errors.
 */
export function rowFindings(
  given: Property,
  location: RowLocation,
  warnings: WarningTally,
): { property: Property; errors: IntakeError[] } {
  const errors: IntakeError[] = [];
  const moved = countyFipsInCounty(given, location, warnings);
  if (moved.error) errors.push(moved.error);
  const { property } = moved;
  if (property.countyFips !== undefined && moved.error === undefined) {
    const state = stateOfCountyFips(property.countyFips);
    if (state !== property.state)
      errors.push(
        fieldError(location, 'countyFips', {
          code: 'COUNTY_FIPS_STATE',
          message: `county FIPS code ${property.countyFips} is ${state === undefined ? 'in no state' : `in ${state}`}, not in ${property.state}: check countyFips and state`,
          fix: 'check countyFips and state',
        }),
      );
  }
  const range = UNITS_BY_TYPE[property.propertyType];
  if (range !== undefined && property.units !== undefined && (property.units < range[0] || property.units > range[1]))
    warnings.add('UNITS_INCONSISTENT', undefined, {
      at: location.at,
      row: location.row,
      value: `${property.propertyType}, units ${property.units}`,
    });
  const { latitude, longitude } = property;
  if (latitude !== undefined && longitude !== undefined && !inUs(latitude, longitude))
    warnings.add('COORDINATES_OUTSIDE_US', undefined, {
      at: location.at,
      row: location.row,
      value: `${latitude}, ${longitude}`,
    });
  return { property, errors };
}

/** A coordinate as a person writes it: at least two decimals (`-96.80`), all the decimals given. */
const coordinate = (n: number) => (Number.isInteger(n * 100) ? n.toFixed(2) : String(n));

/**
 * A latitude/longitude pair that is outside the United States as written and inside it swapped
 * (TX `-96.80, 32.78`): an error with the pair to write. Never swapped silently.
 */
function swappedCoordinates(candidate: Record<string, unknown>, location: RowLocation): IntakeError | undefined {
  const { latitude, longitude } = candidate;
  if (typeof latitude !== 'number' || typeof longitude !== 'number') return undefined;
  if (inUs(latitude, longitude) || !inUs(longitude, latitude)) return undefined;
  const fix = `write latitude ${coordinate(longitude)}, longitude ${coordinate(latitude)}`;
  return fieldError(location, 'latitude', {
    code: 'COORDINATES_SWAPPED',
    message: `latitude ${coordinate(latitude)}, longitude ${coordinate(longitude)} looks swapped (outside the United States as written, inside it swapped): ${fix}`,
    fix,
  });
}

/**
 * Validates a candidate property with the schema; errors name fields (and so columns), excluding fields
 * already reported while reading cells.
 */
export function validateCandidate(
  schema: ReturnType<typeof propertySchema>,
  candidate: Record<string, unknown>,
  location: RowLocation,
  reported: ReadonlySet<string>,
): { ok: true; property: Property } | { ok: false; errors: IntakeError[] } {
  const swapped = swappedCoordinates(candidate, location);
  const skip = swapped === undefined ? reported : new Set([...reported, 'latitude', 'longitude']);
  const parsed = schema.safeParse(candidate);
  if (parsed.success && swapped === undefined) return { ok: true, property: parsed.data };
  const errors: IntakeError[] = swapped === undefined ? [] : [swapped];
  for (const issue of parsed.error?.issues ?? []) {
    const field = formatPath(issue.path);
    if ([...skip].some((r) => field === r || field.startsWith(`${r}.`) || field.startsWith(`${r}[`))) continue;
    errors.push(fieldError(location, field, issueMessage(issue)));
  }
  return { ok: false, errors };
}
