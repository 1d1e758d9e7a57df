import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigurationError, parseSettings, type SettingRow } from '../../src/settings-table.ts';

const schema = z.object({
  valuation: z.object({ maxFsd: z.number().min(0).max(1).default(0.13) }).default({ maxFsd: 0.13 }),
  feature: z
    .object({ enabled: z.boolean().default(false), names: z.array(z.string()).default(['a']) })
    .default({ enabled: false, names: ['a'] }),
  storage: z.object({
    endpoint: z.url({ error: 'must be a URL' }),
    key: z.string().min(10, 'must be at least 10 characters'),
  }),
});
const rows: SettingRow[] = [
  { env: 'MAX_FSD', path: 'valuation.maxFsd', description: 'FSD limit' },
  { env: 'FEATURE_ENABLED', path: 'feature.enabled', description: 'toggle' },
  { env: 'FEATURE_NAMES', path: 'feature.names', description: 'list' },
  { env: 'ENDPOINT', path: 'storage.endpoint', description: 'endpoint' },
  { env: 'KEY', path: 'storage.key', description: 'key', secret: true },
];
const good = { ENDPOINT: 'http://127.0.0.1:1234', KEY: 'k'.repeat(12) };

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    parseSettings(schema, rows, env);
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigurationError');
}

describe('parseSettings', () => {
  it('applies schema defaults for unset and empty variables', () => {
    const settings = parseSettings(schema, rows, { ...good, MAX_FSD: '  ' });
    expect(settings.valuation.maxFsd).toBe(0.13);
    expect(settings.feature).toEqual({ enabled: false, names: ['a'] });
  });

  it('converts numbers, booleans and comma lists by the field type', () => {
    const settings = parseSettings(schema, rows, {
      ...good,
      MAX_FSD: '0.2',
      FEATURE_ENABLED: 'TRUE',
      FEATURE_NAMES: 'x, y,,z',
    });
    expect(settings.valuation.maxFsd).toBe(0.2);
    expect(settings.feature).toEqual({ enabled: true, names: ['x', 'y', 'z'] });
  });

  it('names the variable and the offending value', () => {
    expect(problemsOf({ ...good, MAX_FSD: '7' })).toEqual(['MAX_FSD: Too big: expected number to be <=1 (got "7")']);
    expect(problemsOf({ ...good, MAX_FSD: 'abc' })[0]).toMatch(/^MAX_FSD: .* \(got "abc"\)$/);
    expect(problemsOf({ ...good, FEATURE_ENABLED: 'maybe' })[0]).toMatch(/^FEATURE_ENABLED: /);
  });

  it('reports every missing required setting at once and never prints secrets', () => {
    const problems = problemsOf({ KEY: 'short' });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^ENDPOINT: /);
    expect(problems[1]).toBe('KEY: must be at least 10 characters');
  });

  it('refuses a row whose path is not in the schema', () => {
    expect(() => parseSettings(schema, [{ env: 'X', path: 'nope.field', description: '' }], { X: '1' })).toThrow(
      /no field at 'nope.field'/,
    );
  });
});
