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
  /** Never printed (keys, connection strings); set but empty is an error, never "use the default". */
  secret?: boolean;
  /**
   * In Azure (src/hosting.ts): `required` stops the start when unset (no local default applies there);
   * `forbidden` stops it when set: keys and connection strings are for the local emulators (Azure uses the
   * managed identity), chaos switches for tests. infra/app/api.bicep sets every `required` row and no
   * `forbidden` one (test/unit/infra).
   */
  inAzure?: 'required' | 'forbidden';
  /** Why Azure refuses a `forbidden` row, for the start-up message; default: it is a key for the local emulators. */
  refusedBecause?: string;
  /** Means something in Azure only (identity endpoints and client ids): left out of local.settings.example.json. */
  azureOnly?: boolean;
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

type Wrapper = z.ZodDefault | z.ZodPrefault | z.ZodOptional | z.ZodNullable;

function isWrapper(schema: AnySchema | undefined): schema is Wrapper {
  return (
    schema instanceof z.ZodDefault ||
    schema instanceof z.ZodPrefault ||
    schema instanceof z.ZodOptional ||
    schema instanceof z.ZodNullable
  );
}

/** Peels defaults, optionals and pipes off a schema to find the type a raw string must become. */
function leafKind(schema: AnySchema): 'number' | 'boolean' | 'array' | 'string' {
  let current: AnySchema = schema;
  for (let i = 0; i < 10; i++) {
    if (current instanceof z.ZodNumber) return 'number';
    if (current instanceof z.ZodBoolean) return 'boolean';
    if (current instanceof z.ZodArray) return 'array';
    if (isWrapper(current)) {
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
    while (isWrapper(current)) current = current.unwrap() as AnySchema;
    if (!(current instanceof z.ZodObject)) return undefined;
    current = (current.shape as Record<string, AnySchema>)[key];
  }
  return current;
}

/**
 * A raw environment string turned into what the field expects; left as-is when it does not convert, so zod reports it.
 */
function convert(raw: string, kind: ReturnType<typeof leafKind>): unknown {
  const text = raw.trim();
  switch (kind) {
    case 'number':
      return text !== '' && Number.isFinite(Number(text)) ? Number(text) : raw;
    case 'boolean':
      return /^(true|1|yes)$/i.test(text) ? true : /^(false|0|no)$/i.test(text) ? false : raw;
    case 'array':
      return text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
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
export function parseSettings<S extends AnySchema>(
  schema: S,
  rows: readonly SettingRow[],
  env: Record<string, string | undefined>,
): z.infer<S> {
  const raw: Record<string, unknown> = {};
  const byPath = new Map(rows.map((row) => [row.path, row]));
  const emptySecrets: string[] = [];
  for (const row of rows) {
    const value = env[row.env];
    if (value !== undefined && value.trim() === '' && row.secret) emptySecrets.push(row.env);
    if (value === undefined || value.trim() === '') continue;
    const field = schemaAt(schema, row.path);
    if (!field) throw new Error(`settings table: no field at '${row.path}' for ${row.env}`);
    setPath(raw, row.path, convert(value, leafKind(field)));
  }
  const result = schema.safeParse(raw);
  const empty = emptySecrets.map((env) => `${env}: is set but empty; give the value, or remove the setting`);
  if (result.success && empty.length === 0) return result.data;
  const issues = result.success ? [] : result.error.issues;
  const problems = issues.map((issue) => {
    const path = issue.path.join('.');
    const row = byPath.get(path);
    if (!row) return `${path || 'settings'}: ${issue.message}`;
    const value = env[row.env];
    const shown = row.secret || value === undefined ? '' : ` (got ${JSON.stringify(value)})`;
    return `${row.env}: ${issue.message}${shown}`;
  });
  throw new ConfigurationError([...empty, ...problems]);
}

function valueAt(source: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], source);
}

/**
 * local.settings.json content listing every setting: `Values` holds each variable with its example or
 * default value (so a copy runs as-is against the local stack), `Descriptions` says what each does.
 * `func start` and devhost read `Values` and ignore the other keys.
 */
export function localSettingsExample(
  schema: AnySchema,
  rows: readonly SettingRow[],
  baseValues: Record<string, string>,
): unknown {
  const defaults = schema.parse({});
  const values: Record<string, string> = { ...baseValues };
  const descriptions: Record<string, string> = {};
  for (const row of rows) {
    if (row.azureOnly) continue;
    values[row.env] = row.example ?? defaultText(defaults, row);
    descriptions[row.env] = row.description;
  }
  return { IsEncrypted: false, Values: values, Descriptions: descriptions };
}

function defaultText(defaults: unknown, row: SettingRow): string {
  const fallback = valueAt(defaults, row.path);
  if (Array.isArray(fallback)) return fallback.join(',');
  if (fallback === undefined) return '';
  return typeof fallback === 'string' ? fallback : JSON.stringify(fallback);
}

export const README_TABLE_START = '<!-- settings:start (npm run settings:example) -->';
export const README_TABLE_END = '<!-- settings:end -->';

const IN_AZURE_TEXT = { required: 'required', forbidden: 'refused' } as const;

/** The README's settings table: variable, default, whether Azure requires or refuses it, what it does. */
export function settingsMarkdownTable(schema: AnySchema, rows: readonly SettingRow[]): string {
  const defaults = schema.parse({});
  const cell = (text: string) => text.replaceAll('|', '\\|');
  const lines = ['| variable | default | in Azure | what it does |', '|---|---|---|---|'];
  for (const row of rows) {
    const value = row.secret ? '' : defaultText(defaults, row);
    const azure = row.inAzure ? IN_AZURE_TEXT[row.inAzure] : row.azureOnly ? 'Azure only' : '';
    lines.push(
      `| \`${row.env}\` | ${value === '' ? (row.secret ? '(secret)' : '(none)') : `\`${cell(value)}\``} | ${azure} | ${cell(row.description)} |`,
    );
  }
  return [README_TABLE_START, ...lines, README_TABLE_END].join('\n');
}

/** `markdown` with the text between the settings markers replaced by `table` (markers included). */
export function withSettingsTable(markdown: string, table: string): string {
  const start = markdown.indexOf(README_TABLE_START);
  const end = markdown.indexOf(README_TABLE_END);
  if (start < 0 || end < start)
    throw new Error(`README.md lacks the markers ${README_TABLE_START} ... ${README_TABLE_END}`);
  return markdown.slice(0, start) + table + markdown.slice(end + README_TABLE_END.length);
}

const present = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

/**
 * The rows' Azure rules (`inAzure`) checked against `env`, one problem per broken rule, naming the variable:
 * a `required` row unset, a `forbidden` row set. Call it only when the app runs in Azure (src/hosting.ts).
 */
export function azureRuleProblems(rows: readonly SettingRow[], env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  for (const row of rows) {
    if (row.inAzure === 'required' && !present(env[row.env]))
      problems.push(`${row.env}: required in Azure (infra/app/api.bicep sets it): ${row.description}`);
    if (row.inAzure === 'forbidden' && present(env[row.env]))
      problems.push(
        `${row.env}: refused in Azure: ${row.refusedBecause ?? 'keys and connection strings are for the local emulators; the app signs in with its managed identity (README: Deploy)'}`,
      );
  }
  return problems;
}
