// vitest globalSetup: starts Azurite and the Cosmos server once per run and hands their endpoints to test
// files through provide/inject (serviceEndpoints() in fixtures.ts). A run whose files are all outside
// test/integration (e.g. `vitest run test/unit`) starts nothing and pays nothing.
import type { TestProject } from 'vitest/node';
import { startLocalServices, type ServiceEndpoints } from '../../scripts/local-services.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    storageServices: ServiceEndpoints | undefined;
  }
}

const INTEGRATION_DIR = /[\\/]test[\\/]integration[\\/]/;

/**
 * Storage accounts on the run's Azurite beside the development account, one per test file (fixtures.ts,
 * fileStorageConnectionString): the app's queue names are fixed (portfolio-revaluation, portfolio-alerts), and
 * every app on the shared account polled the same revaluation queue, so one file's nightly message could be
 * taken by another file's app, which knew no such portfolio and dropped it.
 */
export const FILE_STORAGE_ACCOUNTS = Array.from({ length: 256 }, (_, i) => `file${i + 1}`);

/** Whether this run's test files, in any of its projects, include integration tests (when unsure: yes). */
async function runsIntegrationTests(project: TestProject): Promise<boolean> {
  // The CLI's file filters (`vitest run test/unit`) are not public API; without them every file counts.
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern ?? [];
  try {
    // Declared in the root config, this runs for the root project, which holds no test files itself: the
    // run's projects (those `--project` selects) do.
    for (const runProject of project.vitest.projects) {
      const { testFiles } = await runProject.globTestFiles(filters);
      if (testFiles.some((file) => INTEGRATION_DIR.test(file))) return true;
    }
    return false;
  } catch {
    return true;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (!(await runsIntegrationTests(project))) {
    project.provide('storageServices', undefined);
    return undefined;
  }
  const started = performance.now();
  const services = await startLocalServices({ accounts: FILE_STORAGE_ACCOUNTS });
  try {
    await services.ready;
  } catch (error) {
    await services.stop();
    throw error;
  }
  if (process.env.STORAGE_SERVICES_VERBOSE)
    console.log(`local storage services ready in ${Math.round(performance.now() - started)} ms`, services.endpoints);
  project.provide('storageServices', services.endpoints);
  return () => services.stop();
}
