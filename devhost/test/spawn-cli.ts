// Starts the devhost CLI as a child process and waits for its ready line, as a user's script would.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Node 22 of the repository and the devhost CLI script. */
export const NODE = `${ROOT}node_modules/.bin/node`;
export const BIN = `${ROOT}devhost/bin/devhost.js`;

export interface SpawnedCli {
  child: ChildProcess;
  /** The URL of the ready line `devhost listening on URL`; rejects if the process exits first. */
  ready: Promise<string>;
  exited: Promise<number | null>;
  output: () => string;
}

export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}): SpawnedCli {
  const child = spawn(NODE, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, DEVHOST_MASTER_KEY: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /^devhost listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('exit', (code) => reject(new Error(`devhost exited early (${code}): ${out}`)));
  });
  ready.catch(() => undefined);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, ready, exited, output: () => out };
}
