// Writes a sample portfolio (examples/portfolio.ts) as CSV or as a JSON analyze request:
//   npm run examples -- --size 10000 --format csv --out examples/generated/portfolio-10000.csv
//     [--seed N] [--as-of YYYY-MM-DD] [--portfolio-id ID]   (the output's folder is created when missing)
// Properties stream to the file in batches, so 100,000 of them take seconds and little memory; CSV takes
// two passes over the (deterministic) generator, the first only to size the list columns.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { csvColumnsFor, csvHeaderLine, csvRecordLine } from '../src/domain/csv.ts';
import { identifier } from '../src/domain/fields.ts';
import { createGeography } from './geography.ts';
import { generatePortfolio, generatorOptionsSchema, PLANTED_PATTERNS, type PlantedPattern } from './portfolio.ts';

export const cliOptionsSchema = generatorOptionsSchema.extend({
  format: z.enum(['csv', 'json']),
  out: z.string().min(1),
  /** JSON only; default `sample-{size}`. */
  portfolioId: identifier().optional(),
});
export type CliOptions = z.input<typeof cliOptionsSchema>;

const USAGE =
  'usage: node examples/generate.ts --size N --format csv|json --out FILE [--seed N] [--as-of YYYY-MM-DD] [--portfolio-id ID]';

/** Parses command-line arguments; throws with the usage line on anything wrong. */
export function parseCliArgs(args: readonly string[]): z.output<typeof cliOptionsSchema> {
  let values: Partial<Record<'size' | 'format' | 'out' | 'seed' | 'as-of' | 'portfolio-id', string>>;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        size: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
        seed: { type: 'string' },
        'as-of': { type: 'string' },
        'portfolio-id': { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`, { cause: error });
  }
  const integer = (text: string | undefined) =>
    text === undefined ? undefined : /^\d+$/.test(text) ? Number(text) : NaN;
  const parsed = cliOptionsSchema.safeParse({
    size: integer(values.size),
    seed: integer(values.seed),
    asOf: values['as-of'],
    format: values.format,
    out: values.out,
    portfolioId: values['portfolio-id'],
  });
  const flag = (key: PropertyKey | undefined) => `--${String(key).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  if (!parsed.success)
    throw new Error(`${parsed.error.issues.map((i) => `${flag(i.path[0])}: ${i.message}`).join('\n')}\n${USAGE}`);
  return parsed.data;
}

/** Appends lines to `path` in ~1 MB writes, creating its folder (e.g. examples/generated/ on a fresh clone). */
function lineWriter(path: string) {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'w');
  let buffer = '';
  const flush = () => {
    if (buffer !== '') writeSync(fd, buffer);
    buffer = '';
  };
  return {
    write(text: string) {
      buffer += text;
      if (buffer.length >= 1 << 20) flush();
    },
    close() {
      flush();
      closeSync(fd);
    },
  };
}

/** Writes the portfolio; returns how many properties carry each planted pattern. */
export function writePortfolio(options: CliOptions): Record<PlantedPattern, number> {
  const { format, out, portfolioId, ...generator } = cliOptionsSchema.parse(options);
  const geography = createGeography();
  const planted = Object.fromEntries(PLANTED_PATTERNS.map((p) => [p, 0])) as Record<PlantedPattern, number>;
  const writer = lineWriter(out);
  try {
    if (format === 'csv') {
      const columns = csvColumnsFor(
        (function* () {
          for (const { property } of generatePortfolio(generator, geography)) yield property;
        })(),
      );
      writer.write(`${csvHeaderLine(columns)}\n`);
      for (const item of generatePortfolio(generator, geography)) {
        writer.write(`${csvRecordLine(item.property, columns)}\n`);
        for (const p of item.planted) planted[p]++;
      }
    } else {
      const head = { portfolioId: portfolioId ?? `sample-${generator.size}`, analysisType: 'comprehensive' };
      writer.write(`${JSON.stringify(head).slice(0, -1)},"properties":[\n`);
      let first = true;
      for (const item of generatePortfolio(generator, geography)) {
        writer.write(`${first ? '' : ',\n'}${JSON.stringify(item.property)}`);
        first = false;
        for (const p of item.planted) planted[p]++;
      }
      writer.write('\n]}\n');
    }
  } finally {
    writer.close();
  }
  return planted;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const options = parseCliArgs(process.argv.slice(2));
    const planted = writePortfolio(options);
    const summary = Object.entries(planted)
      .map(([pattern, count]) => `${pattern} ${count}`)
      .join(', ');
    console.error(`wrote ${options.size} properties to ${options.out} (planted: ${summary})`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
