// One string order for everything the product sorts by name or id, so that lists, snapshots and
// fingerprints agree wherever they meet, whatever the locale of the machine that made them.

/**
 * JavaScript's string order (UTF-16 code units, as `<` compares), as an Array.sort comparator: negative,
 * zero or positive. Not localeCompare: the same on every machine and ICU version.
 */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
