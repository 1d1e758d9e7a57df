import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/** Every project's settings but its files and isolation. */
const common = {
  // Generous: a timeout is a safety net for a hung test, never a speed check. Jobs are awaited for up to
  // 120 s (harness.ts waitForJob), which a machine shared with other test runs can need.
  testTimeout: 180_000,
  hookTimeout: 180_000,
  pool: 'forks',
} as const;

export default defineConfig({
  test: {
    // More test files at once than cores (Vitest's default is one fewer than the cores: one file at a time on
    // 2 cores): the integration files mostly wait on Azurite, the Cosmos server, devhost and the sandbox in
    // other processes. On 2 cores under load, 3 at once ran the suite in 468 s against 850 s one at a time.
    maxWorkers: Math.max(3, availableParallelism()),
    // Azurite + the Cosmos server, once per run for every project, on free loopback ports; integration tests
    // wait for them. A run without integration files (`vitest run test/unit`) starts nothing.
    globalSetup: ['test/integration/global-setup.ts'],
    // Vitest runs the projects' files in the order of the projects' names, each project's longest first (by
    // its cache of the last run, else the largest file first): the integration files start first and the
    // short unit files fill the gaps at the end.
    projects: [
      {
        test: {
          ...common,
          // Files that start hosts, servers and processes, each in a fresh worker: devhost runs one app per
          // process (the Functions library caches its core module) and the pipeline files set the app's
          // settings in process.env.
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'devhost/test/**/*.test.ts'],
          exclude: ['test/integration/storage/**'],
        },
      },
      {
        test: {
          ...common,
          // The storage repositories against the run's Azurite and Cosmos server, each file in its own
          // database, containers and queues (fixtures.ts): nothing global to isolate, so one worker runs many
          // files and loads the Azure SDKs once (test/integration/storage alone: 38 CPU-s isolated, 26 shared).
          name: 'integration-storage',
          include: ['test/integration/storage/**/*.test.ts'],
          isolate: false,
        },
      },
      {
        test: {
          ...common,
          // Pure unit tests: no process, no server, no global state. One worker runs many files and loads
          // shared modules (zod, the domain, the Functions library) once: a fresh worker per file spent more
          // time starting than testing (test/unit alone: 93 CPU-s isolated, 35 CPU-s shared).
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          isolate: false,
        },
      },
    ],
  },
});
