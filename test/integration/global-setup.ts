// vitest globalSetup: starts Azurite and the Cosmos server once per run and hands their endpoints to test
// files through provide/inject (serviceEndpoints() in fixtures.ts; each file's own storage account through
// devhost/test/azurite/helpers.ts, which devhost's suites use too). A run whose files are all elsewhere
// (e.g. `vitest run test/unit`) starts nothing and pays nothing.
import type { TestProject } from 'vitest/node';
import { accountConnectionString, startLocalServices, type ServiceEndpoints } from '../../scripts/local-services.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    storageServices: ServiceEndpoints | undefined;
  }
}

/** Files that use the services: the app's integration tests and devhost's suites (their apps' storage). */
const SERVICE_DIRS = /[\\/](test[\\/]integration|devhost[\\/]test)[\\/]/;

/**
 * Storage accounts on the run's Azurite beside the development account, one per test file (devhost/test/azurite/
 * helpers.ts, fileStorageConnectionString): the app's queue names are fixed (portfolio-revaluation,
 * portfolio-alerts), and every app on the shared account polled the same revaluation queue, so one file's nightly
 * message could be taken by another file's app, which knew no such portfolio and dropped it. devhost's suites
 * likewise name their task hubs, queues and tables alike from file to file.
 */
const FILE_STORAGE_ACCOUNTS = Array.from({ length: 256 }, (_, i) => `file${i + 1}`);

/** Whether this run's test files, in any of its projects, include files that use the services (when unsure: yes). */
async function runsServiceTests(project: TestProject): Promise<boolean> {
  // The CLI's file filters (`vitest run test/unit`) are not public API; without them every file counts.
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern ?? [];
  try {
    // Declared in the root config, this runs for the root project, which holds no test files itself: the
    // run's projects (those `--project` selects) do.
    for (const runProject of project.vitest.projects) {
      const { testFiles } = await runProject.globTestFiles(filters);
      if (testFiles.some((file) => SERVICE_DIRS.test(file))) return true;
    }
    return false;
  } catch {
    return true;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (!(await runsServiceTests(project))) {
    project.provide('storageServices', undefined);
    project.provide('azuriteAccounts', undefined);
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
  project.provide(
    'azuriteAccounts',
    FILE_STORAGE_ACCOUNTS.map((account) => accountConnectionString(services.endpoints, account)),
  );
  return () => services.stop();
}
