// Lint gate (`npm run lint`, part of `npm test`). A deliberately small rule set, each rule catching a bug class that
// typecheck does not, so the gate stays quiet unless something is really wrong:
// - no-floating-promises / no-misused-promises: an unawaited promise (or an async callback where a void one is expected,
//   e.g. an LSP or VS Code event handler) drops its rejection, so an analysis or a write fails silently.
// - no-unused-vars: dead code and forgotten results (a leading _ marks a deliberately unused parameter).
// - consistent-type-imports: type-only imports are erased, so they add no run-time dependency between layers
//   (and stay correct under esbuild's isolated-module compilation).
// - no-explicit-any: `any` switches typechecking off for everything it touches; `unknown` + narrowing instead.
// Formatting is Prettier's job (`prettier --check .`), not ESLint's.
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores(['dist/', 'node_modules/', '.e2e-cache/', 'test-output/', 'test/fixtures/', '**/*.vsix']),
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      // Type-aware: the rules above need the type checker; the project service reads tsconfig.json.
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's test()/describe() return promises the runner itself awaits.
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // Plain JavaScript (build scripts, the CLI launcher, the editor test drivers): no types, so the basic checks only.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      'no-undef': 'error',
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
);
