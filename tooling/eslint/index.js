// Shared ESLint flat config for every workspace package. Each package's eslint.config.js is
//   import { defineNeedleEslintConfig } from '@needle/eslint-config';
//   export default defineNeedleEslintConfig({ tsconfigRootDir: import.meta.dirname });
//
// Formatting belongs to Prettier alone. No rule enabled here (ESLint's and typescript-eslint's
// recommended sets plus the rules below) is stylistic, which is why eslint-config-prettier is
// not needed; a stylistic rule must never be added.
import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const TS_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts'];
const JS_EXTENSIONS = ['.js', '.jsx', '.mjs', '.cjs'];
const TS_FILES = TS_EXTENSIONS.map((ext) => `**/*${ext}`);
const JS_FILES = JS_EXTENSIONS.map((ext) => `**/*${ext}`);

/** Build output, dependencies and reports: never linted. */
export const NEEDLE_IGNORES = [
  '**/dist/',
  '**/build/',
  '**/.next/',
  '**/node_modules/',
  '**/coverage/',
  '**/.turbo/',
  '**/.test-results/',
  '**/next-env.d.ts',
];

/**
 * Resolves imports as Node and TypeScript do in this repo: NodeNext `.js` specifiers map to
 * `.ts` sources, and workspace packages resolve to their `src/` through the `@needle/source`
 * export condition, so import cycles are found across packages too.
 */
const resolver = createNodeResolver({
  extensions: [...TS_EXTENSIONS, ...JS_EXTENSIONS, '.json', '.node'],
  extensionAlias: {
    '.js': ['.ts', '.tsx', '.js', '.jsx'],
    '.mjs': ['.mts', '.mjs'],
    '.cjs': ['.cts', '.cjs'],
  },
  conditionNames: ['@needle/source', 'import', 'node', 'default'],
});

/**
 * Builds a package's ESLint config: type-aware rules for TypeScript through the project
 * service (each file is checked with the tsconfig that includes it), ESLint's recommended
 * rules for plain JavaScript, and import-cycle detection for both.
 *
 * @param {object} options
 * @param {string} options.tsconfigRootDir The package's directory (`import.meta.dirname`).
 * @param {string[]} [options.ignores] Extra glob patterns to skip, beside {@link NEEDLE_IGNORES}.
 * @param {import('eslint').Linter.Config[]} [options.extra] Package-specific configs, applied last.
 * @returns {import('eslint').Linter.Config[]}
 */
export function defineNeedleEslintConfig({ tsconfigRootDir, ignores = [], extra = [] }) {
  if (typeof tsconfigRootDir !== 'string') {
    throw new TypeError('defineNeedleEslintConfig: pass { tsconfigRootDir: import.meta.dirname }');
  }
  return defineConfig(
    globalIgnores([...NEEDLE_IGNORES, ...ignores]),
    {
      linterOptions: { reportUnusedDisableDirectives: 'error' },
      languageOptions: { globals: globals.node },
    },
    js.configs.recommended,
    {
      files: TS_FILES,
      extends: [tseslint.configs.recommendedTypeChecked],
      languageOptions: { parserOptions: { projectService: true, tsconfigRootDir } },
      rules: {
        '@typescript-eslint/no-floating-promises': 'error',
        '@typescript-eslint/no-misused-promises': 'error',
        '@typescript-eslint/switch-exhaustiveness-check': 'error',
        '@typescript-eslint/consistent-type-imports': [
          'error',
          { prefer: 'type-imports', fixStyle: 'inline-type-imports' },
        ],
        // With verbatimModuleSyntax, `import { type A }` keeps an empty side-effect import.
        '@typescript-eslint/no-import-type-side-effects': 'error',
        // `any` needs a comment saying why; review enforces the comment, this the disable.
        '@typescript-eslint/no-explicit-any': 'error',
        // An async implementation of a promise-returning interface is right even without an
        // await: it turns a synchronous throw into a rejection. Forgotten awaits are caught
        // by no-floating-promises instead.
        '@typescript-eslint/require-await': 'off',
        '@typescript-eslint/no-unused-vars': [
          'error',
          { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
        ],
      },
    },
    {
      // vitest types its asymmetric matchers (`expect.objectContaining(...)`) as `any`, so
      // every use in an expected object would be reported as an unsafe assignment.
      files: ['**/*.test.ts', '**/*.test.tsx', '**/test/**/*.ts', '**/e2e/**/*.ts'],
      rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
    },
    {
      files: JS_FILES,
      rules: {
        'no-unused-vars': [
          'error',
          { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
        ],
      },
    },
    {
      files: [...TS_FILES, ...JS_FILES],
      plugins: { 'import-x': importX },
      settings: {
        'import-x/resolver-next': [resolver],
        // Without these, files with a TypeScript extension are skipped when following imports.
        'import-x/extensions': [...TS_EXTENSIONS, ...JS_EXTENSIONS],
        'import-x/parsers': { '@typescript-eslint/parser': TS_EXTENSIONS },
      },
      rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
    },
    ...extra,
  );
}
