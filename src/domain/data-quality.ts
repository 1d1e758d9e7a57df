// What the intake of a loan tape reports, in shapes a portal can act on: errors that name the row and
// column (or JSON path) and what to write instead, warnings that count each normalisation by kind, and the
// rows left out under `invalidRows=skip`. The zod schemas are the contract (OpenAPI, job document, report).
import { z } from 'zod';

/** One problem with the input. `path` is what a person reads; the other fields are for programs. */
export const intakeErrorSchema = z.object({
  /** `row 14, column Loan Balance`, `properties[3].zip`, `row 1`, or '' for the whole body. */
  path: z.string(),
  /** Whole sentence: the problem and what to write instead. */
  message: z.string(),
  /** Stable kind of problem (`INVALID_DATE`, `UNKNOWN_COLUMN`, `VALUE`, ...). */
  code: z.string(),
  /** What to write instead, when there is one thing to say (`write 02134`). */
  fix: z.string().optional(),
  /** File row, 1-based, the header being row 1 (CSV and XLSX only). */
  row: z.number().int().optional(),
  /** The column as the file names it (its header). */
  column: z.string().optional(),
  /** The property field at fault, as a path (`loan.balance`, `appraisals[1].effectiveDate`). */
  field: z.string().optional(),
});
export type IntakeError = z.infer<typeof intakeErrorSchema>;

/**
 * One field error as the API answers it (a 400's `errors`, a rejected job's): `properties[12].loan.balance`, or
 * `row 14, column Loan Balance` for a tape; '' for the body. Path and message always; an error from reading the
 * properties (src/intake) also names its code, the fix, and the row and column (tapes) or the field.
 */
export const fieldErrorSchema = intakeErrorSchema.partial({ code: true });

/** Where a warning was seen, and what the value was before and after normalisation. */
export const warningExampleSchema = z.object({
  /** `row 4` or `properties[3]`. */
  at: z.string(),
  row: z.number().int().optional(),
  value: z.string().optional(),
  normalised: z.string().optional(),
});

/** The codes of intake warnings (what each says: src/intake/warnings.ts). Stable: programs match on them. */
export const WARNING_CODES = [
  'ENCODING_WINDOWS_1252',
  'HEADER_MATCHED',
  'COLUMN_IGNORED',
  'EMPTY_COLUMNS_IGNORED',
  'TRAILING_CELLS_IGNORED',
  'TOTALS_ROW_SKIPPED',
  'NULL_TOKEN',
  'MONEY_FORMAT',
  'THOUSANDS_SEPARATOR',
  'DECIMAL_COMMA',
  'NUMBER_AS_TEXT',
  'VALUE_AS_TEXT',
  'DATE_MDY',
  'DATE_MIDNIGHT',
  'ZIP4_DASH',
  'ZIP_FROM_NUMBER',
  'STATE_CODE',
  'PROPERTY_TYPE_MAPPED',
  'PROPERTY_TYPE_FROM_UNITS',
  'ENUM_CASE',
  'COUNTY_SUFFIX',
  'COUNTY_SPELLING',
  'COUNTY_CITY_AMBIGUOUS',
  'COUNTY_FIPS_IN_COUNTY',
  'LINE_BREAK_IN_TEXT',
  'UNITS_INCONSISTENT',
  'COORDINATES_OUTSIDE_US',
  'DUPLICATE_PROPERTY',
  'SHARED_ADDRESS_NO_UNIT',
  'UNIT_MISSING',
] as const;
export type WarningCode = (typeof WARNING_CODES)[number];

/** One kind of normalisation or data-quality finding, counted over the whole input. */
export const intakeWarningSchema = z.object({
  code: z.enum(WARNING_CODES),
  /** The field concerned, when the warning is about one field. */
  field: z.string().optional(),
  /** How many cells (or rows, for row-level findings) it concerns. */
  count: z.number().int().positive(),
  /** `412 ZIP+4 codes written without a dash were normalised to 12345-6789 (zip)`. */
  message: z.string(),
  /** What to change in the source so the warning goes away, when the data itself is doubtful. */
  fix: z.string().optional(),
  /** The first few occurrences. */
  examples: z.array(warningExampleSchema),
});
export type IntakeWarning = z.infer<typeof intakeWarningSchema>;

/** A row (or JSON property) left out under `invalidRows=skip`, with every reason. */
export const skippedRowSchema = z.object({
  /** `row 7` or `properties[6]`. */
  at: z.string(),
  row: z.number().int().optional(),
  propertyId: z.string().optional(),
  reasons: z.array(intakeErrorSchema),
});
export type SkippedRow = z.infer<typeof skippedRowSchema>;

export const INPUT_FORMATS = ['json', 'csv', 'xlsx'] as const;

export const inputFormatSchema = z.object({
  kind: z.enum(INPUT_FORMATS),
  /** The character encoding the text was read in (`utf-8`, `utf-16le`, `windows-1252`). */
  encoding: z.string().optional(),
  /** CSV: the separator found in the header line. */
  separator: z.enum([',', ';', '|', '\t']).optional(),
  /** CSV with `;`: a decimal comma is read as the decimal point. */
  decimalComma: z.boolean().optional(),
  /** XLSX: the sheet read. */
  sheet: z.string().optional(),
});
export type InputFormat = z.infer<typeof inputFormatSchema>;

/** Most skipped rows listed (the count says how many there were). */
export const MAX_LISTED_SKIPPED_ROWS = 100;
/** Most reasons listed per skipped row. */
export const MAX_REASONS_PER_ROW = 10;
/** Examples kept per warning. */
export const MAX_WARNING_EXAMPLES = 5;

/** The data-quality account of one input: in the 202 answer, the estimate, the job status and the report. */
export const dataQualitySchema = z.object({
  format: inputFormatSchema,
  invalidRows: z.enum(['reject', 'skip']),
  /** Data rows read (files: non-blank rows below the header; JSON: items of `properties`). */
  rows: z.number().int().nonnegative(),
  /** Properties accepted for analysis. */
  accepted: z.number().int().nonnegative(),
  /** Rows left out (invalidRows=skip) and the first MAX_LISTED_SKIPPED_ROWS of them. */
  skipped: z.number().int().nonnegative(),
  skippedRows: z.array(skippedRowSchema),
  warnings: z.array(intakeWarningSchema),
});
export type DataQuality = z.infer<typeof dataQualitySchema>;

/** `row 14, column Loan Balance (loan.balance): must be >= 0`: one line a person can act on. */
export function describeIntakeError(error: IntakeError): string {
  return error.path === '' ? error.message : `${error.path}: ${error.message}`;
}

/** One line per error, plus `... and N more` when the list was capped. */
export function describeIntakeErrors(errors: readonly IntakeError[], totalErrors = errors.length): string {
  const lines = errors.map(describeIntakeError);
  if (totalErrors > errors.length) lines.push(`... and ${totalErrors - errors.length} more`);
  return lines.join('\n');
}

/** Shortens a cell for a message: `'12 Elm St'`, `'Portfolio extract as of...'`. */
export function quoteCell(cell: string, max = 40): string {
  return `'${cell.length > max ? `${cell.slice(0, max)}...` : cell}'`;
}
