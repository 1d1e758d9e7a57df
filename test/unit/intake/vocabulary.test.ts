// The published vocabularies: README's Input tables say exactly what the intake reads.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROPERTY_TYPES } from '../../../src/domain/schemas.ts';
import { readCell } from '../../../src/intake/cells.ts';
import { HEADER_SYNONYMS, PROPERTY_TYPE_WORDS, propertyTypeKey } from '../../../src/intake/vocabulary.ts';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
/** The rows `| \`key\` | \`a\`, \`b\` |` of the README table headed by `| <first> | also read from |`. */
function table(first: string): Map<string, string[]> {
  const start = readme.indexOf(`| ${first} | also read from |`);
  const rows = readme.slice(start).split('\n').slice(2);
  const entries: [string, string[]][] = [];
  for (const row of rows) {
    const cells = /^\| `([^`]+)` \| (.*) \|$/.exec(row);
    if (!cells) break;
    entries.push([cells[1] as string, [...(cells[2] as string).matchAll(/`([^`]+)`/g)].map((m) => m[1] as string)]);
  }
  return new Map(entries);
}

describe('README Input tables', () => {
  it('list the header synonyms exactly', () => {
    expect(Object.fromEntries(table('field'))).toStrictEqual(HEADER_SYNONYMS);
  });

  it('list the property-type words exactly, each read as its type', () => {
    const words = table('type');
    expect([...words.keys()]).toStrictEqual([...PROPERTY_TYPES]);
    const listed = new Set<string>();
    for (const [type, list] of words)
      for (const word of list) {
        expect({
          word,
          read: readCell(word, { kind: 'propertyType' }, { decimalComma: false, spreadsheet: true }),
        }).toMatchObject({
          word,
          read: { kind: 'value', value: type },
        });
        listed.add(propertyTypeKey(word));
      }
    // Every word the intake knows is in the table (besides the types' own names).
    const own = new Set(PROPERTY_TYPES.map(propertyTypeKey));
    expect(Object.keys(PROPERTY_TYPE_WORDS).filter((k) => !listed.has(k) && !own.has(k))).toStrictEqual([]);
  });
});
