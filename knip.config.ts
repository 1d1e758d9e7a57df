// knip: files, exports and dependencies nothing uses, checked in npm run lint. An export used only inside
// its own file is not counted (ignoreExportsUsedInFile): the schemas and option tables a module exports
// beside the functions that use them document its shapes.
import type { KnipConfig } from 'knip';

const config: KnipConfig = {
  ignoreExportsUsedInFile: true,
  workspaces: {
    '.': {
      // Scripts and benches started as child processes (bench/pipeline.ts spawns run-job.ts, direct-chunks.ts,
      // scripts/cosmos-server.ts and sandbox/cli.ts) are entries of their own.
      entry: ['src/index.ts', 'scripts/*.ts', 'bench/*.ts', 'sandbox/cli.ts'],
      project: [
        'src/**/*.ts',
        'scripts/**/*.ts',
        'bench/**/*.ts',
        'sandbox/**/*.ts',
        'examples/**/*.ts',
        'test/**/*.ts',
        '*.ts',
      ],
      ignoreDependencies: [
        // Read at run time by path: the browser tests inject axe-core's source; local-services.ts patches
        // the Cosmos server's own query engine, which it resolves from @vercel/cosmosdb-server.
        'axe-core',
        '@zeit/cosmosdb-query',
        // Linked (file:) so that npm ci installs their own dependencies and the CLI's bin; as npm workspaces they
        // would count as production dependencies and ship in the deployment package.
        'portfolio-analytics-cli',
        'portfolio-analytics-web',
      ],
    },
    devhost: {
      // The test fixtures are Functions apps the host loads by path, as a user's app would be.
      entry: ['bin/*.js', 'bench/*.ts', 'test/fixtures/**/*.{js,mjs,cjs}'],
      project: ['src/**/*.ts', 'bin/*.js', 'bench/**/*.ts', 'test/**/*.{ts,js,mjs,cjs}'],
      // The host's own module: the Functions worker (@azure/functions) imports it, and the host provides it.
      ignoreDependencies: ['@azure/functions-core'],
    },
    // The CLI is a package of its own (its dependencies stay out of the app's): bin/ starts main.ts.
    cli: {
      entry: ['bin/*.js'],
      project: ['**/*.{ts,js}'],
    },
    web: {},
  },
};

export default config;
