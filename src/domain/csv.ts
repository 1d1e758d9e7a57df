// CSV output of properties, for the sample generator and for tests that write tapes: one row per property,
// each header a field path in the syntax the intake reads and errors use (`loan.balance`,
// `appraisals[0].comparables[1].salePrice`). Reading tapes is src/intake's job.
import { formatPath } from './validation.ts';
import { PROPERTY_FIELDS, type FieldNode, type ObjectNode, type PathSegment } from './property-fields.ts';
import type { Property } from './schemas.ts';

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

/** A CSV separator the intake reads. */
export type CsvSeparator = ',' | ';' | '|' | '\t';

function csvCell(value: unknown, separator: CsvSeparator): string {
  if (value === undefined) return '';
  // Columns are leaf paths (listColumns): a cell holds a string, or a number or boolean written as JSON writes it.
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /^\s|["\r\n]|\s$/.test(text) || text.includes(separator) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvHeaderLine(columns: readonly CsvColumn[], separator: CsvSeparator = ','): string {
  return columns.map((c) => csvCell(c.header, separator)).join(separator);
}

/** The value at `path` in a property (undefined when absent). */
export function valueAt(property: Property, path: readonly PathSegment[]): unknown {
  let value: unknown = property;
  for (const segment of path) value = (value as Record<PathSegment, unknown> | undefined)?.[segment];
  return value;
}

/**
 * One property as a CSV line (no line break), cells in `columns` order, absent fields empty. `formatNumber`
 * writes numbers (default as JSON does; a European-locale writer passes one with a decimal comma).
 */
export function csvRecordLine(
  property: Property,
  columns: readonly CsvColumn[],
  separator: CsvSeparator = ',',
  formatNumber: (n: number) => string = (n) => JSON.stringify(n),
): string {
  return columns
    .map((column) => {
      const value = valueAt(property, column.path);
      return csvCell(typeof value === 'number' ? formatNumber(value) : value, separator);
    })
    .join(separator);
}

/**
 * A header line and one line per property, each ending in `\n`. Reading it back (src/intake) gives the same
 * properties, except that an empty list (`comparables: []`) reads back as absent.
 */
export function propertiesToCsv(properties: readonly Property[], separator: CsvSeparator = ','): string {
  const columns = csvColumnsFor(properties);
  return [csvHeaderLine(columns, separator), ...properties.map((p) => csvRecordLine(p, columns, separator))]
    .map((line) => `${line}\n`)
    .join('');
}
