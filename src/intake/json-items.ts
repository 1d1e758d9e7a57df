// The `properties` of a JSON body, one at a time, read with the same cell rules as a tape: `null` is an
// absent field, `"300000"` and `"$450,000"` are numbers (counted as a warning), `"2024-03-15T00:00:00.000Z"`
// is 2024-03-15, and a ZIP sent as the number 2134 is refused with the string to send instead. Errors
// name JSON paths (`properties[3].zip`).
import { PROPERTY_FIELDS, type FieldNode, type PathSegment } from '../domain/property-fields.ts';
import type { propertySchema } from '../domain/schemas.ts';
import { formatPath } from '../domain/validation.ts';
import { formatOf, readCell, type Dialect, type RowContext } from './cells.ts';
import type { TapeCollector } from './collector.ts';
import type { IntakeError } from '../domain/data-quality.ts';
import { fieldError, noteCell, rowFindings, validateCandidate, type RowLocation } from './rows.ts';

/** The property's keys read after the others (top level only), with the row's units and state. */
const ROW_LATE_KEYS: ReadonlySet<string> = new Set(['propertyType', 'zip']);

const JSON_DIALECT: Dialect = { decimalComma: false, spreadsheet: false };

function locate(index: number): RowLocation {
  return { at: `properties[${index}]`, columnOf: () => undefined, positionOf: () => 0 };
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

interface WalkContext {
  location: RowLocation;
  collector: TapeCollector;
  errors: IntakeError[];
  reported: Set<string>;
}

/**
 * The value at `path` read against the schema node: leaves through the cell rules, `null` dropped.
 * Shapes the schema does not expect (unknown keys, a string for an object) pass through for zod to name.
 */
function walk(node: FieldNode, raw: unknown, path: PathSegment[], ctx: WalkContext, row?: RowContext): unknown {
  if (raw === null) return undefined;
  if (node.kind === 'object') {
    if (!isPlainObject(raw)) return raw;
    const out: Record<string, unknown> = {};
    // The property type and the ZIP last, read with the row's units and state (as in a tape).
    const late = (key: string) => Number(ROW_LATE_KEYS.has(key));
    const keys = Object.keys(raw).sort((a, b) => late(a) - late(b));
    for (const key of keys) {
      const field = node.fields.get(key);
      const context = ROW_LATE_KEYS.has(key)
        ? {
            units: typeof out.units === 'number' ? out.units : undefined,
            state: typeof out.state === 'string' ? out.state : undefined,
          }
        : undefined;
      const value = field === undefined ? raw[key] : walk(field, raw[key], [...path, key], ctx, context);
      if (value !== undefined) out[key] = value;
    }
    return out;
  }
  if (node.kind === 'array')
    return Array.isArray(raw) ? raw.map((item, i) => walk(node.element, item, [...path, i], ctx)) : raw;
  if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') return raw;
  const name = path.filter((s): s is string => typeof s === 'string').at(-1) ?? '';
  const format = formatOf(name, node);
  const field = formatPath(path);
  const outcome = readCell(raw, format, JSON_DIALECT, row);
  if (outcome.kind === 'error') {
    ctx.errors.push(fieldError(ctx.location, field, outcome.error));
    ctx.reported.add(field);
    return undefined;
  }
  const note =
    outcome.note ??
    (format.kind === 'number' && typeof raw === 'string' && outcome.kind === 'value'
      ? { code: 'NUMBER_AS_TEXT' as const, value: raw, normalised: String(outcome.value) }
      : undefined);
  if (note) noteCell(ctx.collector.warnings, ctx.location, field, note);
  return outcome.kind === 'value' ? outcome.value : undefined;
}

/** Reads each item of a JSON `properties` array (or of a top-level array) into the collector. */
export async function readJsonItems(
  items: AsyncIterable<unknown> | Iterable<unknown>,
  schema: ReturnType<typeof propertySchema>,
  collector: TapeCollector,
): Promise<void> {
  let index = -1;
  for await (const item of items) {
    index++;
    const location = locate(index);
    if (!collector.countRow(location)) return;
    const ctx: WalkContext = { location, collector, errors: [], reported: new Set() };
    const candidate = walk(PROPERTY_FIELDS, item, [], ctx);
    const propertyId = isPlainObject(item) && typeof item.propertyId === 'string' ? item.propertyId : undefined;
    if (!isPlainObject(candidate)) {
      collector.reject(location, [
        fieldError(location, '', { code: 'NOT_AN_OBJECT', message: 'must be an object: one property' }),
      ]);
      continue;
    }
    const validated = validateCandidate(schema, candidate, location, ctx.reported);
    if (!validated.ok || ctx.errors.length > 0) {
      collector.reject(location, [...ctx.errors, ...(validated.ok ? [] : validated.errors)], propertyId);
      continue;
    }
    const findings = rowFindings(validated.property, location, collector.warnings);
    if (findings.errors.length > 0) collector.reject(location, findings.errors, propertyId);
    else await collector.accept(location, findings.property);
  }
}
