// ASP.NET-style route templates, as the Functions host uses for HTTP triggers (`route` on the trigger, default =
// function name, under host.json `extensions.http.routePrefix`, default "api"). Supported: literal segments
// (case-insensitive), `{name}`, optional `{name?}`, defaults `{name=value}`, constraints `{id:int}` / `{x:alpha}` /
// `{g:guid}` / bool / double / min/max/length family (unknown constraints are accepted and ignored), catch-all
// `{*rest}` (also `{**rest}`) in the last segment, and several parameters inside one segment (`{name}.{ext}`).
import type { RegisteredFunction } from './core-api.ts';

interface ParamPart {
  kind: 'param';
  name: string;
  optional: boolean;
  catchAll: boolean;
  defaultValue?: string;
  constraints: string[];
}
type Part = { kind: 'literal'; text: string } | ParamPart;

interface Segment {
  parts: Part[];
  regex: RegExp;
  params: ParamPart[];
}

export interface CompiledRoute {
  template: string;
  segments: Segment[];
  literalSegments: number;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function parseParam(body: string, template: string): ParamPart {
  let text = body.trim();
  let catchAll = false;
  if (text.startsWith('**')) {
    catchAll = true;
    text = text.slice(2);
  } else if (text.startsWith('*')) {
    catchAll = true;
    text = text.slice(1);
  }
  let defaultValue: string | undefined;
  // Split on ':' outside parentheses: name:c1:c2(arg)
  const pieces: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ':' && depth === 0) {
      pieces.push(current);
      current = '';
    } else current += ch;
  }
  pieces.push(current);
  let name = pieces.shift() ?? '';
  let optional = false;
  const constraints = pieces;
  // `?` and `=default` may trail the name or the last constraint.
  const strip = (s: string): string => {
    let out = s;
    const eq = out.indexOf('=');
    if (eq >= 0 && !out.includes('(')) {
      defaultValue = out.slice(eq + 1);
      out = out.slice(0, eq);
    }
    if (out.endsWith('?')) {
      optional = true;
      out = out.slice(0, -1);
    }
    return out;
  };
  if (constraints.length > 0) constraints[constraints.length - 1] = strip(constraints[constraints.length - 1] ?? '');
  else name = strip(name);
  if (name.endsWith('?')) {
    optional = true;
    name = name.slice(0, -1);
  }
  if (!/^[A-Za-z_][\w-]*$/.test(name))
    throw new Error(`Invalid route template "${template}": bad parameter name "${name}".`);
  const part: ParamPart = { kind: 'param', name, optional, catchAll, constraints };
  if (defaultValue !== undefined) part.defaultValue = defaultValue;
  return part;
}

function parseSegment(segment: string, template: string): Part[] {
  const parts: Part[] = [];
  let i = 0;
  let literal = '';
  while (i < segment.length) {
    const ch = segment[i];
    if (ch === '{') {
      if (segment[i + 1] === '{') {
        literal += '{';
        i += 2;
        continue;
      }
      // Find the matching close brace (regex constraints may contain braces).
      let depth = 0;
      let j = i;
      for (; j < segment.length; j++) {
        if (segment[j] === '{') depth++;
        else if (segment[j] === '}' && --depth === 0) break;
      }
      if (j >= segment.length) throw new Error(`Invalid route template "${template}": unclosed "{".`);
      if (literal) parts.push({ kind: 'literal', text: literal });
      literal = '';
      parts.push(parseParam(segment.slice(i + 1, j), template));
      i = j + 1;
    } else if (ch === '}' && segment[i + 1] === '}') {
      literal += '}';
      i += 2;
    } else {
      literal += ch;
      i++;
    }
  }
  if (literal) parts.push({ kind: 'literal', text: literal });
  return parts;
}

/** Parses a template once; throws on malformed templates. */
export function compileRoute(template: string): CompiledRoute {
  const trimmed = template.trim().replace(/^\/+|\/+$/g, '');
  const raw = trimmed === '' ? [] : trimmed.split('/');
  const segments: Segment[] = raw.map((seg, index) => {
    const parts = parseSegment(seg, template);
    const params = parts.filter((p): p is ParamPart => p.kind === 'param');
    if (params.some((p) => p.catchAll) && (index !== raw.length - 1 || parts.length !== 1)) {
      throw new Error(`Invalid route template "${template}": a catch-all parameter must be the whole last segment.`);
    }
    const source = parts
      .map((p) => (p.kind === 'literal' ? escapeRegex(p.text) : p.optional && parts.length > 1 ? '(.*?)' : '(.+?)'))
      .join('');
    return { parts, params, regex: new RegExp(`^${source}$`, 'i') };
  });
  const literalSegments = segments.filter((s) => s.params.length === 0).length;
  return { template, segments, literalSegments };
}

const GUID = /^(\{)?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}(\})?$/i;

function constraintArgs(constraint: string): string[] {
  const m = /\((.*)\)$/.exec(constraint);
  return m?.[1] !== undefined ? m[1].split(',').map((s) => s.trim()) : [];
}

function satisfies(value: string, constraint: string): boolean {
  const name = constraint.replace(/\(.*$/, '').toLowerCase();
  const args = constraintArgs(constraint).map(Number);
  switch (name) {
    case 'int':
    case 'long':
      return /^-?\d+$/.test(value);
    case 'alpha':
      return /^[a-z]+$/i.test(value);
    case 'guid':
      return GUID.test(value);
    case 'bool':
      return /^(true|false)$/i.test(value);
    case 'double':
    case 'float':
    case 'decimal':
      return value.trim() !== '' && Number.isFinite(Number(value));
    case 'minlength':
      return value.length >= (args[0] ?? 0);
    case 'maxlength':
      return value.length <= (args[0] ?? Infinity);
    case 'length':
      return args.length > 1
        ? value.length >= (args[0] ?? 0) && value.length <= (args[1] ?? Infinity)
        : value.length === args[0];
    case 'min':
      return Number(value) >= (args[0] ?? -Infinity);
    case 'max':
      return Number(value) <= (args[0] ?? Infinity);
    case 'range':
      return Number(value) >= (args[0] ?? -Infinity) && Number(value) <= (args[1] ?? Infinity);
    default:
      return true; // accepted and ignored (regex(...), datetime, custom constraints)
  }
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Matches a path (no prefix, no query) against a compiled route; returns route params or undefined. */
export function matchCompiled(route: CompiledRoute, path: string): Record<string, string> | undefined {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  const segs = trimmed === '' ? [] : trimmed.split('/');
  const params: Record<string, string> = {};
  for (let i = 0; i < route.segments.length; i++) {
    const seg = route.segments[i] as Segment;
    const first = seg.params[0];
    if (first?.catchAll) {
      const rest = segs.slice(i).map(decode).join('/');
      if (rest) params[first.name] = rest;
      else if (first.defaultValue !== undefined) params[first.name] = first.defaultValue;
      return params;
    }
    const value = segs[i];
    if (value === undefined) {
      // Missing segment: only fine if every remaining template segment is a single optional/defaulted parameter.
      for (const restSeg of route.segments.slice(i)) {
        const p = restSeg.params[0];
        if (restSeg.parts.length !== 1 || !p || !(p.optional || p.defaultValue !== undefined || p.catchAll))
          return undefined;
        if (p.defaultValue !== undefined) params[p.name] = p.defaultValue;
      }
      return params;
    }
    const m = seg.regex.exec(decode(value));
    if (!m) return undefined;
    for (let k = 0; k < seg.params.length; k++) {
      const p = seg.params[k] as ParamPart;
      const v = m[k + 1] ?? '';
      if (v === '') {
        if (!p.optional && p.defaultValue === undefined) return undefined;
        if (p.defaultValue !== undefined) params[p.name] = p.defaultValue;
        continue;
      }
      if (!p.constraints.every((c) => satisfies(v, c))) return undefined;
      params[p.name] = v;
    }
  }
  return segs.length > route.segments.length ? undefined : params;
}

/** Matches `path` against `template`; returns route params, or undefined when it does not match. */
export function matchRoute(template: string, path: string): Record<string, string> | undefined {
  return matchCompiled(compileRoute(template), path);
}

/** host.json `extensions.http.routePrefix` (default 'api'; '' allowed), without slashes. */
export function getRoutePrefix(hostJson: unknown): string {
  const ext = (hostJson as { extensions?: { http?: { routePrefix?: unknown } } } | undefined)?.extensions;
  const prefix = ext?.http?.routePrefix;
  return typeof prefix === 'string' ? prefix.replace(/^\/+|\/+$/g, '') : 'api';
}

function segmentRank(seg: Segment): number {
  const p = seg.params[0];
  if (!p) return 0;
  if (seg.parts.length > 1) return 1; // mixed literal + params
  if (p.catchAll) return 5;
  if (p.optional || p.defaultValue !== undefined) return 4;
  return p.constraints.length > 0 ? 2 : 3;
}

/** Sort order for trying routes: more literal segments first, then ASP.NET-like per-segment precedence. */
export function compareRoutes(a: CompiledRoute, b: CompiledRoute): number {
  if (a.literalSegments !== b.literalSegments) return b.literalSegments - a.literalSegments;
  const n = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < n; i++) {
    const sa = a.segments[i];
    const sb = b.segments[i];
    if (!sa || !sb) return sa ? -1 : 1;
    const d = segmentRank(sa) - segmentRank(sb);
    if (d !== 0) return d;
  }
  return 0;
}

export interface HttpRoute {
  fn: RegisteredFunction;
  route: CompiledRoute;
  /** Upper-case methods; empty = any method. */
  methods: string[];
  authLevel: string;
}

/** Route table for every httpTrigger function, in match-precedence order. */
export function buildRouteTable(functions: Iterable<RegisteredFunction>): HttpRoute[] {
  const table: HttpRoute[] = [];
  for (const fn of functions) {
    if (fn.triggerType.toLowerCase() !== 'httptrigger') continue;
    const template =
      typeof fn.trigger.route === 'string' && fn.trigger.route.trim() !== '' ? fn.trigger.route : fn.name;
    const methods = Array.isArray(fn.trigger.methods) ? fn.trigger.methods.map((m) => String(m).toUpperCase()) : [];
    const authLevel = typeof fn.trigger.authLevel === 'string' ? fn.trigger.authLevel.toLowerCase() : 'anonymous';
    table.push({ fn, route: compileRoute(template), methods, authLevel });
  }
  return table.sort((a, b) => compareRoutes(a.route, b.route));
}
