import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apiAuthLevel, loadSettings, RUNTIME_SETTINGS, SETTINGS, settingsSchema } from '../../src/config.ts';
import { ConfigurationError, localSettingsExample, schemaAt, settingsMarkdownTable } from '../../src/settings-table.ts';

const repoFile = (name: string) => readFileSync(new URL(`../../${name}`, import.meta.url), 'utf8');

describe('loadSettings', () => {
  it('runs on defaults with an empty environment', () => {
    const settings = loadSettings({});
    expect(settings.valuation.maxFsd).toBe(0.13);
    expect(settings.risk.tierCMaxLtv).toBe(0.9);
    expect(settings.concentration).toMatchObject({ moderateAbove: 1000, highAbove: 1800 });
    expect(settings.avm.mode).toBe('simulated');
    expect(settings.costRates).toEqual({ valuation: 0.02, avmPrices: [], fraud: 0.05, risk: 0.01 });
  });

  it('maps each variable onto its option', () => {
    const settings = loadSettings({
      MAX_FSD: '0.2',
      FRAUD_FLIP_GAIN_PCT: '0.4',
      AVM_CASCADE: 'a, b ,c',
      HHI_HIGH_ABOVE: '2500',
    });
    expect(settings.valuation.maxFsd).toBe(0.2);
    expect(settings.fraud.flipGainPct).toBe(0.4);
    expect(settings.avm.cascade).toEqual(['a', 'b', 'c']);
    expect(settings.concentration.highAbove).toBe(2500);
  });

  it('names the variable of every problem', () => {
    try {
      loadSettings({ MAX_FSD: 'high', AVM_MODE: 'http', AVM_API_KEY: 'secret-value' });
      expect.unreachable('expected a ConfigurationError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError);
      const problems = (error as ConfigurationError).problems;
      expect(problems.some((p) => p.startsWith('MAX_FSD: ') && p.endsWith('(got "high")'))).toBe(true);
      expect(problems).toContain('AVM_BASE_URL: is required when AVM_MODE=http');
      expect(problems.join('\n')).not.toContain('secret-value');
    }
  });
});

describe('the settings table', () => {
  it('points every row at a field of the settings schema, once', () => {
    for (const row of SETTINGS) expect(schemaAt(settingsSchema, row.path), row.env).toBeDefined();
    expect(new Set(SETTINGS.map((r) => r.env)).size).toBe(SETTINGS.length);
  });

  it('matches the committed local.settings.example.json (npm run settings:example)', () => {
    const expected = localSettingsExample(settingsSchema, SETTINGS, RUNTIME_SETTINGS);
    const committed = JSON.parse(repoFile('local.settings.example.json')) as { Values: Record<string, string> };
    expect(committed).toEqual(expected);
    expect(() => loadSettings(committed.Values)).not.toThrow();
  });

  it('is documented in the README, table up to date (npm run settings:example)', () => {
    const readme = repoFile('README.md');
    const table = settingsMarkdownTable(settingsSchema, SETTINGS);
    expect(readme).toContain(table);
    for (const row of SETTINGS) expect(table, row.env).toContain(`\`${row.env}\``);
  });
});

describe('apiAuthLevel', () => {
  it('is function by default and anonymous only when asked, with the same row as the settings object', () => {
    expect(apiAuthLevel({})).toBe('function');
    expect(apiAuthLevel({ HTTP_AUTH_LEVEL: 'anonymous' })).toBe('anonymous');
    expect(loadSettings({ HTTP_AUTH_LEVEL: 'anonymous' }).http.authLevel).toBe('anonymous');
  });

  it('refuses any other value, naming the variable', () => {
    expect(() => apiAuthLevel({ HTTP_AUTH_LEVEL: 'admin' })).toThrow(ConfigurationError);
    expect(() => apiAuthLevel({ HTTP_AUTH_LEVEL: 'admin' })).toThrow(/HTTP_AUTH_LEVEL: must be function or anonymous/);
  });
});
