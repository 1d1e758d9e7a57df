// The dashboard build: web/ -> dist/web, served by the Functions app at /api/dashboard/ (src/functions/dashboard.ts).
// `npm run dev --prefix web` serves it with hot reload and forwards /api to a running `npm start`.
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/api/dashboard/',
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    // ECharts and the US map are most of the bundle; one chunk per library keeps the app's own code small.
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      // React libraries mark modules "use client" for server components; meaningless in this client-only bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: { proxy: { '/api': process.env.PORTFOLIO_ANALYTICS_URL ?? 'http://127.0.0.1:7071' } },
});
