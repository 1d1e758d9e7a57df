// The one Azurite launcher of the repository: devhost, the local stack, the test services and the benches all
// start Azurite through `ensureAzurite`. Azurite runs as a separate, detached process (a crash of its owner does
// not take the storage down mid-write) with its files under `dataDir`:
//   <dataDir>/azurite/      Azurite's data (unless `location` says elsewhere, or 'memory')
//   <dataDir>/azurite.log   its output
//   <dataDir>/azurite.json  pid, ports and owner pid of the running Azurite
//
// No orphans. The process that starts Azurite owns it and stops it: `stop()` (SIGTERM: Azurite flushes its files
// and exits), an `exit` handler for every other way the owner ends in JavaScript (an uncaught error, a crash of the
// app, process.exit), and, for the ways no handler runs (SIGKILL, a default signal action), a watchdog preloaded
// into Azurite (azurite-watchdog.ts) that stops it once its owner is gone.
//
// Reattach. A later `ensureAzurite` on the same `dataDir` reuses the Azurite recorded there while its owner is
// alive (as a guest: its `stop()` leaves it running for the owner). An Azurite whose owner is dead is shutting
// down (or is an orphan of an older launcher): it is waited for, then a new one starts on the same data.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { dirname, join, resolve } from 'node:path';

/** The well-known development storage account (the same key as `UseDevelopmentStorage=true`). */
export const DEV_ACCOUNT = 'devstoreaccount1';
export const DEV_ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuritePorts {
  blob: number;
  queue: number;
  table: number;
}

/** What `<dataDir>/azurite.json` records about the running Azurite. */
export interface AzuriteProcessInfo {
  pid: number;
  /** The process that started it and stops it. */
  ownerPid: number;
  host: string;
  ports: AzuritePorts;
  /** 'memory' or the directory of Azurite's data. */
  location: string;
  startedAt: string;
}

export interface EnsureAzuriteOptions {
  /** Directory for the launcher's files (`azurite.json`, `azurite.log`) and, by default, Azurite's data. */
  dataDir: string;
  /**
   * Where Azurite keeps its data: a directory (default `<dataDir>/azurite`), or 'memory' for nothing on disk
   * (`--inMemoryPersistence`: fast, gone when Azurite stops; tests and benches).
   */
  location?: string;
  /** Interface to listen on; loopback by default. */
  host?: string;
  /** Fixed ports per service; an absent or 0 port is any free port. A fixed port in use fails the start. */
  ports?: Partial<AzuritePorts>;
  /**
   * Storage accounts Azurite serves beside `devstoreaccount1` (lower-case letters and digits, 3 to 24), each
   * with the development key (Azurite's AZURITE_ACCOUNTS). Users of one Azurite that must not see each other's
   * queues, containers and tables take one each, as they would take separate accounts in Azure; reach one with
   * `azuriteConnectionString(host, ports, name)`. Ignored when an Azurite already running is reattached.
   */
  accounts?: readonly string[];
  /** How long to wait for Azurite to listen (default 30,000 ms). */
  startTimeoutMs?: number;
}

export interface RunningAzurite {
  connectionString: string;
  pid: number;
  host: string;
  ports: AzuritePorts;
  /** Azurite's output (its start-up errors end up here). */
  logFile: string;
  /** True when an Azurite another live process owns was reused; its `stop()` then leaves it running. */
  reattached: boolean;
  /** Stops Azurite if this process owns it (SIGTERM, then SIGKILL after 10 s); resolves once it is gone. */
  stop(): Promise<void>;
}

/**
 * A connection string for `account` (default: the development account) at `host` and `ports` (http, as Azurite
 * serves; path-style endpoints name the account). Any account but the default must be one of `accounts`.
 */
export function azuriteConnectionString(host: string, ports: AzuritePorts, account = DEV_ACCOUNT): string {
  const url = (port: number) => `http://${host}:${port}/${account}`;
  return `DefaultEndpointsProtocol=http;AccountName=${account};AccountKey=${DEV_ACCOUNT_KEY};BlobEndpoint=${url(ports.blob)};QueueEndpoint=${url(ports.queue)};TableEndpoint=${url(ports.table)};`;
}

/** AZURITE_ACCOUNTS for `accounts` beside the development account, all with its key; undefined for none. */
function accountsSetting(accounts: readonly string[] = []): string | undefined {
  const invalid = accounts.filter((name) => !/^[a-z0-9]{3,24}$/.test(name));
  if (invalid.length > 0)
    throw new Error(`devhost: storage account names are 3 to 24 lower-case letters and digits: ${invalid.join(', ')}`);
  if (accounts.length === 0) return undefined;
  return [DEV_ACCOUNT, ...accounts].map((name) => `${name}:${DEV_ACCOUNT_KEY}`).join(';');
}

/** How long a dying Azurite (its owner gone) is given to flush and exit before it is stopped by force. */
const SHUTDOWN_GRACE_MS = 10_000;
const WATCHDOG = new URL('./azurite-watchdog.ts', import.meta.url).href;

/** Whether a process with this id exists (signal 0 tests without sending anything; EPERM: it exists, not ours). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function portAnswers(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolvePort) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolvePort(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function readInfo(file: string): AzuriteProcessInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(file, 'utf8')) as Partial<AzuriteProcessInfo>;
    return typeof info.pid === 'number' && info.ports ? (info as AzuriteProcessInfo) : undefined;
  } catch {
    return undefined;
  }
}

function azuriteMain(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('azurite/package.json')), 'dist', 'src', 'azurite.js');
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(25);
  return !isAlive(pid);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

/** SIGTERM (Azurite flushes and exits), SIGKILL if it is still there after the grace period. */
async function stopPid(pid: number, infoFile: string): Promise<void> {
  if (isAlive(pid)) {
    signal(pid, 'SIGTERM');
    if (!(await waitForExit(pid, SHUTDOWN_GRACE_MS))) signal(pid, 'SIGKILL');
    await waitForExit(pid, SHUTDOWN_GRACE_MS);
  }
  if (readInfo(infoFile)?.pid === pid) rmSync(infoFile, { force: true });
}

// Azurites this process owns and has not stopped yet: the exit handler sends them SIGTERM synchronously (an exit
// handler cannot wait), and the watchdog would otherwise do it a moment later.
const owned = new Set<number>();
let exitHandlerInstalled = false;

function own(pid: number): void {
  owned.add(pid);
  if (exitHandlerInstalled) return;
  exitHandlerInstalled = true;
  process.on('exit', () => {
    for (const child of owned) signal(child, 'SIGTERM');
  });
}

/** Reuses the Azurite recorded in `dataDir` when its owner lives, else starts one; see the top of this file. */
export async function ensureAzurite(options: EnsureAzuriteOptions): Promise<RunningAzurite> {
  const dataDir = resolve(options.dataDir);
  const host = options.host ?? '127.0.0.1';
  const accounts = accountsSetting(options.accounts);
  const location = options.location === 'memory' ? 'memory' : resolve(options.location ?? join(dataDir, 'azurite'));
  mkdirSync(location === 'memory' ? dataDir : location, { recursive: true });
  const infoFile = join(dataDir, 'azurite.json');
  const logFile = join(dataDir, 'azurite.log');

  const previous = readInfo(infoFile);
  if (previous && isAlive(previous.pid)) {
    const ownerAlive = typeof previous.ownerPid === 'number' && isAlive(previous.ownerPid);
    if (ownerAlive) {
      const answers = await Promise.all(
        [previous.ports.blob, previous.ports.queue, previous.ports.table].map((port) =>
          portAnswers(previous.host, port),
        ),
      );
      if (answers.every(Boolean))
        return {
          connectionString: azuriteConnectionString(previous.host, previous.ports),
          pid: previous.pid,
          host: previous.host,
          ports: previous.ports,
          logFile,
          reattached: true,
          stop: async () => {},
        };
    }
    // Its owner is gone: the watchdog is shutting it down (or it is an orphan of an older launcher).
    if (!(await waitForExit(previous.pid, SHUTDOWN_GRACE_MS))) await stopPid(previous.pid, infoFile);
  }

  const offset = existsSync(logFile) ? statSync(logFile).size : 0;
  const logFd = openSync(logFile, 'a');
  const port = (name: keyof AzuritePorts) => String(options.ports?.[name] ?? 0);
  // prettier-ignore
  const args = [
    '--import', WATCHDOG, azuriteMain(),
    '--silent', '--skipApiVersionCheck', '--disableTelemetry',
    ...(location === 'memory' ? ['--inMemoryPersistence'] : ['--location', location]),
    '--blobHost', host, '--queueHost', host, '--tableHost', host,
    '--blobPort', port('blob'), '--queuePort', port('queue'), '--tablePort', port('table'),
  ];
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', logFd, logFd],
    cwd: dataDir,
    env: {
      ...process.env,
      AZURITE_ACCOUNTS: accounts,
      DEVHOST_AZURITE_OWNER_PID: String(process.pid),
    },
  });
  closeSync(logFd);
  child.unref();
  let exited: number | null | undefined;
  child.once('exit', (code) => {
    exited = code;
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('devhost: could not start Azurite.');
  own(pid);

  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  const found: Partial<AzuritePorts> = {};
  for (;;) {
    const log = readFileSync(logFile).subarray(offset).toString('utf8');
    for (const m of log.matchAll(
      /Azurite (Blob|Queue|Table) service is successfully listening at https?:\/\/[^:\s]+:(\d+)/g,
    )) {
      found[m[1]!.toLowerCase() as keyof AzuritePorts] = Number(m[2]);
    }
    if (found.blob && found.queue && found.table) break;
    if (exited !== undefined) {
      owned.delete(pid);
      throw new Error(`devhost: Azurite exited (${exited}) while starting; its log (${logFile}):\n${log.slice(-2000)}`);
    }
    if (Date.now() > deadline) {
      await stopPid(pid, infoFile);
      owned.delete(pid);
      throw new Error(
        `devhost: Azurite did not start within ${timeoutMs} ms; its log (${logFile}):\n${log.slice(-2000)}`,
      );
    }
    await sleep(25);
  }
  const ports = found as AzuritePorts;
  const info: AzuriteProcessInfo = {
    pid,
    ownerPid: process.pid,
    host,
    ports,
    location,
    startedAt: new Date().toISOString(),
  };
  writeFileSync(infoFile, `${JSON.stringify(info, null, 2)}\n`);
  let stopping: Promise<void> | undefined;
  return {
    connectionString: azuriteConnectionString(host, ports),
    pid,
    host,
    ports,
    logFile,
    reattached: false,
    stop() {
      stopping ??= stopPid(pid, infoFile).finally(() => owned.delete(pid));
      return stopping;
    },
  };
}
