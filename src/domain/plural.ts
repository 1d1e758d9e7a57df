// Counts in messages people read: "1 property", "2 properties", never "1 properties".

/**
 * `n` with the noun in the number it takes: `counted(1, 'loan', 'loans')` is `1 loan`. `format` writes the
 * number (thousands separators, for example); it defaults to `String`.
 */
export function counted(n: number, one: string, many: string, format: (n: number) => string = String): string {
  return `${format(n)} ${n === 1 ? one : many}`;
}

/** The word that agrees with a count: `agree(1, 'was', 'were')` is `was`. */
export function agree(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}

/** `a`/`an` before a word, by its first letter (`an address`, `a state`). */
export function article(word: string): string {
  return /^[aeiou]/i.test(word) ? `an ${word}` : `a ${word}`;
}
