import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'devhost/test/**/*.test.ts'],
    // Generous: a timeout is a safety net for a hung test, never a speed check. Jobs are awaited for up to
    // 120 s (harness.ts waitForJob), which a machine shared with other test runs can need.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // More test files at once than cores (Vitest's default is one fewer than the cores: one file at a time on
    // 2 cores): the integration files mostly wait on Azurite, the Cosmos server, devhost and the sandbox in
    // other processes. On 2 cores under load, 3 at once ran the suite in 468 s against 850 s one at a time.
    maxWorkers: Math.max(3, availableParallelism()),
    // Azurite + the Cosmos server, once per run, on free loopback ports; integration tests wait for them.
    globalSetup: ['test/integration/global-setup.ts'],
  },
});
