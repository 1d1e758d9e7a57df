// Flat config: typescript-eslint's recommended rules over the repo's TypeScript, and the layer rules of
// DESIGN §1 (eslint-plugin-import-x resolves each import to its file, so a rule names folders, not strings).
// Import cycles are refused by dependency-cruiser (.dependency-cruiser.mjs), which also sees type-only imports.
// The rules of typescript-eslint's recommendedTypeChecked that need type information run in oxlint's tsgolint
// (.oxlintrc.json), on the native TypeScript compiler: here they cost about 40 CPU-seconds of every npm test.
import js from '@eslint/js';
import stylistic from '@stylistic/eslint-plugin';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const why = {
  domain: 'src/domain is pure analytics: it imports nothing outside src/domain (DESIGN §1).',
  adapters:
    'providers and storage sit on the domain only (storage also on the identity and hosting leaves): no activity, trigger, orchestration or settings module.',
  activities:
    'activities receive their ports (src/app.ts wires them): no services, settings, triggers or orchestrations.',
  durable: 'orchestrations and entities replay: they see the domain and the workflow contracts only, never I/O code.',
  contracts: 'src/workflow.ts holds the shapes that travel through history; it imports the domain only.',
  leaf: 'a shared utility imports nothing from the app.',
  root: 'only src/index.ts knows the composition root (src/app.ts); nothing in src imports the entry point.',
  helpers: 'src/api and src/jobs serve the triggers; they never import a trigger.',
  intake: 'src/intake reads portfolios (tapes, JSON) into domain properties: it imports the domain only.',
  devhost: 'devhost is a generic host: it imports nothing from the app (DESIGN §1).',
  app: 'the app ships alone: it imports nothing from devhost, the CLI, tests, benches or scripts.',
};

/** Layer zones: files under `target` may not import from `from` (except the listed sub-paths of `from`). */
const layers = [
  { target: './src/domain', from: './src', except: ['./domain'], message: why.domain },
  {
    target: './src/providers',
    from: './src',
    except: ['./domain', './providers', './concurrency.ts'],
    message: why.adapters,
  },
  {
    target: './src/storage',
    from: './src',
    except: ['./domain', './storage', './concurrency.ts', './settings-table.ts', './hosting.ts', './identity.ts'],
    message: why.adapters,
  },
  {
    target: './src/activities',
    from: './src',
    except: ['./domain', './providers', './storage', './activities', './workflow.ts', './concurrency.ts'],
    message: why.activities,
  },
  {
    target: ['./src/orchestrators', './src/entities'],
    from: './src',
    except: ['./domain', './workflow.ts'],
    message: why.durable,
  },
  { target: './src/workflow.ts', from: './src', except: ['./domain'], message: why.contracts },
  { target: './src/intake', from: './src', except: ['./domain', './intake'], message: why.intake },
  {
    target: [
      './src/concurrency.ts',
      './src/settings-table.ts',
      './src/telemetry.ts',
      './src/hosting.ts',
      './src/identity.ts',
    ],
    from: './src',
    message: why.leaf,
  },
  { target: ['./src/*/**', './src/!(app|index).ts'], from: ['./src/app.ts', './src/index.ts'], message: why.root },
  { target: './src/app.ts', from: './src/index.ts', message: why.root },
  { target: ['./src/api', './src/jobs'], from: './src/functions', message: why.helpers },
  { target: './devhost', from: './src', message: why.devhost },
  {
    target: './src',
    from: ['./devhost', './cli', './test', './bench', './scripts', './examples', './sandbox'],
    message: why.app,
  },
];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'out/**',
      'coverage/**',
      '.devhost/**',
      'devhost/test/fixtures/**/dist/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'import-x/no-restricted-paths': ['error', { zones: layers, basePath: import.meta.dirname }],
    },
  },
  {
    // Prettier wraps code at 120 but leaves comments and JSX text as written: this holds them to the same width.
    // A line holding a string, template or URL is exempt: a message cut with + is harder to read and to grep.
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.mjs'],
    ignores: ['devhost/**'],
    plugins: { '@stylistic': stylistic },
    rules: {
      '@stylistic/max-len': [
        'error',
        {
          code: 120,
          tabWidth: 2,
          ignoreUrls: true,
          ignoreStrings: true,
          ignoreTemplateLiterals: true,
          ignoreRegExpLiterals: true,
        },
      ],
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@azure/*', 'durable-functions', 'applicationinsights', 'cockatiel', 'node:*'],
              message: why.domain,
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        setTimeout: 'readonly',
      },
    },
  },
  {
    // Fixture apps are plain CommonJS Functions apps, written the way users write them.
    files: ['devhost/test/fixtures/**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
