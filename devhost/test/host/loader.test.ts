// Loader errors: missing package.json/main, unmatched globs, and apps that enable HTTP streaming.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyLocalSettings, loadApp, resolveEntryPoints } from '../../src/loader.ts';
import { fixture } from './helpers.ts';

function tempApp(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'devhost-loader-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

describe('resolveEntryPoints', () => {
  it('explains a missing package.json or main', () => {
    expect(() => resolveEntryPoints(tempApp({}))).toThrow(/no package\.json/);
    expect(() => resolveEntryPoints(tempApp({ 'package.json': '{}' }))).toThrow(/no "main" field/);
  });

  it('resolves files and globs, and explains when nothing matches', () => {
    const dir = tempApp({
      'package.json': JSON.stringify({ main: 'dist/src/functions/*.js' }),
      'dist/src/functions/b.js': '',
      'dist/src/functions/a.js': '',
      'dist/src/functions/skip.ts': '',
    });
    expect(resolveEntryPoints(dir).map((f) => f.slice(dir.length))).toEqual([
      '/dist/src/functions/a.js',
      '/dist/src/functions/b.js',
    ]);
    const single = tempApp({ 'package.json': JSON.stringify({ main: './index.js' }), 'index.js': '' });
    expect(resolveEntryPoints(single)).toEqual([join(single, 'index.js')]);
    expect(() => resolveEntryPoints(tempApp({ 'package.json': JSON.stringify({ main: 'dist/*.js' }) }))).toThrow(
      /matched no files.*build/,
    );
  });
});

describe('applyLocalSettings', () => {
  it('copies Values without overriding existing variables', () => {
    const dir = tempApp({ 'local.settings.json': JSON.stringify({ Values: { A: 'file', B: 'file', N: 5 } }) });
    const env: NodeJS.ProcessEnv = { A: 'env' };
    applyLocalSettings(dir, env);
    expect(env).toEqual({ A: 'env', B: 'file', N: '5' });
  });
});

describe('loadApp', () => {
  it('refuses apps that enable HTTP streaming, with a clear message', async () => {
    await expect(loadApp(fixture('stream-app'))).rejects.toThrow(/HTTP streaming .* not supported by devhost/);
  });
});
