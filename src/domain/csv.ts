// CSV import into the property schema (DESIGN §4), and its inverse for the sample generator.
// One row per property; each header is a field path in the syntax the validation errors use
// (`loan.balance`, `appraisals[0].comparables[1].salePrice`), so an error names the very column to fix.
// Pure: takes the file's text, reads no file. Tokenising (quotes, BOM, CRLF) is csv-parse's job.
import { CsvError as CsvSyntaxError, parse } from 'csv-parse/sync';
import { z } from 'zod';
import { MAX_PROPERTIES, propertyListSchema, propertySchema, type Property } from './schemas.ts';
import { formatPath, MAX_REPORTED_ERRORS } from './validation.ts';

/*
 * How each column's cells are converted. The property schema itself says which fields are numbers:
 * `z.toJSONSchema` turns it once, at load, into plain data (type per field, required keys, maxItems per
 * array), so there is no second list of field names to keep in step with schemas.ts. Numbers and integers
 * are parsed strictly here (zod checks integrality and ranges); strings and enums pass through as text
 * for zod to judge. The schema has no boolean fields, so CSV has no boolean syntax: a field of any kind
 * this file cannot carry makes the module fail at load, not import silently wrong.
 */
type FieldNode =
  | { kind: 'number' }
  | { kind: 'text' }
  | { kind: 'object'; fields: ReadonlyMap<string, FieldNode>; required: readonly string[] }
  | { kind: 'array'; element: FieldNode; maxItems: number };
type ObjectNode = Extract<FieldNode, { kind: 'object' }>;
type PathSegment = string | number;

function fieldNode(schema: z.core.JSONSchema._JSONSchema, where: string): FieldNode {
  if (typeof schema === 'object') {
    switch (schema.type) {
      case 'number':
      case 'integer':
        return { kind: 'number' };
      case 'string':
        return { kind: 'text' };
      case 'object': {
        const fields = new Map(
          Object.entries(schema.properties ?? {}).map(([name, field]) => [name, fieldNode(field, `${where}.${name}`)]),
        );
        return { kind: 'object', fields, required: schema.required ?? [] };
      }
      case 'array':
        if (schema.items !== undefined && !Array.isArray(schema.items) && schema.maxItems !== undefined)
          return { kind: 'array', element: fieldNode(schema.items, `${where}[]`), maxItems: schema.maxItems };
    }
  }
  throw new Error(`csv: no CSV form for the field ${where} (${JSON.stringify(schema)})`);
}

/** The structure of a property; the date passed only moves date limits, which are not used here. */
const PROPERTY_FIELDS = ((): ObjectNode => {
  const root = fieldNode(z.toJSONSchema(propertySchema({ asOf: new Date(0) }), { io: 'input' }), 'property');
  if (root.kind !== 'object') throw new Error('csv: a property must be an object');
  return root;
})();

export const csvImportOptionsSchema = z.object({
  /** Most data rows accepted; a longer file is refused before any row is converted. */
  maxRows: z.number().int().min(1).max(MAX_PROPERTIES).default(MAX_PROPERTIES),
  /** Most errors listed; `totalErrors` still counts them all. */
  maxReportedErrors: z.number().int().min(1).default(MAX_REPORTED_ERRORS),
});
export type CsvImportOptions = { asOf: Date } & z.input<typeof csvImportOptionsSchema>;

export interface CsvRowError {
  /** 1-based line of the file where the row starts; the header is row 1. */
  row: number;
  /** Header of the offending column; absent when the whole row (or file) is at fault. */
  column?: string;
  message: string;
}

export type CsvImportResult =
  { ok: true; properties: Property[] } | { ok: false; errors: CsvRowError[]; totalErrors: number };

/** `row 14, column loan.balance: must be >= 0` */
export function describeCsvError({ row, column, message }: CsvRowError): string {
  return column === undefined ? `row ${row}: ${message}` : `row ${row}, column ${column}: ${message}`;
}

/** One line per error, plus `... and N more` when the list was capped. */
export function describeCsvErrors(result: { errors: readonly CsvRowError[]; totalErrors: number }): string {
  const lines = result.errors.map(describeCsvError);
  if (result.totalErrors > result.errors.length)
    lines.push(`... and ${result.totalErrors - result.errors.length} more`);
  return lines.join('\n');
}

interface Column {
  header: string;
  path: readonly PathSegment[];
  kind: 'number' | 'text';
  /** The list items the column lies in: `appraisals[1].comparables[0].salePrice` -> appraisals #1, appraisals[1].comparables #0. */
  items: readonly { list: string; index: number }[];
}

const HEADER_SEGMENT = /^([A-Za-z_][A-Za-z0-9_]*)((?:\[(?:0|[1-9]\d*)\])*)$/;

interface ResolvedHeader {
  path: PathSegment[];
  kind: 'number' | 'text';
  /** The objects the path passes through (the property itself, `loan`, `appraisals[0]`), with their paths. */
  objects: { path: PathSegment[]; node: ObjectNode }[];
}

/** Resolves `appraisals[0].comparables[1].salePrice` against the schema, or says what is wrong with it. */
function resolveHeader(header: string): ResolvedHeader | string {
  const path: PathSegment[] = [];
  const objects: ResolvedHeader['objects'] = [];
  let node: FieldNode = PROPERTY_FIELDS;
  for (const part of header.split('.')) {
    const match = HEADER_SEGMENT.exec(part);
    if (!match || node.kind !== 'object') return 'unknown column';
    objects.push({ path: [...path], node });
    const name = match[1] ?? '';
    const field = node.fields.get(name);
    if (!field) return 'unknown column';
    path.push(name);
    node = field;
    for (const index of (match[2] ?? '').matchAll(/\d+/g)) {
      if (node.kind !== 'array') return 'unknown column';
      const i = Number(index[0]);
      if (i >= node.maxItems)
        return `unknown column: ${formatPath(path)} has at most ${node.maxItems} items, indexed from 0`;
      path.push(i);
      node = node.element;
    }
  }
  if (node.kind === 'array')
    return `unknown column: ${formatPath(path)} is a list, name a field of an item (${formatPath([...path, 0])}...)`;
  if (node.kind === 'object') return `unknown column: ${formatPath(path)} is a group, name one of its fields`;
  return { path, kind: node.kind, objects };
}

/**
 * The header's columns, or its errors (all reported against row 1): unknown or repeated columns, and
 * required fields without a column (a missing `propertyId` column is one error, not one per row).
 */
function readHeader(headers: readonly string[]): { columns: Column[] } | { errors: CsvRowError[] } {
  const errors: CsvRowError[] = [];
  const columns: Column[] = [];
  const seen = new Set<string>();
  const objects = new Map<string, ResolvedHeader['objects'][number]>([['', { path: [], node: PROPERTY_FIELDS }]]);
  for (const raw of headers) {
    const header = raw.trim();
    const resolved = resolveHeader(header);
    if (typeof resolved === 'string') errors.push({ row: 1, column: header, message: resolved });
    else if (seen.has(header)) errors.push({ row: 1, column: header, message: 'duplicate column' });
    else {
      seen.add(header);
      const items = resolved.path.flatMap((segment, depth) =>
        typeof segment === 'number' ? [{ list: formatPath(resolved.path.slice(0, depth)), index: segment }] : [],
      );
      columns.push({ header, path: resolved.path, kind: resolved.kind, items });
      for (const object of resolved.objects) objects.set(formatPath(object.path), object);
    }
  }
  // Every object that has a column needs a column for each of its required fields: `loan.balance` when
  // any `loan.*` is there, `appraisals[1].appraiserId` when any `appraisals[1].*` is.
  for (const { path, node } of objects.values())
    for (const name of node.required) {
      const header = formatPath([...path, name]);
      const kind = node.fields.get(name)?.kind;
      if ((kind === 'number' || kind === 'text') && !seen.has(header))
        errors.push({ row: 1, column: header, message: 'required column is missing' });
    }
  return errors.length > 0 ? { errors } : { columns };
}

// Strict decimal: no thousands separators, currency signs, hex or trailing junk ("1,000" and "12abc" are
// errors, where Number() would give 1000-ish surprises or NaN).
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

const quoteCell = (cell: string) => `'${cell.length > 24 ? `${cell.slice(0, 24)}...` : cell}'`;

/**
 * Line numbers of records. csv-parse reports where each record ends (in bytes, reliable) but counts lines
 * inside quoted CRLF fields twice, so lines are counted here: the row of a record is the line of its first
 * character after any blank lines that precede it.
 */
function lineCounter(bytes: Uint8Array) {
  let position = 0;
  let line = 1;
  const LF = 0x0a;
  const CR = 0x0d;
  const advanceTo = (end: number) => {
    for (; position < end; position++) {
      const byte = bytes[position];
      if (byte === LF || (byte === CR && bytes[position + 1] !== LF)) line++;
    }
  };
  /** The line where the record occupying bytes [current position, end) starts; then moves past it. */
  return (end: number): number => {
    while (position < end && (bytes[position] === LF || bytes[position] === CR)) advanceTo(position + 1);
    const start = line;
    advanceTo(end);
    return start;
  };
}

function setAt(target: Record<string, unknown>, path: readonly PathSegment[], value: unknown): void {
  let node: Record<PathSegment, unknown> = target;
  for (let i = 0; i < path.length - 1; i++) {
    const segment = path[i] as PathSegment;
    node[segment] ??= typeof path[i + 1] === 'number' ? [] : {};
    node = node[segment] as Record<PathSegment, unknown>;
  }
  node[path[path.length - 1] as PathSegment] = value;
}

interface RowObject {
  row: number;
  property: Record<string, unknown>;
  /** Columns already reported for this row (unconvertible cells), whose schema errors would repeat them. */
  reported: string[];
}

/** Converts one row's cells; conversion problems go to `errors`. Undefined when the row cannot be validated. */
function rowObject(
  row: number,
  cells: readonly string[],
  columns: readonly Column[],
  errors: CsvRowError[],
): RowObject | undefined {
  const property: Record<string, unknown> = {};
  const reported: string[] = [];
  const itemsPresent = new Map<string, Set<number>>();
  columns.forEach((column, i) => {
    const cell = (cells[i] ?? '').trim();
    if (cell === '') return;
    let value: string | number;
    if (column.kind === 'text')
      // A line break inside a quoted text cell is a wrapped line (Alt+Enter in a spreadsheet), not data.
      value = cell.includes('\n') || cell.includes('\r') ? cell.replace(/\s*[\r\n]+\s*/g, ' ') : cell;
    else if (DECIMAL.test(cell)) value = Number(cell);
    else {
      errors.push({ row, column: column.header, message: `must be a number, not ${quoteCell(cell)}` });
      reported.push(column.header);
      return;
    }
    setAt(property, column.path, value);
    for (const { list, index } of column.items) {
      const present = itemsPresent.get(list);
      if (present) present.add(index);
      else itemsPresent.set(list, new Set([index]));
    }
  });
  // `appraisals[1].*` filled with `appraisals[0].*` empty: list items are not renumbered, so say so.
  let holes = false;
  for (const [list, indices] of itemsPresent) {
    const last = Math.max(...indices);
    for (let i = 0; i < last; i++)
      if (!indices.has(i)) {
        holes = true;
        errors.push({
          row,
          column: `${list}[${i}]`,
          message: `is empty while ${list}[${last}] is filled; fill lists from [0] without gaps`,
        });
      }
  }
  return holes ? undefined : { row, property, reported };
}

const isReported = (column: string, reported: readonly string[]) =>
  reported.some((r) => column === r || column.startsWith(`${r}.`) || column.startsWith(`${r}[`));

/**
 * Orders errors as a reader scans the file: by row, then by column left to right, whole-row errors first;
 * a column that is no header (`appraisals[1]`) sorts with the first header under it.
 */
function byRowThenColumn(columns: readonly Column[]): (a: CsvRowError, b: CsvRowError) => number {
  const positions = new Map<string, number>(columns.map((c, i) => [c.header, i]));
  const position = (column: string | undefined) => {
    if (column === undefined) return -1;
    let index = positions.get(column);
    if (index === undefined) {
      const under = columns.findIndex((c) => c.header.startsWith(`${column}.`) || c.header.startsWith(`${column}[`));
      index = under === -1 ? columns.length : under;
      positions.set(column, index);
    }
    return index;
  };
  return (a, b) => a.row - b.row || position(a.column) - position(b.column);
}

/**
 * Parses a CSV of properties (header row of field paths, one property per row) into the property schema.
 * Empty cells are absent fields; blank rows are skipped. Errors carry the row's line and the column's header,
 * sorted by row, at most `maxReportedErrors` of them.
 */
export function parsePropertiesCsv(text: string, options: CsvImportOptions): CsvImportResult {
  const { maxRows, maxReportedErrors } = csvImportOptionsSchema.parse(options);
  const fail = (errors: CsvRowError[]): CsvImportResult => ({
    ok: false,
    errors: errors.slice(0, maxReportedErrors),
    totalErrors: errors.length,
  });

  const bytes = new TextEncoder().encode(text);
  const recordEnds: number[] = []; // byte offset just past each record, for its line number
  let records: string[][];
  try {
    records = parse(bytes, {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      on_record: (record, { bytes_records }) => {
        recordEnds.push(bytes_records);
        return record;
      },
    });
  } catch (error) {
    if (error instanceof CsvSyntaxError)
      return fail([{ row: typeof error.lines === 'number' ? error.lines : 1, message: error.message }]);
    throw error;
  }

  const header = records[0];
  if (!header) return fail([{ row: 1, message: 'the file is empty: expected a header row of field names' }]);
  const headerResult = readHeader(header);
  if ('errors' in headerResult) return fail(headerResult.errors);
  const { columns } = headerResult;

  const lineOf = lineCounter(bytes);
  const dataRows: { row: number; cells: string[] }[] = [];
  for (const [i, record] of records.entries()) {
    const row = lineOf(recordEnds[i] ?? bytes.length);
    if (i === 0) continue; // the header
    // Spreadsheets pad exports with rows of empty cells; they are not properties.
    if (record.every((cell) => cell.trim() === '')) continue;
    if (dataRows.length === maxRows)
      return fail([{ row, message: `too many rows: at most ${maxRows} properties per file` }]);
    dataRows.push({ row, cells: record });
  }
  if (dataRows.length === 0)
    return fail([{ row: 1, message: 'no data rows: expected one property per row below the header' }]);

  const errors: CsvRowError[] = [];
  const objects: RowObject[] = [];
  for (const { row, cells } of dataRows) {
    if (cells.length !== columns.length) {
      errors.push({ row, message: `has ${cells.length} cells, the header has ${columns.length} columns` });
      continue;
    }
    const object = rowObject(row, cells, columns, errors);
    if (object) objects.push(object);
  }

  const parsed = objects.length > 0 ? propertyListSchema(options).safeParse(objects.map((o) => o.property)) : undefined;
  if (parsed && !parsed.success) {
    for (const issue of parsed.error.issues) {
      const [index, ...fieldPath] = issue.path;
      const object = typeof index === 'number' ? objects[index] : undefined;
      const column = formatPath(fieldPath);
      if (object && isReported(column, object.reported)) continue;
      // The list schema names other items by array index (`first at properties[3]`); a CSV user counts rows.
      const message = issue.message.replace(/\bproperties\[(\d+)\]/g, (whole, i: string) => {
        const other = objects[Number(i)];
        return other ? `row ${other.row}` : whole;
      });
      errors.push(object ? { row: object.row, ...(column && { column }), message } : { row: 1, message });
    }
  }
  if (errors.length > 0 || !parsed?.success) return fail(errors.sort(byRowThenColumn(columns)));
  return { ok: true, properties: parsed.data };
}

/** A column of CSV output: its header and where its value sits in a property. */
export interface CsvColumn {
  header: string;
  path: readonly PathSegment[];
}

/** Largest length seen of each list, by indexed path (`appraisals`, `appraisals[0].comparables`). */
function observeLengths(
  node: ObjectNode,
  value: Record<string, unknown>,
  prefix: PathSegment[],
  lengths: Map<string, number>,
): void {
  for (const [name, field] of node.fields) {
    const child = value[name];
    const path = [...prefix, name];
    if (field.kind === 'object' && child !== undefined)
      observeLengths(field, child as Record<string, unknown>, path, lengths);
    if (field.kind === 'array' && Array.isArray(child)) {
      const key = formatPath(path);
      lengths.set(key, Math.max(lengths.get(key) ?? 0, child.length));
      if (field.element.kind === 'object') {
        const element = field.element;
        child.forEach((item: Record<string, unknown>, i) => observeLengths(element, item, [...path, i], lengths));
      }
    }
  }
}

function listColumns(
  node: FieldNode,
  path: PathSegment[],
  lengths: ReadonlyMap<string, number>,
  out: CsvColumn[],
): void {
  if (node.kind === 'object')
    for (const [name, field] of node.fields) listColumns(field, [...path, name], lengths, out);
  else if (node.kind === 'array')
    for (let i = 0; i < (lengths.get(formatPath(path)) ?? 0); i++)
      listColumns(node.element, [...path, i], lengths, out);
  else out.push({ header: formatPath(path), path });
}

/**
 * Columns that hold every given property, in a fixed order: every non-list field in schema order
 * (`loan.*` included, filled or not), then the list items in schema order, each list up to the longest
 * one present (`appraisals[0].appraisalId`, ..., `appraisals[0].comparables[0].salePrice`, ...).
 * Takes any iterable, so a generator can size the columns in one pass and write rows in another.
 */
export function csvColumnsFor(properties: Iterable<Property>): CsvColumn[] {
  const lengths = new Map<string, number>();
  for (const property of properties) observeLengths(PROPERTY_FIELDS, property, [], lengths);
  const columns: CsvColumn[] = [];
  listColumns(PROPERTY_FIELDS, [], lengths, columns);
  const isListItem = (c: CsvColumn) => c.path.some((s) => typeof s === 'number');
  return [...columns.filter((c) => !isListItem(c)), ...columns.filter(isListItem)];
}

function csvCell(value: unknown): string {
  if (value === undefined) return '';
  // Columns are leaf paths (listColumns): a cell holds a string, or a number or boolean written as JSON writes it.
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /^\s|[",\r\n]|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvHeaderLine(columns: readonly CsvColumn[]): string {
  return columns.map((c) => csvCell(c.header)).join(',');
}

/** One property as a CSV line (no line break), cells in `columns` order, absent fields empty. */
export function csvRecordLine(property: Property, columns: readonly CsvColumn[]): string {
  return columns
    .map((column) => {
      let value: unknown = property;
      for (const segment of column.path) value = (value as Record<PathSegment, unknown> | undefined)?.[segment];
      return csvCell(value);
    })
    .join(',');
}

/**
 * The inverse of `parsePropertiesCsv`: a header line and one line per property, each ending in `\n`.
 * Parsing it gives the same properties, except that an empty list (`comparables: []`) reads back as absent.
 */
export function propertiesToCsv(properties: readonly Property[]): string {
  const columns = csvColumnsFor(properties);
  return [csvHeaderLine(columns), ...properties.map((p) => csvRecordLine(p, columns))]
    .map((line) => `${line}\n`)
    .join('');
}
