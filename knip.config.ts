// knip: files, exports and dependencies nothing uses, checked in npm run lint. An export used only inside
// its own file is not counted (ignoreExportsUsedInFile): the schemas and option tables a module exports
// beside the functions that use them document its shapes. devhost/ is left out while its own branch
// reworks it; add it here when that lands.
import type { KnipConfig } from 'knip';

const config: KnipConfig = {
  ignoreExportsUsedInFile: true,
  ignoreWorkspaces: ['devhost'],
  workspaces: {
    '.': {
      // Scripts and benches started as child processes (bench/pipeline.ts spawns run-job.ts, direct-chunks.ts,
      // scripts/cosmos-server.ts and sandbox/cli.ts) are entries of their own.
      entry: ['src/index.ts', 'scripts/*.ts', 'bench/*.ts', 'sandbox/cli.ts', 'cli/bin/*.js'],
      project: [
        'src/**/*.ts',
        'scripts/**/*.ts',
        'bench/**/*.ts',
        'sandbox/**/*.ts',
        'examples/**/*.ts',
        'cli/**/*',
        'test/**/*.ts',
        '*.ts',
      ],
      ignoreDependencies: [
        // Read at run time by path: the browser tests inject axe-core's source; local-services.ts patches
        // the Cosmos server's own query engine, which it resolves from @vercel/cosmosdb-server.
        'axe-core',
        '@zeit/cosmosdb-query',
      ],
    },
    web: {},
  },
};

export default config;
