// Which state a ZIP that starts with 0 belongs to, by its first three digits. A spreadsheet that drops a
// ZIP's leading zeros leaves 3-4 digits; padding them back always gives a ZIP starting with 0, so this is
// the only part of the national ZIP map the intake needs to judge whether the padded form can be the
// row's ZIP (TX `7870` padded is 07870, a New Jersey ZIP: no suggestion to write it).
// Source: the USPS 3-digit ZIP Code prefixes of national area 0 (Domestic Mail Manual, Labeling List L002,
// column A), by the state of the addresses they serve. 000-004 are unassigned; 090-099 are military (AE).
import type { UsState } from '../domain/schemas.ts';

/** [first prefix, last prefix, state], prefixes as numbers 0-99 (the ZIP's digits 1-3 after the 0). */
const AREA_0: readonly (readonly [number, number, UsState])[] = [
  [5, 5, 'NY'], // 005: Holtsville (IRS)
  [6, 7, 'PR'],
  [8, 8, 'VI'],
  [9, 9, 'PR'],
  [10, 27, 'MA'],
  [28, 29, 'RI'],
  [30, 38, 'NH'],
  [39, 49, 'ME'],
  [50, 54, 'VT'],
  [55, 55, 'MA'], // 055: Andover (IRS)
  [56, 59, 'VT'],
  [60, 69, 'CT'],
  [70, 89, 'NJ'],
];

/**
 * The state whose addresses a ZIP starting with 0 serves (`02134` -> MA), or undefined for a prefix no
 * state has (`00123`, military `09xxx`). Throws nothing; a ZIP not starting with 0 gives undefined.
 */
export function stateOfZeroZip(zip: string): UsState | undefined {
  if (!/^0\d{2}/.test(zip)) return undefined;
  const prefix = Number(zip.slice(1, 3));
  return AREA_0.find(([first, last]) => prefix >= first && prefix <= last)?.[2];
}
