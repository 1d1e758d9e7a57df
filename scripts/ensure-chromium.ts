// Makes sure Debian's Chromium is installed for the dashboard's browser tests (DESIGN §6: Debian's
// `chromium` driven by playwright-core; no browser download of a test tool's own). Installs it with apt-get
// when /usr/bin/chromium is missing, so `npm test` on a fresh machine runs the browser suite.
//   node scripts/ensure-chromium.ts   (also called by the browser tests' setup)
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const run = promisify(execFile);

/** apt-get waits up to 10 minutes for another install on the machine to release the package lock. */
const APT = ['-o', 'DPkg::Lock::Timeout=600', '-y', '-q'];

/** The Chromium executable, installed first when it is missing. Throws with apt-get's output when it cannot be. */
export async function ensureChromium(log: (line: string) => void = console.log): Promise<string> {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  log(`${CHROMIUM_PATH} is missing: installing Debian's chromium with apt-get (once per machine)...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const options = { env, maxBuffer: 64 * 1024 * 1024 };
  try {
    await run('apt-get', [...APT, 'install', '--no-install-recommends', 'chromium'], options);
  } catch {
    // A machine whose package lists were never fetched knows no chromium yet.
    await run('apt-get', [...APT.slice(0, 2), 'update', '-q'], options);
    await run('apt-get', [...APT, 'install', '--no-install-recommends', 'chromium'], options);
  }
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`apt-get finished but ${CHROMIUM_PATH} does not exist`);
  log(`installed ${CHROMIUM_PATH}`);
  return CHROMIUM_PATH;
}

if (import.meta.url === `file://${process.argv[1]}`) await ensureChromium();
