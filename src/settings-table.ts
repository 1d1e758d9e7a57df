// The environment-to-settings mechanism behind src/config.ts: every setting is one row naming its
// environment variable, where it lands in the settings object and what it does. The same rows
// document the settings (README, local.settings.example.json), so docs cannot drift from code.
import { z } from 'zod';

export interface SettingRow {
  /** Environment variable (Functions app setting) name. */
  env: string;
  /** Dotted path in the settings object, e.g. `fraud.flipGainPct`. */
  path: string;
  /** What the setting does, for the README and local.settings.example.json. */
  description: string;
  /** Value for local.settings.example.json; the schema default when absent. */
  example?: string;
  /** Never printed (keys, connection strings). */
  secret?: boolean;
}

export class ConfigurationError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigurationError';
    this.problems = problems;
  }
}

type AnySchema = z.ZodType;

/** Peels defaults, optionals and pipes off a schema to find the type a raw string must become. */
function leafKind(schema: AnySchema): 'number' | 'boolean' | 'array' | 'string' {
  let current: AnySchema = schema;
  for (let i = 0; i < 10; i++) {
    if (current instanceof z.ZodNumber) return 'number';
    if (current instanceof z.ZodBoolean) return 'boolean';
    if (current instanceof z.ZodArray) return 'array';
    if (current instanceof z.ZodDefault || current instanceof z.ZodOptional || current instanceof z.ZodNullable) {
      current = current.unwrap() as AnySchema;
    } else if (current instanceof z.ZodPipe) {
      current = current.in as AnySchema;
    } else break;
  }
  return 'string';
}

/** The schema at a dotted path of nested objects (defaults and optionals looked through). */
export function schemaAt(root: AnySchema, path: string): AnySchema | undefined {
  let current: AnySchema | undefined = root;
  for (const key of path.split('.')) {
    while (current instanceof z.ZodDefault || current instanceof z.ZodOptional) current = current.unwrap() as AnySchema;
    if (!(current instanceof z.ZodObject)) return undefined;
    current = (current.shape as Record<string, AnySchema>)[key];
  }
  return current;
}

/** A raw environment string turned into what the field expects; left as-is when it does not convert, so zod reports it. */
function convert(raw: string, kind: ReturnType<typeof leafKind>): unknown {
  const text = raw.trim();
  switch (kind) {
    case 'number':
      return text !== '' && Number.isFinite(Number(text)) ? Number(text) : raw;
    case 'boolean':
      return /^(true|1|yes)$/i.test(text) ? true : /^(false|0|no)$/i.test(text) ? false : raw;
    case 'array':
      return text.split(',').map((s) => s.trim()).filter(Boolean);
    default:
      return text;
  }
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

/**
 * Reads the rows' variables from `env`, converts each by its field's type, and validates the whole
 * object once. Unset or empty variables leave the schema's default in place. Every problem names the
 * variable: `MAX_FSD: must be <= 1 (got "7")`.
 */
export function parseSettings<S extends AnySchema>(schema: S, rows: readonly SettingRow[], env: Record<string, string | undefined>): z.infer<S> {
  const raw: Record<string, unknown> = {};
  const byPath = new Map(rows.map((row) => [row.path, row]));
  for (const row of rows) {
    const value = env[row.env];
    if (value === undefined || value.trim() === '') continue;
    const field = schemaAt(schema, row.path);
    if (!field) throw new Error(`settings table: no field at '${row.path}' for ${row.env}`);
    setPath(raw, row.path, convert(value, leafKind(field)));
  }
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.join('.');
    const row = byPath.get(path);
    if (!row) return `${path || 'settings'}: ${issue.message}`;
    const value = env[row.env];
    const shown = row.secret || value === undefined ? '' : ` (got ${JSON.stringify(value)})`;
    return `${row.env}: ${issue.message}${shown}`;
  });
  throw new ConfigurationError(problems);
}
