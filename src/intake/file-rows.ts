// A tape's header and rows (CSV or XLSX, as cells) into the collector, one row at a time. The header
// row must be row 1: title rows above it are one error saying so. Empty columns without a header,
// missing trailing cells and empty cells beyond the header are ignored; a value where there is no column
// is an error, with the likely cause when an unquoted `$450,000` split one amount into two cells.
import type { propertySchema } from '../domain/schemas.ts';
import { formatPath } from '../domain/validation.ts';
import { ROW_CONTEXT_FORMATS, readCell, type Cell, type CellOutcome, type Dialect } from './cells.ts';
import type { TapeCollector } from './collector.ts';
import { headerScore, planColumns, type ColumnOptions, type ColumnPlan, type FieldColumn } from './columns.ts';
import { quoteCell, type IntakeError } from '../domain/data-quality.ts';
import { fieldError, noteCell, rowError, rowFindings, setAt, validateCandidate, type RowLocation } from './rows.ts';

/** A record of a tape: the row it starts on and its cells (text from CSV, typed values from XLSX). */
export interface TapeRecord {
  row: number;
  cells: readonly Cell[];
}

const isEmpty = (cell: Cell) => cell === null || cell === undefined || (typeof cell === 'string' && cell.trim() === '');
const headerText = (cell: Cell) =>
  isEmpty(cell) ? '' : cell instanceof Date ? cell.toISOString() : String(cell).trim();

/** Records looked at below a failed header for the real one (title rows above a header are a few). */
const HEADER_LOOKAHEAD = 10;

/** The location of a row, naming fields by their columns' headers. */
function locate(row: number, fields: readonly FieldColumn[]): RowLocation {
  const column = (field: string) =>
    fields.find((c) => c.field === field) ??
    fields.find((c) => c.field.startsWith(`${field}.`) || c.field.startsWith(`${field}[`));
  return {
    at: `row ${row}`,
    row,
    columnOf: (field) => (field === '' ? undefined : column(field)?.header),
    positionOf: (field) => (field === '' ? -1 : (column(field)?.index ?? Number.MAX_SAFE_INTEGER)),
  };
}

const TOTALS_LABEL = /^(?:grand\s+)?totals?\b/i;

/** The row's reading as a property candidate, with the errors found in its cells. */
function readRow(
  record: TapeRecord,
  fields: readonly FieldColumn[],
  dialect: Dialect,
  collector: TapeCollector,
  location: RowLocation,
): { candidate: Record<string, unknown>; errors: IntakeError[]; reported: Set<string> } {
  const candidate: Record<string, unknown> = {};
  const errors: IntakeError[] = [];
  const reported = new Set<string>();
  const itemsPresent = new Map<string, Set<number>>();
  const apply = (column: FieldColumn, outcome: CellOutcome) => {
    if (outcome.note) noteCell(collector.warnings, location, column.field, outcome.note);
    if (outcome.kind === 'error') {
      errors.push(fieldError(location, column.field, outcome.error));
      reported.add(column.field);
    } else if (outcome.kind === 'value') {
      setAt(candidate, column.path, outcome.value);
      column.path.forEach((segment, depth) => {
        if (typeof segment !== 'number') return;
        const list = formatPath(column.path.slice(0, depth));
        const present = itemsPresent.get(list) ?? new Set<number>();
        present.add(segment);
        itemsPresent.set(list, present);
      });
    }
  };
  // Read last, with what the row says: `1-4 family` is SFR or MULTI_2_4 by the row's number of units; a
  // ZIP that lost its leading zeros is judged against the row's state.
  const last = fields.filter((c) => ROW_CONTEXT_FORMATS.has(c.format.kind));
  for (const column of fields)
    if (!ROW_CONTEXT_FORMATS.has(column.format.kind))
      apply(column, readCell(record.cells[column.index], column.format, dialect));
  const context = {
    units: typeof candidate.units === 'number' ? candidate.units : undefined,
    state: typeof candidate.state === 'string' ? candidate.state : undefined,
  };
  for (const column of last) apply(column, readCell(record.cells[column.index], column.format, dialect, context));
  // `appraisals[1].*` filled with `appraisals[0].*` empty: list items are not renumbered, so say so.
  for (const [list, indices] of itemsPresent) {
    const last = Math.max(...indices);
    for (let i = 0; i < last; i++)
      if (!indices.has(i)) {
        errors.push(
          fieldError(location, `${list}[${i}]`, {
            code: 'LIST_GAP',
            message: `is empty while ${list}[${last}] is filled: fill lists from [0] without gaps`,
            fix: 'fill lists from [0] without gaps',
          }),
        );
        reported.add(list);
      }
  }
  return { candidate, errors, reported };
}

/** The structural problems of a row: values where no column is, cells beyond the header. */
function structureErrors(
  record: TapeRecord,
  columns: readonly ColumnPlan[],
  collector: TapeCollector,
  location: RowLocation,
): IntakeError[] {
  const errors: IntakeError[] = [];
  for (const column of columns)
    if (column.kind === 'blank' && !isEmpty(record.cells[column.index]))
      errors.push(
        rowError(
          location,
          'VALUE_WITHOUT_HEADER',
          `column ${column.index + 1} has no header but holds ${quoteCell(headerText(record.cells[column.index]))}`,
          'name the column in row 1, or delete the value',
        ),
      );
  const extra = record.cells.slice(columns.length);
  if (extra.length === 0) return errors;
  if (extra.every(isEmpty)) {
    collector.warnings.add('TRAILING_CELLS_IGNORED', undefined, { at: location.at, row: location.row });
    return errors;
  }
  const filled = record.cells.length - [...record.cells].reverse().findIndex((c) => !isEmpty(c));
  const { message, fix } = overflow(record, columns, filled);
  errors.push(rowError(location, 'TOO_MANY_CELLS', message, fix));
  return errors;
}

/**
 * Why a row has more filled cells than the header has columns. The usual cause is an amount written
 * with a thousands separator and no quotes (`$450,000` in a comma-separated file): a cell like `$450`
 * followed by a 3-digit cell names the column that overflowed.
 */
function overflow(
  record: TapeRecord,
  columns: readonly ColumnPlan[],
  filled: number,
): { message: string; fix: string } {
  const base = `has ${filled} cells, the header has ${columns.length} columns`;
  const cells = record.cells.map(headerText);
  const extra = filled - columns.length;
  for (const column of columns) {
    if (column.kind !== 'field' || column.format.kind !== 'number') continue;
    const parts = cells.slice(column.index, column.index + 1 + extra);
    const [head = '', ...groups] = parts;
    const last = groups.length - 1;
    const isGroup = (g: string, i: number) => (i === last ? /^\d{3}(?:\.\d+)?$/ : /^\d{3}$/).test(g);
    if (groups.length === extra && /^\$?\d{1,3}$/.test(head) && groups.every(isGroup)) {
      const amount = parts.join(',');
      const shown = parts.map((p) => quoteCell(p));
      return {
        message: `${base}: column ${column.header} most likely overflowed (${shown.slice(0, -1).join(', ')} and ${shown.at(-1) ?? ''} look like one amount ${quoteCell(amount)} split at its thousands ${extra === 1 ? 'separator' : 'separators'})`,
        fix: `quote the amount ("${amount}") or write ${amount.replace(/[$,]/g, '')}`,
      };
    }
  }
  return {
    message: `${base}: a value holds the separator without quotes`,
    fix: 'quote values that contain the separator',
  };
}

/** A row that is a spreadsheet's totals line: labelled Total(s), or only amounts with no id and no address. */
function totalsRow(record: TapeRecord, fields: readonly FieldColumn[]): 'labelled' | 'unlabelled' | undefined {
  const cellOf = (field: string) => {
    const column = fields.find((c) => c.field === field);
    return column === undefined ? undefined : record.cells[column.index];
  };
  const id = cellOf('propertyId');
  if (
    record.cells.some((c) => typeof c === 'string' && TOTALS_LABEL.test(c.trim())) &&
    (isEmpty(id) || TOTALS_LABEL.test(headerText(id)))
  )
    return 'labelled';
  const amounts = fields.some((c) => c.format.kind === 'number' && !isEmpty(record.cells[c.index]));
  const texts = fields.some((c) => c.format.kind !== 'number' && !isEmpty(record.cells[c.index]));
  return amounts && !texts ? 'unlabelled' : undefined;
}

/**
 * Reads a tape's records into the collector: the header (which must be row 1), then each row. Stops at
 * the first whole-file problem (a fatal error in the collector).
 */
export async function readTapeRecords(
  records: AsyncIterable<TapeRecord> | Iterable<TapeRecord>,
  options: ColumnOptions & {
    dialect: Dialect;
    schema: ReturnType<typeof propertySchema>;
    /**
     * The columns are the sheet's (XLSX): a cell right of the header is in a column without a header,
     * not an overflow of its row as in CSV, whose rows are as wide as their separators make them.
     */
    sheetColumns?: boolean | undefined;
  },
  collector: TapeCollector,
): Promise<void> {
  let columns: ColumnPlan[] | undefined;
  let fields: FieldColumn[] = [];
  let header: { record: TapeRecord; errors: IntakeError[] } | undefined;
  let lookahead = 0;
  for await (const record of records) {
    if (collector.failed) return;
    if (columns === undefined) {
      if (header === undefined) {
        const plan = planColumns(record.cells.map(headerText), options);
        if (plan.ok) {
          ({ columns } = plan);
          fields = columns.filter((c): c is FieldColumn => c.kind === 'field');
          for (const note of plan.notes) noteHeader(collector, note);
          continue;
        }
        header = { record, errors: plan.errors };
        if (record.row !== 1 || headerScore(record.cells.map(headerText)).fields >= 2)
          return failHeader(collector, header);
        continue;
      }
      // Row 1 was no header: is the header a few rows below (a report title above it)?
      if (headerScore(record.cells.map(headerText)).fields >= 2) {
        const title = header.record.cells.map(headerText).find((c) => c !== '') ?? '';
        collector.fatal([
          {
            path: 'row 1',
            row: 1,
            code: 'HEADER_NOT_IN_ROW_1',
            message: `row 1 is not a header (found ${quoteCell(title)}); the header must be the first row: delete rows 1-${record.row - 1} so that the header in row ${record.row} comes first`,
            fix: `delete rows 1-${record.row - 1}`,
          },
        ]);
        return;
      }
      if (++lookahead >= HEADER_LOOKAHEAD) return failHeader(collector, header);
      continue;
    }
    if (options.sheetColumns === true)
      for (let index = columns.length; index < record.cells.length; index++)
        columns.push({ kind: 'blank', index, header: '' });
    if (record.cells.every(isEmpty)) continue; // spreadsheets pad exports with empty rows
    const location = locate(record.row, fields);
    if (!collector.countRow(location)) return;
    const totals = totalsRow(record, fields);
    if (totals === 'labelled') {
      collector.warnings.add('TOTALS_ROW_SKIPPED', undefined, { at: location.at, row: location.row });
      continue;
    }
    if (totals === 'unlabelled') {
      collector.reject(location, [
        rowError(
          location,
          'TOTALS_ROW',
          'looks like a totals row (amounts without a propertyId or an address)',
          'delete the row',
        ),
      ]);
      continue;
    }
    const structure = structureErrors(record, columns, collector, location);
    // Cells beyond the header shift every value after the overflow: the cells' own errors would be noise.
    if (structure.some((e) => e.code === 'TOO_MANY_CELLS')) {
      collector.reject(location, structure);
      continue;
    }
    const { candidate, errors, reported } = readRow(record, fields, options.dialect, collector, location);
    const propertyId = typeof candidate.propertyId === 'string' ? candidate.propertyId : undefined;
    const validated = validateCandidate(options.schema, candidate, location, reported);
    if (!validated.ok || errors.length > 0 || structure.length > 0) {
      collector.reject(location, [...structure, ...errors, ...(validated.ok ? [] : validated.errors)], propertyId);
      continue;
    }
    const findings = rowFindings(validated.property, location, collector.warnings);
    if (findings.errors.length > 0) collector.reject(location, findings.errors, propertyId);
    else await collector.accept(location, findings.property);
  }
  if (columns === undefined && header !== undefined) failHeader(collector, header);
  if (columns === undefined && header === undefined)
    collector.fatal([
      {
        path: 'row 1',
        row: 1,
        code: 'EMPTY_FILE',
        message: 'the file is empty: expected a header row of field names, then one property per row',
        fix: 'add a header row and one property per row',
      },
    ]);
  for (const column of columns ?? [])
    if (column.kind === 'blank')
      collector.warnings.add('EMPTY_COLUMNS_IGNORED', undefined, { at: `column ${column.index + 1}` });
}

/** A header that cannot be read stops the file; each of its columns' problems is an error on row 1. */
function failHeader(collector: TapeCollector, header: { errors: IntakeError[] }): void {
  collector.fatal(header.errors);
}

function noteHeader(collector: TapeCollector, note: { header: string; field?: string; how: string }): void {
  if (note.how === 'ignored')
    collector.warnings.add('COLUMN_IGNORED', undefined, { at: 'row 1', row: 1, value: note.header });
  else
    collector.warnings.add('HEADER_MATCHED', undefined, {
      at: 'row 1',
      row: 1,
      value: note.header,
      normalised: note.field,
    });
}
