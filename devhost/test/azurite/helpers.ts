// Azurite for a test file: a storage account of the file's own on the test run's one Azurite, which the run's
// globalSetup (test/integration/global-setup.ts) starts once, in memory. An account is what separates two users of
// one storage service in Azure too: no file sees another's queues, tables or blobs. (An Azurite per file cost
// about 2.5 CPU-seconds to start, and eight files started one.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /**
     * Connection strings of the storage accounts the run's Azurite serves beside the development account, one per
     * test file: the file that Vitest's worker number N runs (VITEST_WORKER_ID counts a run's workers from 1; an
     * isolated project starts one per file) takes the Nth. Undefined when the run started no Azurite.
     */
    azuriteAccounts: readonly string[] | undefined;
  }
}

/** This test file's own storage account on the run's Azurite, as a connection string. */
export function fileStorageConnectionString(): string {
  const accounts = inject('azuriteAccounts');
  if (!accounts)
    throw new Error(
      "The run's Azurite was not started: test/integration/global-setup.ts starts it when the run includes files under test/integration or devhost/test.",
    );
  const account = accounts[Number(process.env.VITEST_WORKER_ID) - 1];
  if (!account)
    throw new Error(
      `No storage account for test file ${process.env.VITEST_WORKER_ID}: the run's Azurite serves ${accounts.length}.`,
    );
  return account;
}

export interface AzuriteHandle {
  /** The file's own account on the run's Azurite. */
  readonly connectionString: string;
  /** A temporary folder of the file's own (for files its apps write), removed after the file. */
  readonly dataDir: string;
}

/** Registers beforeAll/afterAll hooks that give the file its account on the run's Azurite and a temporary folder. */
export function useAzurite(): AzuriteHandle {
  let connectionString: string | undefined;
  let dir = '';
  beforeAll(() => {
    connectionString = fileStorageConnectionString();
    dir = mkdtempSync(join(tmpdir(), 'devhost-azurite-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return {
    get connectionString() {
      if (!connectionString) throw new Error('useAzurite: read connectionString in a test or hook, not at import');
      return connectionString;
    },
    get dataDir() {
      return dir;
    },
  };
}
