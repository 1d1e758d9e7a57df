// Import cycles, type-only imports included (eslint-plugin-import-x's no-cycle skips those): a cycle of
// types still ties two modules so that neither can change alone. Layers are eslint.config.js's concern.
/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules import one way: move the shared part to the lower module, or a new one both import.',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
  },
};
