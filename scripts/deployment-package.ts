// The deployment package of the Functions app: the folder and the zip that Azure Functions runs.
//   host.json, package.json (runtime fields only), dist/ (the compiled app), node_modules/ (production
//   dependencies only, as npm resolved them: `npm ls --omit=dev`).
// Nothing local-only goes in: devhost, the CLI, Azurite, the sandbox and every devDependency stay out, and so
// do type declarations and source maps of dependencies (half the bytes of node_modules, never read at run time).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import yazl from 'yazl';
import { z } from 'zod';

/** The package.json fields the Functions host and Node read; scripts, devDependencies and the rest stay behind. */
const RUNTIME_FIELDS = ['name', 'version', 'private', 'description', 'type', 'main', 'engines', 'dependencies'];

/** Files of dependencies that nothing reads at run time. */
const DEPENDENCY_FILES_LEFT_OUT = /\.(d\.ts|d\.mts|d\.cts|map|tsbuildinfo)$/;

/** One fixed timestamp for every zip entry, so the same inputs give the same bytes (and the same SHA-256). */
const ZIP_ENTRY_TIME = new Date('2000-01-01T00:00:00Z');

const npmTreeSchema: z.ZodType<NpmTree> = z.lazy(() =>
  z.looseObject({
    path: z.string().optional(),
    extraneous: z.boolean().optional(),
    missing: z.boolean().optional(),
    dependencies: z.record(z.string(), npmTreeSchema).optional(),
  }),
);
interface NpmTree {
  path?: string | undefined;
  extraneous?: boolean | undefined;
  missing?: boolean | undefined;
  dependencies?: Record<string, NpmTree> | undefined;
}

/**
 * The folders of the installed production dependencies of the project at `root`, outermost only (a package's
 * own nested node_modules travels with it), sorted. Asks npm itself (`npm ls --omit=dev --all --json --long`).
 * Throws when a production dependency is missing: `npm ci` first.
 */
export async function productionDependencyDirs(root: string): Promise<string[]> {
  const args = ['ls', '--omit=dev', '--all', '--json', '--long'];
  // npm's own CLI script under this Node when npm started us (it sets npm_execpath): on Windows `npm` is a .cmd
  // shim that execFile cannot start.
  const npmCli = process.env.npm_execpath;
  const [command, commandArgs] = npmCli ? [process.execPath, [npmCli, ...args]] : ['npm', args];
  const { stdout } = await promisify(execFile)(command, commandArgs, {
    cwd: root,
    maxBuffer: 256 * 1024 * 1024,
  }).catch((error: { stdout?: string }) => {
    // npm ls exits 1 on any problem (an extraneous package too); the tree is still printed and judged below.
    if (typeof error.stdout === 'string' && error.stdout.startsWith('{')) return { stdout: error.stdout };
    throw error;
  });
  const tree = npmTreeSchema.parse(JSON.parse(stdout));
  const dirs = new Set<string>();
  const missing: string[] = [];
  const walk = (node: NpmTree) => {
    for (const [name, child] of Object.entries(node.dependencies ?? {})) {
      if (child.missing || child.path === undefined) missing.push(name);
      else if (!child.extraneous) dirs.add(child.path);
      walk(child);
    }
  };
  walk(tree);
  if (missing.length > 0)
    throw new Error(`production dependencies not installed: ${[...new Set(missing)].join(', ')} (run npm ci)`);
  const sorted = [...dirs].sort();
  return sorted.filter((dir) => !sorted.some((outer) => dir.startsWith(`${outer}${path.sep}`)));
}

export interface StagedPackage {
  /** The staged folder (what `azd deploy` zips: azure.yaml points `dist` at it). */
  dir: string;
  /** Production dependency packages copied (outermost folders). */
  dependencyCount: number;
}

/**
 * Writes the package folder `outDir` (emptied first) from the built project at `root`. Throws when `dist/` has
 * no entry point (`npm run build` first) or a dependency holds a symbolic link (a zip cannot carry it faithfully).
 */
export async function stagePackage(root: string, outDir: string): Promise<StagedPackage> {
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
  const main = String(manifest.main);
  if (!existsSync(path.join(root, main))) throw new Error(`no ${main}: run npm run build first (npm run package does)`);
  const dependencies = await productionDependencyDirs(root);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const runtimeManifest = Object.fromEntries(RUNTIME_FIELDS.filter((f) => f in manifest).map((f) => [f, manifest[f]]));
  await writeFile(path.join(outDir, 'package.json'), `${JSON.stringify(runtimeManifest, null, 2)}\n`);
  cpSync(path.join(root, 'host.json'), path.join(outDir, 'host.json'));
  cpSync(path.join(root, 'dist'), path.join(outDir, 'dist'), { recursive: true });
  for (const dir of dependencies) {
    cpSync(dir, path.join(outDir, path.relative(root, dir)), {
      recursive: true,
      verbatimSymlinks: true,
      filter: (source) => {
        const name = path.basename(source);
        return name !== '.bin' && !DEPENDENCY_FILES_LEFT_OUT.test(name);
      },
    });
  }
  const links = readdirSync(outDir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isSymbolicLink());
  if (links.length > 0)
    throw new Error(`symbolic links in the package: ${links.map((l) => path.join(l.parentPath, l.name)).join(', ')}`);
  return { dir: outDir, dependencyCount: dependencies.length };
}

export interface ZipResult {
  file: string;
  entries: number;
  bytes: number;
  sha256: string;
}

/** Zips the files under `dir` into `file` in sorted order with fixed timestamps (the same tree, the same bytes). */
export async function zipDirectory(dir: string, file: string): Promise<ZipResult> {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
  const zip = new yazl.ZipFile();
  for (const relative of files) {
    zip.addFile(path.join(dir, relative), relative.split(path.sep).join('/'), {
      mtime: ZIP_ENTRY_TIME,
      mode: 0o100644,
    });
  }
  zip.end();
  mkdirSync(path.dirname(file), { recursive: true });
  await pipeline(zip.outputStream, createWriteStream(file));
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { file, entries: files.length, bytes, sha256: hash.digest('hex') };
}
