import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'devhost/test/**/*.test.ts'],
    // Generous: a timeout is a safety net for a hung test, never a speed check. Jobs are awaited for up to
    // 120 s (harness.ts waitForJob), which a machine shared with other test runs can need.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // Azurite + the Cosmos server, once per run, on free loopback ports; integration tests wait for them.
    globalSetup: ['test/integration/global-setup.ts'],
  },
});
