import js from '@eslint/js'
import prettier from 'eslint-config-prettier'
import vue from 'eslint-plugin-vue'
import globals from 'globals'
import tseslint from 'typescript-eslint'

/**
 * The layers, as import rules (DESIGN.md: one contract, three transports; services free of Electron):
 *
 *   shared/            the contract and plain domain code: imports nothing of ours but itself
 *   electron/services  Electron-free services; connections/ sits below tracking/, query/ and api/
 *   electron/main, preload, cli   the transports' thin layers
 *   renderer/          the window: the contract (@shared) and itself, never electron/
 *
 * `shared` is imported by its alias (@shared/...) everywhere outside shared/ itself.
 * Each block lists every group for its files: ESLint keeps only the last
 * no-restricted-imports that matches a file, so groups are combined per file set.
 */
type Group = { group: string[]; message: string }

const SHARED_BY_ALIAS: Group = { group: ['**/shared/*', '**/shared/**'], message: 'Import shared code by its alias: @shared/…' }
const NO_ELECTRON: Group = {
  group: ['electron', 'electron/*'],
  message: 'Services run without Electron (the CLI and HTTP transports): only electron/main and preload import it.',
}
const NO_ELECTRON_FOLDER: Group = {
  group: ['**/electron/**', '@services/*', '@services/**', 'electron', 'electron/*'],
  message: 'The renderer and shared/ reach the services only through the contract (@shared/api).',
}
const NO_RENDERER: Group = { group: ['**/renderer/**'], message: 'The renderer is the window: nothing below it imports it.' }
const BELOW_TRACKING: Group = {
  group: [
    '../tracking',
    '../tracking/*',
    '../api',
    '../api/*',
    '../query',
    '../query/*',
    '../export',
    '../export/*',
    '../workspace',
    '../appContext',
    '@services/tracking/*',
    '@services/api/*',
  ],
  message: 'connections/ opens stores; tracking, query, export and the API build on it, never the reverse.',
}

const restrict = (...groups: Group[]) => ({ 'no-restricted-imports': ['error', { patterns: groups }] })

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.tools/**', 'test-results/**', 'playwright-report/**', 'test/fixtures/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'], sourceType: 'module' } },
  },
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // Type-only imports stay type-only (isolatedModules: the bundlers drop them).
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-control-regex': 'off',
    },
  },
  { files: ['renderer/**'], languageOptions: { globals: { ...globals.browser } } },
  { files: ['shared/**'], rules: restrict(NO_ELECTRON_FOLDER, NO_RENDERER) },
  { files: ['renderer/**'], rules: restrict(NO_ELECTRON_FOLDER, SHARED_BY_ALIAS) },
  { files: ['electron/services/**'], rules: restrict(NO_ELECTRON, NO_RENDERER, SHARED_BY_ALIAS) },
  { files: ['electron/services/connections/**'], rules: restrict(NO_ELECTRON, NO_RENDERER, SHARED_BY_ALIAS, BELOW_TRACKING) },
  { files: ['electron/main/**', 'electron/preload/**', 'electron/cli/**', 'migrations/**', '*.ts'], rules: restrict(NO_RENDERER, SHARED_BY_ALIAS) },
  // Tests reach every layer (renderer units included), shared by its alias like the rest. They read
  // JSON off the wire and assert its shape, so `any` is allowed there (and only there).
  { files: ['test/**'], rules: { ...restrict(SHARED_BY_ALIAS), '@typescript-eslint/no-explicit-any': 'off' } },
  prettier,
)
