// The tape as a whole, fed one row at a time: counts rows against the limit, keeps what the rows say
// about each other (a propertyId seen twice, one physical property under two propertyIds, condo units
// without unit numbers sharing a building's address, one county spelled several ways), and either keeps
// or leaves out each row by the `invalidRows` mode. Memory per row is a map entry or two, never the row.
import { identityHasUnit, propertyIdentity } from '../domain/identity.ts';
import { UNIT_TYPES, type InvalidRowsMode, type Property, type PropertyType } from '../domain/schemas.ts';
import { MAX_REPORTED_ERRORS } from '../domain/validation.ts';
import {
  MAX_LISTED_SKIPPED_ROWS,
  MAX_REASONS_PER_ROW,
  type DataQuality,
  type InputFormat,
  type IntakeError,
  type SkippedRow,
} from '../domain/data-quality.ts';
import { countyName } from './counties.ts';
import { fieldError, type RowLocation } from './rows.ts';
import type { PropertySink } from '../domain/property-sink.ts';
import { WarningTally } from './warnings.ts';

export interface CollectorOptions {
  invalidRows: InvalidRowsMode;
  /** Most data rows (properties) accepted in one input; more is one error. */
  maxRows: number;
  /** Most errors listed; `totalErrors` counts them all. */
  maxReportedErrors?: number | undefined;
}

/**
 * How a tape read: on success the account of what was read (`dataQuality.accepted` properties went to the
 * sink) and the identities that several accepted propertyIds share (see valuationKey in domain/identity.ts).
 */
export type TapeResult =
  | { ok: true; dataQuality: DataQuality; sharedIdentities: Set<string> }
  | { ok: false; errors: IntakeError[]; totalErrors: number; dataQuality?: DataQuality | undefined };

/** Types whose rows at one street address are distinct units, not one property twice. */
const MULTI_UNIT_TYPES: ReadonlySet<PropertyType> = new Set([...UNIT_TYPES, 'MULTI_2_4', 'MULTIFAMILY']);

export class TapeCollector {
  readonly warnings = new WarningTally();
  readonly #options: CollectorOptions;
  readonly #format: InputFormat;
  readonly #sink: PropertySink;
  #accepted = 0;
  readonly #errors: IntakeError[] = [];
  #totalErrors = 0;
  #fatal: IntakeError[] | undefined;
  #rows = 0;
  #skipped = 0;
  readonly #skippedRows: SkippedRow[] = [];
  /** Where each propertyId was first met. */
  readonly #ids = new Map<string, string>();
  /** The propertyId first met at each identity (the same string as its key in #ids: no copy per row). */
  readonly #identities = new Map<string, string>();
  readonly #shared = new Set<string>();
  readonly #counties = new Map<string, string>();

  constructor(options: CollectorOptions, format: InputFormat, sink: PropertySink) {
    this.#options = options;
    this.#format = format;
    this.#sink = sink;
  }

  /**
   * A problem with the whole input (or its header): reading stops and these are the only errors reported.
   * A whole-file problem is one error; a header with several bad columns is one per column.
   */
  fatal(errors: readonly IntakeError[]): void {
    this.#fatal ??= [...errors];
  }

  get failed(): boolean {
    return this.#fatal !== undefined;
  }

  /** Counts a data row; false (and a fatal error) when it is one more than the limit. */
  countRow(location: RowLocation): boolean {
    if (this.#rows === this.#options.maxRows) {
      this.fatal([
        {
          path: location.at,
          ...(location.row !== undefined && { row: location.row }),
          code: 'TOO_MANY_ROWS',
          message: `too many rows: at most ${this.#options.maxRows} properties per request; split the file`,
          fix: 'split the file',
        },
      ]);
      return false;
    }
    this.#rows++;
    return true;
  }

  /** A row that could not be read into a property, with every reason. */
  reject(location: RowLocation, errors: readonly IntakeError[], propertyId?: string): void {
    if (errors.length === 0) return;
    // Refusing the file, a later row with this id is a duplicate too: say so now, not after the fix.
    if (this.#options.invalidRows === 'reject' && propertyId !== undefined && !this.#ids.has(propertyId))
      this.#ids.set(propertyId, location.at);
    const ordered = [...errors].sort((a, b) => location.positionOf(a.field ?? '') - location.positionOf(b.field ?? ''));
    if (this.#options.invalidRows === 'skip') {
      this.#skipped++;
      if (this.#skippedRows.length < MAX_LISTED_SKIPPED_ROWS)
        this.#skippedRows.push({
          at: location.at,
          ...(location.row !== undefined && { row: location.row }),
          ...(propertyId !== undefined && { propertyId }),
          reasons: ordered.slice(0, MAX_REASONS_PER_ROW),
        });
      return;
    }
    this.#totalErrors += ordered.length;
    const room = (this.#options.maxReportedErrors ?? MAX_REPORTED_ERRORS) - this.#errors.length;
    if (room > 0) this.#errors.push(...ordered.slice(0, room));
  }

  /**
   * A valid property: checked against the rows before it, then handed to the sink (or left out with its
   * reasons). Await the answer: it is the sink's backpressure.
   */
  accept(location: RowLocation, property: Property): void | Promise<void> {
    const firstAt = this.#ids.get(property.propertyId);
    const identity = propertyIdentity(property);
    if (firstAt !== undefined) {
      const fix = property.appraisals
        ? `one row per property: put this row's appraisal in the next free appraisals[1].* (appraisals[2].*, ...) columns of ${firstAt}`
        : 'give each property its own propertyId, or remove the repeated row';
      this.reject(
        location,
        [
          fieldError(location, 'propertyId', {
            code: 'DUPLICATE_PROPERTY_ID',
            message: `duplicate propertyId '${property.propertyId}' (first at ${firstAt}): ${fix}`,
            fix,
          }),
        ],
        property.propertyId,
      );
      return;
    }
    this.#ids.set(property.propertyId, location.at);
    const occurrence = { at: location.at, row: location.row };
    const hasUnit = identityHasUnit(identity);
    const firstId = this.#identities.get(identity);
    if (firstId === undefined) this.#identities.set(identity, property.propertyId);
    else {
      this.#shared.add(identity);
      this.warnings.add(
        !hasUnit && MULTI_UNIT_TYPES.has(property.propertyType) ? 'SHARED_ADDRESS_NO_UNIT' : 'DUPLICATE_PROPERTY',
        undefined,
        {
          ...occurrence,
          value: `${property.propertyId} and ${firstId} (${this.#ids.get(firstId)}): ${identity}`,
        },
      );
    }
    if (!hasUnit && UNIT_TYPES.has(property.propertyType))
      this.warnings.add('UNIT_MISSING', undefined, {
        ...occurrence,
        value: `${property.propertyId}: ${property.address}`,
      });
    const unified = this.#unifyCounty(property, location);
    // Once a row is refused (invalidRows=reject), nothing will be analysed: hand on no more properties.
    if (this.#totalErrors > 0) return;
    this.#accepted++;
    return this.#sink.add(unified);
  }

  /**
   * A county name read in its state (`countyName`): the suffix dropped, and spellings of one county that
   * differ in case, spaces, punctuation or St./Saint given the first spelling met in the state.
   */
  #unifyCounty(property: Property, location: RowLocation): Property {
    if (property.county === undefined) return property;
    const read = countyName(property.state, property.county);
    const occurrence = { at: location.at, row: location.row, value: property.county };
    if (read.suffixDropped) this.warnings.add('COUNTY_SUFFIX', 'county', { ...occurrence, normalised: read.name });
    if (read.ambiguous !== undefined && property.countyFips === undefined)
      this.warnings.add('COUNTY_CITY_AMBIGUOUS', 'county', {
        ...occurrence,
        normalised: `${read.name} County (${read.ambiguous.county}) or ${read.name} city (${read.ambiguous.city})?`,
      });
    const key = `${property.state}|${read.key}`;
    const first = this.#counties.get(key);
    if (first === undefined) this.#counties.set(key, read.name);
    else if (first !== read.name) this.warnings.add('COUNTY_SPELLING', 'county', { ...occurrence, normalised: first });
    const county = first ?? read.name;
    return county === property.county ? property : { ...property, county };
  }

  finish(): TapeResult {
    if (this.#fatal) return { ok: false, errors: this.#fatal, totalErrors: this.#fatal.length };
    const dataQuality: DataQuality = {
      format: this.#format,
      invalidRows: this.#options.invalidRows,
      rows: this.#rows,
      accepted: this.#totalErrors > 0 ? 0 : this.#accepted,
      skipped: this.#skipped,
      skippedRows: this.#skippedRows,
      warnings: this.warnings.list(),
    };
    if (this.#totalErrors > 0) return { ok: false, errors: this.#errors, totalErrors: this.#totalErrors, dataQuality };
    if (this.#rows === 0)
      return {
        ok: false,
        errors: [
          {
            path: this.#format.kind === 'json' ? 'properties' : 'row 2',
            code: 'NO_ROWS',
            message: 'no properties: expected one property per row below the header',
            fix: 'add one property per row',
          },
        ],
        totalErrors: 1,
        dataQuality,
      };
    if (this.#accepted === 0) {
      const reasons = this.#skippedRows.flatMap((s) => s.reasons);
      return {
        ok: false,
        errors: reasons.slice(0, this.#options.maxReportedErrors ?? MAX_REPORTED_ERRORS),
        totalErrors: reasons.length,
        dataQuality,
      };
    }
    return { ok: true, dataQuality, sharedIdentities: this.#shared };
  }
}
