// Azurite as a separate, detached process (so a crash of the host does not take the storage with it), with its
// data under `dataDir`. `ensureAzurite` reattaches to the Azurite a previous run left running (its pid and
// ports are in `<dataDir>/azurite.json`) when the pid is alive and the ports answer; otherwise it starts a new
// one on the same data directory (free loopback ports). `stop()` stops it (SIGTERM: Azurite flushes its
// LokiJS files on SIGTERM; a SIGKILL of Azurite itself may lose its last ~5 s of writes).
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

export interface AzuriteProcessInfo {
  pid: number;
  host: string;
  ports: AzuritePorts;
  startedAt: string;
}

export interface EnsureAzuriteOptions {
  /** Directory for Azurite's files (`<dataDir>/azurite/`), its log and `azurite.json`. */
  dataDir: string;
  /** Interface to listen on; loopback by default. */
  host?: string;
  /** How long to wait for Azurite to listen (default 30 s). */
  startTimeoutMs?: number;
}

export interface RunningAzurite {
  connectionString: string;
  pid: number;
  ports: AzuritePorts;
  /** True when an Azurite left by an earlier run was reused. */
  reattached: boolean;
  /** Stops the Azurite process (whether this call started it or reattached to it). */
  stop(): Promise<void>;
}

export function azuriteConnectionString(host: string, ports: AzuritePorts): string {
  const url = (port: number) => `http://${host}:${port}/${DEV_ACCOUNT}`;
  return `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_ACCOUNT_KEY};BlobEndpoint=${url(ports.blob)};QueueEndpoint=${url(ports.queue)};TableEndpoint=${url(ports.table)};`;
}

function isAlive(pid: number): boolean {
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
    const info = JSON.parse(readFileSync(file, 'utf8')) as AzuriteProcessInfo;
    return typeof info.pid === 'number' && info.ports ? info : undefined;
  } catch {
    return undefined;
  }
}

function azuriteMain(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('azurite/package.json')), 'dist', 'src', 'azurite.js');
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function stopPid(pid: number, infoFile: string): Promise<void> {
  if (isAlive(pid)) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
    const deadline = Date.now() + 10_000;
    while (isAlive(pid) && Date.now() < deadline) await sleep(25);
    if (isAlive(pid)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
  const current = readInfo(infoFile);
  if (current?.pid === pid) rmSync(infoFile, { force: true });
}

export async function ensureAzurite(options: EnsureAzuriteOptions): Promise<RunningAzurite> {
  const dataDir = resolve(options.dataDir);
  const host = options.host ?? '127.0.0.1';
  mkdirSync(join(dataDir, 'azurite'), { recursive: true });
  const infoFile = join(dataDir, 'azurite.json');

  const previous = readInfo(infoFile);
  if (previous && isAlive(previous.pid)) {
    const answers = await Promise.all(
      [previous.ports.blob, previous.ports.queue, previous.ports.table].map((port) => portAnswers(previous.host, port)),
    );
    if (answers.every(Boolean)) {
      return {
        connectionString: azuriteConnectionString(previous.host, previous.ports),
        pid: previous.pid,
        ports: previous.ports,
        reattached: true,
        stop: () => stopPid(previous.pid, infoFile),
      };
    }
  }

  const logFile = join(dataDir, 'azurite.log');
  const offset = existsSync(logFile) ? statSync(logFile).size : 0;
  const logFd = openSync(logFile, 'a');
  const args = [
    azuriteMain(),
    '--silent',
    '--skipApiVersionCheck',
    '--disableTelemetry',
    '--location',
    join(dataDir, 'azurite'),
    ...['--blobHost', host, '--queueHost', host, '--tableHost', host],
    ...['--blobPort', '0', '--queuePort', '0', '--tablePort', '0'],
  ];
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', logFd, logFd], cwd: dataDir });
  closeSync(logFd);
  child.unref();
  let exited: number | null | undefined;
  child.once('exit', (code) => {
    exited = code;
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('devhost: could not start Azurite.');

  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  const found: Partial<AzuritePorts> = {};
  for (;;) {
    const log = readFileSync(logFile).subarray(offset).toString('utf8');
    for (const m of log.matchAll(
      /Azurite (Blob|Queue|Table) service is successfully listening at https?:\/\/[^:\s]+:(\d+)/g,
    )) {
      found[m[1]!.toLowerCase() as keyof AzuritePorts] = Number(m[2]);
    }
    if (found.blob && found.queue && found.table) break;
    if (exited !== undefined)
      throw new Error(`devhost: Azurite exited (${exited}) while starting:\n${log.slice(-2000)}`);
    if (Date.now() > deadline) {
      await stopPid(pid, infoFile);
      throw new Error(
        `devhost: Azurite did not start within ${options.startTimeoutMs ?? 30_000} ms:\n${log.slice(-2000)}`,
      );
    }
    await sleep(25);
  }
  const ports = found as AzuritePorts;
  const info: AzuriteProcessInfo = { pid, host, ports, startedAt: new Date().toISOString() };
  writeFileSync(infoFile, `${JSON.stringify(info, null, 2)}\n`);
  return {
    connectionString: azuriteConnectionString(host, ports),
    pid,
    ports,
    reattached: false,
    stop: () => stopPid(pid, infoFile),
  };
}
