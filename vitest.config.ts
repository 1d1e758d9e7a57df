import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'devhost/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Azurite + the Cosmos server, once per run, on free loopback ports; integration tests wait for them.
    globalSetup: ['test/integration/global-setup.ts'],
  },
});
