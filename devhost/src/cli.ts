// `devhost start --app DIR [--port 7071] [--host 127.0.0.1] [--store memory|azurite] [--storage CONN] [--data DIR] [--master-key KEY] [--quiet]`
// The ready line is printed exactly once so scripts and tests can wait for it.
import { parseArgs } from 'node:util';
import { startDevHost } from './host.ts';
import { launchedByNpm, whenParentGone } from './parent-watch.ts';
import type { DevHostOptions } from './host.ts';
import type { DurableFactory } from './durable-contract.ts';

const USAGE = `Usage: devhost start --app DIR [--port 7071] [--host 127.0.0.1] [--store memory|azurite] [--storage CONN] [--data DIR] [--master-key KEY] [--quiet]
  --app         function app directory (with package.json "main", host.json, local.settings.json)
  --port        port to listen on (0 = any free port; default 7071)
  --host        interface to bind (default 127.0.0.1)
  --store       durable state store: memory (default) or azurite (Azure Storage; survives a crash)
  --storage     storage connection string (an account or a running emulator); without it devhost starts
                Azurite itself when it needs storage (--store azurite, queue triggers on UseDevelopmentStorage)
  --data        directory for the Azurite devhost starts (default <app>/.devhost)
  --master-key  enforce keys as Azure does: this key for function/admin levels and the admin API, it or the
                Durable extension's system key (derived from it) for the durable webhooks (also DEVHOST_MASTER_KEY)
  --quiet       print errors only`;

/** Test seam: replaces the default durable engine (host.ts uses createDurableEngine otherwise). */
export interface CliDeps {
  durable?: DurableFactory;
}

export async function main(argv: string[], deps: CliDeps = {}): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        app: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        store: { type: 'string' },
        storage: { type: 'string' },
        data: { type: 'string' },
        'master-key': { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    console.error(`devhost: ${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals[0] !== 'start' || positionals.length > 1) {
    console.error(USAGE);
    return 2;
  }
  if (!values.app) {
    console.error(`devhost: --app is required.\n${USAGE}`);
    return 2;
  }
  const port = values.port === undefined ? 7071 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`devhost: invalid --port "${values.port}".`);
    return 2;
  }
  const store = values.store ?? 'memory';
  if (store !== 'memory' && store !== 'azurite') {
    console.error(`devhost: --store must be "memory" or "azurite".`);
    return 2;
  }
  const masterKey = values['master-key'] ?? process.env.DEVHOST_MASTER_KEY;
  const options: DevHostOptions = { appDir: values.app, port, store, quiet: values.quiet === true };
  if (values.host) options.host = values.host;
  if (values.storage) options.storage = values.storage;
  if (values.data) options.dataDir = values.data;
  if (masterKey) options.masterKey = masterKey;
  if (deps.durable) options.durable = deps.durable;

  // Signal handlers go in before anything is printed, so a signal right after the ready line is never fatal.
  let stopFor: ((reason: string) => void) | undefined;
  let pendingReason: string | undefined;
  const requestStop = (reason: string): void => {
    if (stopFor) stopFor(reason);
    else pendingReason ??= reason;
  };
  process.on('SIGINT', () => requestStop('SIGINT received'));
  process.on('SIGTERM', () => requestStop('SIGTERM received'));
  // Under npm a SIGTERM may end only the shell npm started devhost in (parent-watch.ts).
  if (launchedByNpm()) whenParentGone(() => requestStop('the process that started devhost ended'));

  let host;
  try {
    host = await startDevHost(options);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE')
      console.error(
        `devhost: port ${port} on ${options.host ?? '127.0.0.1'} is in use (another devhost still running?): stop that process or choose another --port.`,
      );
    else console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    return 1;
  }
  console.log(`devhost listening on ${host.url}`);

  const running = host;
  return new Promise<number>((resolve) => {
    let stopping = false;
    stopFor = (reason: string): void => {
      if (stopping) return;
      stopping = true;
      if (!options.quiet) console.log(`devhost: ${reason}, stopping`);
      running.stop().then(
        () => resolve(0),
        (err: unknown) => {
          console.error(`devhost: error while stopping: ${err instanceof Error ? err.message : String(err)}`);
          resolve(1);
        },
      );
    };
    if (pendingReason) stopFor(pendingReason);
  });
}
