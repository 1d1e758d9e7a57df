// Any report section as tables: the one way the dashboard turns a section it has no bespoke view for into
// something readable (GenericSection), and the way every section becomes a worksheet (report workbook).
// Objects flatten to "field | value" rows with dotted paths; lists of objects become tables of their own.
// Values are shown as the API wrote them (no unit is guessed: fractions stay fractions).

export type Cell = string | number | boolean | null;

export interface Block {
  /** Dotted path of the list or object inside the section ('' for the section itself). */
  title: string;
  columns: string[];
  rows: Cell[][];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function cell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** A list of objects as one table: the union of their keys, nested objects in dotted columns. */
function tableOf(title: string, items: unknown[]): Block {
  const flatItems = items.map((item) => (isRecord(item) ? flatten(item) : { value: item }));
  const columns: string[] = [];
  for (const item of flatItems) for (const key of Object.keys(item)) if (!columns.includes(key)) columns.push(key);
  return { title, columns, rows: flatItems.map((item) => columns.map((c) => cell(item[c]))) };
}

/** Nested objects as dotted keys; arrays kept as values (JSON text in a cell). */
function flatten(value: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isRecord(v)) Object.assign(out, flatten(v, path));
    else out[path] = v;
  }
  return out;
}

/**
 * The section as blocks: first its scalar fields (dotted paths), then one table per list of objects
 * (at any depth), in the order they appear. A list of scalars stays one cell.
 */
export function tabulate(section: unknown): Block[] {
  if (Array.isArray(section)) return [tableOf('', section)];
  if (!isRecord(section)) return [{ title: '', columns: ['value'], rows: [[cell(section)]] }];
  const fields: Cell[][] = [];
  const tables: Block[] = [];
  const walk = (value: Record<string, unknown>, prefix: string) => {
    for (const [key, v] of Object.entries(value)) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (Array.isArray(v) && v.some(isRecord)) tables.push(tableOf(path, v));
      else if (isRecord(v)) walk(v, path);
      else fields.push([path, cell(v)]);
    }
  };
  walk(section, '');
  return [...(fields.length > 0 ? [{ title: '', columns: ['field', 'value'], rows: fields }] : []), ...tables];
}
