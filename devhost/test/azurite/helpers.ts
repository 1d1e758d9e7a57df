// Azurite for a test file: started once (a separate process, data in a temp dir) and stopped afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { ensureAzurite, type RunningAzurite } from '../../src/azurite-process.ts';

export interface AzuriteHandle {
  readonly connectionString: string;
  readonly dataDir: string;
}

/** Registers beforeAll/afterAll hooks that start and stop an Azurite of this file's own. */
export function useAzurite(): AzuriteHandle {
  let running: RunningAzurite | undefined;
  let dir = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'devhost-azurite-'));
    running = await ensureAzurite({ dataDir: dir });
  });
  afterAll(async () => {
    await running?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    get connectionString() {
      if (!running) throw new Error('Azurite is not started yet');
      return running.connectionString;
    },
    get dataDir() {
      return dir;
    },
  };
}
