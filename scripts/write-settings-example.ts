// Regenerates local.settings.example.json and the README's settings table from the settings table in
// src/config.ts. Run: npm run settings:example  (unit tests fail when either is out of date).
import { readFileSync, writeFileSync } from 'node:fs';
import { RUNTIME_SETTINGS, SETTINGS, settingsSchema } from '../src/config.ts';
import { localSettingsExample, settingsMarkdownTable, withSettingsTable } from '../src/settings-table.ts';

const example = localSettingsExample(settingsSchema, SETTINGS, RUNTIME_SETTINGS);
writeFileSync(new URL('../local.settings.example.json', import.meta.url), `${JSON.stringify(example, null, 2)}\n`);
const readme = new URL('../README.md', import.meta.url);
writeFileSync(readme, withSettingsTable(readFileSync(readme, 'utf8'), settingsMarkdownTable(settingsSchema, SETTINGS)));
console.log(`wrote local.settings.example.json and the README settings table (${SETTINGS.length} settings)`);
