// The local Cosmos DB server as a supervised child process (the durable local stack, `npm start`): its
// documents journaled under a data directory (cosmos-journal.ts), on one port for the life of the stack so
// the app's endpoint never changes. A server that exits is started again on the same port and data, and
// replays every write it had acknowledged; one that keeps exiting is given up on with the reason.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { COSMOS_EMULATOR_KEY } from '../src/storage/clients.ts';
import { freePort } from './local-services.ts';

const SERVER_SCRIPT = fileURLToPath(new URL('./cosmos-server.ts', import.meta.url));

export interface SupervisedCosmosOptions {
  /** Where the documents are kept (the journal file is created in it). */
  dataDir: string;
  /** One line per event (started, exited, restarted). */
  log: (line: string) => void;
  /** Called once when the server cannot be kept running, with the reason; nothing is restarted after it. */
  onGiveUp: (reason: string) => void;
  /** Restarts allowed within `windowMs` before giving up (default 3 in 60 s). */
  maxRestarts?: number;
  windowMs?: number;
  /** How long a start (journal replay included) may take (default 120 s). */
  startTimeoutMs?: number;
}

export interface SupervisedCosmos {
  endpoint: string;
  key: string;
  /** The running server's process id (it changes when the server is restarted). */
  pid(): number | undefined;
  /** Stops the server (SIGTERM) and its supervision. */
  stop(): Promise<void>;
}

/** How a child process ended, in words. */
const ending = (code: number | null, signal: NodeJS.Signals | null) =>
  signal ? `killed by ${signal}` : `exit code ${code ?? 'unknown'}`;

/**
 * Starts the server and keeps it running. Resolves once it answers (its journal replayed); rejects when
 * the first start fails. Its output is passed to `log` line by line, prefixed `cosmos:`.
 */
export async function startSupervisedCosmos(options: SupervisedCosmosOptions): Promise<SupervisedCosmos> {
  const port = await freePort();
  const maxRestarts = options.maxRestarts ?? 3;
  const windowMs = options.windowMs ?? 60_000;
  let child: ChildProcess | undefined;
  let stopping = false;
  const exits: number[] = [];

  const launch = () =>
    new Promise<ChildProcess>((resolve, reject) => {
      const args = [SERVER_SCRIPT, '--port', String(port), '--data', options.dataDir, '--exit-with-parent'];
      const started = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let ready = false;
      const timer = setTimeout(() => {
        started.kill('SIGKILL');
        reject(new Error(`the Cosmos DB server did not answer within ${options.startTimeoutMs ?? 120_000} ms`));
      }, options.startTimeoutMs ?? 120_000);
      const lines = (chunk: Buffer) => {
        for (const line of chunk.toString('utf8').split('\n')) {
          if (line.trim() === '') continue;
          if (!ready && /cosmos listening on /.test(line)) {
            ready = true;
            clearTimeout(timer);
            resolve(started);
          } else options.log(`cosmos: ${line}`);
        }
      };
      started.stdout.on('data', lines);
      started.stderr.on('data', lines);
      started.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (!ready) reject(new Error(`the Cosmos DB server exited while starting (${ending(code, signal)})`));
        else if (!stopping) restart(code, signal);
      });
    });

  const restart = (code: number | null, signal: NodeJS.Signals | null) => {
    const now = Date.now();
    exits.push(now);
    const recent = exits.filter((t) => now - t < windowMs).length;
    if (recent > maxRestarts) {
      stopping = true;
      options.onGiveUp(
        `the Cosmos DB server exited ${recent} times within ${windowMs / 1000} s (last: ${ending(code, signal)})`,
      );
      return;
    }
    options.log(
      `cosmos server  exited (${ending(code, signal)}); starting it again on port ${port} with its documents (${options.dataDir})`,
    );
    launch().then(
      (next) => {
        child = next;
        options.log(`cosmos server  running again (pid ${next.pid}), every acknowledged write replayed`);
      },
      (error: unknown) => {
        stopping = true;
        options.onGiveUp(
          `the Cosmos DB server could not be started again: ${error instanceof Error ? error.message : String(error)}`,
        );
      },
    );
  };

  child = await launch();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    key: COSMOS_EMULATOR_KEY,
    pid: () => child?.pid,
    async stop() {
      stopping = true;
      const running = child;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
      running.kill('SIGTERM');
      await exited;
    },
  };
}
