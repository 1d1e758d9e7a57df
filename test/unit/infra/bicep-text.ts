// Just enough reading of Bicep text for the infra tests: no Bicep compiler runs here, so the templates are kept
// plain (object literals, string literals, one resource per block) and these helpers find what the tests
// compare with the code. They understand strings, `${...}` interpolation and `//` comments, nothing more.
import { readFileSync } from 'node:fs';

export const INFRA = new URL('../../../infra/', import.meta.url);

export function readInfra(path: string): string {
  return readFileSync(new URL(path, INFRA), 'utf8');
}

/**
 * The code characters of `text` with comments blanked and string contents replaced by spaces (interpolations
 * kept), so that brace counting and key matching never see a brace or colon inside a string or comment.
 */
function codeOnly(text: string): string {
  const out: string[] = [];
  const interpolations: number[] = []; // brace depth at which each open `${` closes
  let inString = false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') {
        out.push('  ');
        i++;
      } else if (c === "'") {
        inString = false;
        out.push(c);
      } else if (c === '$' && text[i + 1] === '{') {
        interpolations.push(depth);
        depth++;
        inString = false;
        out.push('${');
        i++;
      } else out.push(c === '\n' ? '\n' : ' ');
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') {
        out.push(' ');
        i++;
      }
      if (i < text.length) out.push('\n');
      continue;
    }
    if (c === "'") inString = true;
    if (c === '{') depth++;
    if (c === '}') {
      depth--;
      if (interpolations.at(-1) === depth) {
        interpolations.pop();
        inString = true;
      }
    }
    out.push(c);
  }
  return out.join('');
}

/** The text between the first `open` bracket after `marker` and its matching close (exclusive). Throws when absent. */
export function blockAfter(text: string, marker: string | RegExp, open: '{' | '[' = '{'): string {
  const code = codeOnly(text);
  const at = typeof marker === 'string' ? code.indexOf(marker) : code.search(marker);
  if (at < 0) throw new Error(`not found in the template: ${String(marker)}`);
  const close = open === '{' ? '}' : ']';
  const start = code.indexOf(open, at);
  let depth = 0;
  for (let i = start; i < code.length; i++) {
    if (code[i] === open) depth++;
    if (code[i] === close && --depth === 0) return text.slice(start + 1, i);
  }
  throw new Error(`unbalanced ${open} after ${String(marker)}`);
}

/** The top-level `key: value` pairs of an object literal's body (values as written, one line each). */
export function objectEntries(body: string): Map<string, string> {
  const code = codeOnly(body);
  const entries = new Map<string, string>();
  let depth = 0;
  let lineStart = 0;
  for (let i = 0; i <= code.length; i++) {
    if (i === code.length || code[i] === '\n') {
      const line = code.slice(lineStart, i);
      if (depth === 0) {
        const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*:/.exec(line);
        if (m?.[1]) entries.set(m[1], body.slice(lineStart, i).slice(m[0].length).trim());
      }
      for (const c of line) {
        if (c === '{' || c === '[' || c === '(') depth++;
        if (c === '}' || c === ']' || c === ')') depth--;
      }
      lineStart = i + 1;
    }
  }
  return entries;
}

/** A `var NAME = <object or array or string>` as written (the object/array body, or the string literal's text). */
export function variable(text: string, name: string): string {
  const m = new RegExp(`^var ${name} = (.)`, 'm').exec(text);
  if (!m?.[1]) throw new Error(`no var ${name}`);
  if (m[1] === '{' || m[1] === '[') return blockAfter(text, new RegExp(`^var ${name} = `, 'm'), m[1]);
  const literal = new RegExp(`^var ${name} = '([^']*)'`, 'm').exec(text);
  if (!literal?.[1]) throw new Error(`var ${name} is not a string literal`);
  return literal[1];
}

/** String literals in an array literal's body, in order. */
export function stringItems(body: string): string[] {
  return [...body.matchAll(/'([^']*)'/g)].map((m) => m[1]!);
}

export interface Param {
  name: string;
  type: string;
  /** The default as written, or undefined when the parameter has none. */
  defaultValue: string | undefined;
}

/** The `param` declarations of a template. */
export function params(text: string): Param[] {
  return [...codeOnly(text).matchAll(/^param (\w+) (\w+)( = .*)?$/gm)].map((m) => {
    const line = text.slice(m.index, m.index + m[0].length);
    const eq = line.indexOf(' = ');
    return { name: m[1]!, type: m[2]!, defaultValue: m[3] ? line.slice(eq + 3).trim() : undefined };
  });
}

/** The body of `resource NAME 'TYPE@VERSION' ...` (the outermost braces of its declaration). */
export function resource(text: string, name: string): string {
  return blockAfter(text, new RegExp(`^resource ${name} '`, 'm'));
}

/** Every `resource NAME 'TYPE@VERSION'` of a template: name -> type. */
export function resourceTypes(text: string): Map<string, string> {
  return new Map([...text.matchAll(/^resource (\w+) '([^@']+)@[^']+'/gm)].map((m) => [m[1]!, m[2]!]));
}
