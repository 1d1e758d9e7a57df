// The header row of a tape, read into a plan: which field each column holds. A header matches a field
// ignoring case, spaces, underscores, dots and hyphens (`Property ID` = `property_id` = `propertyId`), or
// by the published synonyms (`UPB` = loan.balance), or by the caller's own column map. An unknown column
// gets a "did you mean"; a header that is not this product's layout at all is one error, not one per column.
import { article } from '../domain/plural.ts';
import { closestMatch } from 'leven';
import { z } from 'zod';
import { formatPath } from '../domain/validation.ts';
import {
  PROPERTY_FIELDS,
  scalarFieldPaths,
  type FieldNode,
  type ObjectNode,
  type PathSegment,
} from '../domain/property-fields.ts';
import { formatOf, type FieldFormat } from './cells.ts';
import { quoteCell, type IntakeError } from '../domain/data-quality.ts';
import { HEADER_HINTS, HEADER_SYNONYMS, squash } from './vocabulary.ts';

/** A column of the tape and what it holds. */
export type ColumnPlan =
  | {
      kind: 'field';
      index: number;
      header: string;
      path: PathSegment[];
      /** The field path as text: `loan.balance`, `appraisals[1].effectiveDate`. */
      field: string;
      format: FieldFormat;
      /** Objects and list items the path passes through, for required-column checks. */
      groups: { path: PathSegment[]; node: ObjectNode }[];
    }
  | { kind: 'ignored'; index: number; header: string }
  /** No header: ignored while its cells are empty (Excel pads exports with such columns). */
  | { kind: 'blank'; index: number; header: '' };
export type FieldColumn = Extract<ColumnPlan, { kind: 'field' }>;

export interface ColumnOptions {
  /** The caller's header -> field path (or null: ignore the column). Headers compare squashed. */
  columnMap?: Readonly<Record<string, string | null>> | undefined;
  /** What to do with columns that name no field: refuse the file (default) or ignore them. */
  unknownColumns?: 'reject' | 'ignore' | undefined;
  /** The separator the file was read with, for messages. */
  separator?: string | undefined;
  /** A workbook's sheet read and all its sheets, for messages. */
  workbook?: { sheet: string; sheets: readonly string[] } | undefined;
}

/** How a header was matched, for the HEADER_MATCHED / COLUMN_IGNORED warnings. */
export interface HeaderNote {
  header: string;
  field?: string;
  how: 'spelling' | 'synonym' | 'columnMap' | 'ignored';
}

type Resolution =
  { ok: true; path: PathSegment[]; node: FieldNode; groups: FieldColumn['groups'] } | { ok: false; problem: string };

/** Walks the schema along a squashed header: `appraisals[0]comparables[1]saleprice`. */
function resolveSquashed(
  key: string,
  node: ObjectNode,
  path: PathSegment[],
  groups: FieldColumn['groups'],
): Resolution | undefined {
  for (const [name, field] of node.fields) {
    const own = squash(name);
    if (!key.startsWith(own)) continue;
    let rest = key.slice(own.length);
    const here: PathSegment[] = [...path, name];
    let target: FieldNode = field;
    let problem: string | undefined;
    while (target.kind === 'array' && problem === undefined) {
      const index = /^\[(0|[1-9]\d*)\]/.exec(rest);
      if (!index) {
        if (rest === '')
          problem = `${formatPath(here)} is a list, name a field of an item (${formatPath([...here, 0])}...)`;
        break;
      }
      const i = Number(index[1]);
      if (i >= target.maxItems) problem = `${formatPath(here)} has at most ${target.maxItems} items, indexed from 0`;
      here.push(i);
      target = target.element;
      rest = rest.slice(index[0].length);
    }
    if (problem !== undefined) return { ok: false, problem };
    if (target.kind === 'array') continue;
    if (target.kind === 'object') {
      const inner = [...groups, { path: here, node: target }];
      if (rest === '') return { ok: false, problem: `${formatPath(here)} is a group, name one of its fields` };
      const found = resolveSquashed(rest, target, here, inner);
      if (found) return found;
      continue;
    }
    if (rest === '') return { ok: true, path: here, node: target, groups };
  }
  return undefined;
}

const ROOT_GROUP: FieldColumn['groups'][number] = { path: [], node: PROPERTY_FIELDS };

/** A field path written any way we read (`Loan Balance`, `loan.balance`), resolved; undefined if none. */
export function resolveFieldName(name: string): Resolution | undefined {
  return resolveSquashed(squash(name), PROPERTY_FIELDS, [], [ROOT_GROUP]);
}

/**
 * A caller's column map: their header -> our field path (`{"Cur UPB": "loan.balance"}`), or null to ignore
 * the column. Each target must be a field (a leaf: `loan.balance`, `appraisals[0].appraisedValue`).
 */
export const columnMapSchema = z
  .record(z.string().min(1, 'a header must not be empty'), z.string().nullable(), {
    error: 'must be a JSON object of header -> field path (or null to ignore the column)',
  })
  .superRefine((map, ctx) => {
    for (const [header, field] of Object.entries(map))
      if (field !== null && resolveFieldName(field)?.ok !== true)
        ctx.addIssue({
          code: 'custom',
          path: [header],
          message: `'${field}' is not a field: name one like loan.balance or appraisals[0].appraisedValue`,
        });
  });

const SYNONYMS = new Map<string, string>(
  Object.entries(HEADER_SYNONYMS).flatMap(([field, names]) => names.map((n) => [squash(n), field] as const)),
);

/** Every name a "did you mean" may suggest, squashed -> field path. */
const SUGGESTIONS = new Map<string, string>([
  ...scalarFieldPaths().map((p) => [squash(p.join('.')), p.join('.')] as const),
  ...SYNONYMS,
]);

/** How a header cell reads: a field (and how it matched), or why not. */
function readHeader(
  header: string,
  options: ColumnOptions,
): { field?: Resolution & { ok: true }; how?: HeaderNote['how']; ignored?: true; problem?: string } {
  const key = squash(header);
  const mapped = Object.entries(options.columnMap ?? {}).find(([from]) => squash(from) === key);
  if (mapped) {
    if (mapped[1] === null) return { ignored: true, how: 'columnMap' };
    const target = resolveFieldName(mapped[1]);
    if (target?.ok) return { field: target, how: 'columnMap' };
    return { problem: `columnMap maps it to '${mapped[1]}', which is not a field` };
  }
  const direct = resolveSquashed(key, PROPERTY_FIELDS, [], [ROOT_GROUP]);
  if (direct?.ok) return { field: direct, how: 'spelling' };
  if (direct) return { problem: direct.problem };
  const synonym = SYNONYMS.get(key);
  if (synonym !== undefined) return { field: resolveFieldName(synonym) as Resolution & { ok: true }, how: 'synonym' };
  return {};
}

/** Columns of a header that name a field, and those that name something: how much it looks like a header. */
export function headerScore(cells: readonly string[]): { fields: number; named: number } {
  let fields = 0;
  let named = 0;
  for (const cell of cells) {
    if (cell.trim() === '') continue;
    named++;
    if (readHeader(cell.trim(), {}).field) fields++;
  }
  return { fields, named };
}

function unknownColumnText(header: string): { message: string; fix: string } {
  const key = squash(header);
  const hint = HEADER_HINTS[key];
  if (hint !== undefined)
    return { message: `column ${quoteCell(header)} ${hint}`, fix: `remove the column, or map it with columnMap` };
  const suggestion =
    key === ''
      ? undefined
      : closestMatch(key, [...SUGGESTIONS.keys()], { maxDistance: Math.max(1, Math.floor(key.length / 4)) });
  const field = suggestion === undefined ? undefined : SUGGESTIONS.get(suggestion);
  if (field !== undefined)
    return {
      message: `unknown column ${quoteCell(header)}: did you mean ${field}?`,
      fix: `rename the column to ${field}`,
    };
  return {
    message: `unknown column ${quoteCell(header)}`,
    fix: `rename it to a field name (README "Input" lists them with their synonyms), map it with columnMap={"${header}":"field"}, or ignore it with unknownColumns=ignore`,
  };
}

const rowOne = (column: string, code: string, message: string, fix?: string): IntakeError => ({
  path: `row 1, column ${column}`,
  row: 1,
  column,
  code,
  message: fix === undefined ? message : `${message}: ${fix}`,
  ...(fix !== undefined && { fix }),
});

/**
 * The plan of a header row, or its errors (all on row 1). A header that names too few of our fields to be
 * this product's layout is one error listing what is unknown and missing; otherwise each unknown, repeated
 * or missing required column is its own error.
 */
export function planColumns(
  cells: readonly string[],
  options: ColumnOptions = {},
): { ok: true; columns: ColumnPlan[]; notes: HeaderNote[] } | { ok: false; errors: IntakeError[] } {
  const columns: ColumnPlan[] = [];
  const notes: HeaderNote[] = [];
  const errors: IntakeError[] = [];
  const unknown: string[] = [];
  const byField = new Map<string, FieldColumn>();
  const groups = new Map<string, FieldColumn['groups'][number]>([['', ROOT_GROUP]]);
  cells.forEach((cell, index) => {
    const header = cell.trim();
    if (header === '') {
      columns.push({ kind: 'blank', index, header: '' });
      return;
    }
    const read = readHeader(header, options);
    if (read.ignored) {
      columns.push({ kind: 'ignored', index, header });
      notes.push({ header, how: 'ignored' });
      return;
    }
    if (read.problem !== undefined) {
      errors.push(rowOne(header, 'UNKNOWN_COLUMN', `unknown column ${quoteCell(header)}: ${read.problem}`));
      return;
    }
    if (!read.field) {
      if (options.unknownColumns === 'ignore') {
        columns.push({ kind: 'ignored', index, header });
        notes.push({ header, how: 'ignored' });
      } else unknown.push(header);
      return;
    }
    const { path, node } = read.field;
    const field = formatPath(path);
    const earlier = byField.get(field);
    if (earlier) {
      errors.push(
        rowOne(
          header,
          'DUPLICATE_COLUMN',
          `column ${quoteCell(header)} holds ${field}, as column ${quoteCell(earlier.header)} does`,
          'keep one of them',
        ),
      );
      return;
    }
    if (node.kind !== 'number' && node.kind !== 'text') return; // resolveSquashed only returns leaves
    const last = path.filter((s): s is string => typeof s === 'string').at(-1) ?? '';
    const column: FieldColumn = {
      kind: 'field',
      index,
      header,
      path,
      field,
      format: formatOf(last, node),
      groups: read.field.groups,
    };
    byField.set(field, column);
    columns.push(column);
    for (const group of read.field.groups) groups.set(formatPath(group.path), group);
    // Spelling variants (`Property ID`) are the field's own name; synonyms and mapped columns are renamings.
    if (read.how !== 'spelling') notes.push({ header, field, how: read.how ?? 'spelling' });
  });
  for (const header of Object.keys(options.columnMap ?? {}))
    if (!cells.some((cell) => squash(cell.trim()) === squash(header)))
      errors.push({
        path: 'row 1',
        row: 1,
        code: 'COLUMN_MAP_UNUSED',
        message: `columnMap names the column ${quoteCell(header)}, which the header does not have: check its spelling`,
        fix: 'check its spelling',
      });

  // Every object with a column needs a column for each of its required fields: `loan.balance` when any
  // `loan.*` is there, `appraisals[1].appraiserId` when any `appraisals[1].*` is.
  const missing: string[] = [];
  for (const { path, node } of groups.values())
    for (const name of node.required) {
      const field = formatPath([...path, name]);
      const kind = node.fields.get(name)?.kind;
      if ((kind === 'number' || kind === 'text') && !byField.has(field)) missing.push(field);
    }

  if (byField.size < 2 || unknown.length > byField.size)
    return { ok: false, errors: [notOurHeader(cells, unknown, missing, options)] };
  for (const header of unknown) {
    const { message, fix } = unknownColumnText(header);
    errors.push(rowOne(header, 'UNKNOWN_COLUMN', message, fix));
  }
  for (const field of missing)
    errors.push(
      rowOne(
        field,
        'MISSING_COLUMN',
        `required column ${field} is missing`,
        `add ${article(field)} column (or map the column that holds it with columnMap)`,
      ),
    );
  return errors.length > 0 ? { ok: false, errors } : { ok: true, columns, notes };
}

/** The one error for a header that is not this product's layout. */
function notOurHeader(
  cells: readonly string[],
  unknown: readonly string[],
  missing: readonly string[],
  options: ColumnOptions,
): IntakeError {
  const named = cells.filter((c) => c.trim() !== '');
  const separator = options.separator === '\t' ? 'tab' : `'${options.separator ?? ','}'`;
  const unknownList = `${unknown.length} of ${named.length} are unknown (${unknown.slice(0, 12).join(', ')}${unknown.length > 12 ? ', ...' : ''})`;
  const { workbook } = options;
  const parts = workbook
    ? [
        `sheet ${quoteCell(workbook.sheet)} was read (the workbook's sheets: ${workbook.sheets.map((s) => quoteCell(s)).join(', ')}) and its row 1 does not name this product's columns: ${unknownList}`,
      ]
    : [
        named.length === 1
          ? `row 1 has a single column ${quoteCell(named[0] ?? '')} (read as ${separator}-separated): columns must be separated by , ; | or tab`
          : `the header in row 1 (read as ${separator}-separated) does not name this product's columns: ${unknownList}`,
      ];
  if (missing.length > 0) parts.push(`required columns are missing (${missing.join(', ')})`);
  const hints = unknown.flatMap((h) => {
    const hint = HEADER_HINTS[squash(h)];
    return hint === undefined ? [] : [`${h} ${hint}`];
  });
  const rename =
    'rename the columns to the field names (README "Input" lists them with the synonyms read), or map them with columnMap';
  const fix =
    workbook && workbook.sheets.length > 1
      ? `name the sheet that holds the tape with ?sheet=NAME (${workbook.sheets
          .filter((s) => s !== workbook.sheet)
          .map((s) => `?sheet=${encodeURIComponent(s)}`)
          .join(', ')}), or ${rename}`
      : rename;
  return {
    path: 'row 1',
    row: 1,
    code: 'NOT_A_PROPERTY_HEADER',
    message: `${[...parts, ...hints].join('; ')}: ${fix}`,
    fix,
  };
}
