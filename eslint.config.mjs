// ESLint (flat config): no unused code, no floating promises (type-aware), and
// each room's import restrictions, the lint-side twin of tsconfig.<room>.json.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

/** Every Node built-in, with and without the `node:` prefix. */
const nodeBuiltins = ['node:*', ...builtinModules.filter((m) => !m.startsWith('_'))];
const native = ['sharp', 'onnxruntime-node'];

const restrict = (paths, patterns, message) => ({
  'no-restricted-imports': ['error', {
    paths: paths.map((name) => ({ name, message })),
    patterns: [{ group: patterns, message }],
  }],
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.cache/**', 'bench/.data/**', 'test-artifacts/**', 'out/**', 'types/**', 'media/**', 'docs/**', 'sample/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      'no-empty': ['error', { allowEmptyCatch: true }],
      // A closure may read a `let` that is assigned once, later (extension.ts's service).
      'prefer-const': ['error', { destructuring: 'all', ignoreReadBeforeAssign: true }],
    },
  },
  {
    // Tests, benchmarks and scripts poke at untyped JSON and load modules on demand.
    files: ['test/**', 'bench/**', 'scripts/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-require-imports': 'off',
      'preserve-caught-error': 'off',
    },
  },
  {
    // Tests wait on what they can observe (a version counter, a rendered marker, a posted
    // message), never for a fixed time: a sleep is too short under load and too long otherwise.
    // A sleep inside a loop is a poll (it re-checks a condition); one in Promise.race is a time limit.
    files: ['test/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error',
        { selector: "CallExpression[callee.property.name='waitForTimeout']", message: 'No fixed sleeps in tests: wait for the condition (page.waitForFunction, waitForSelector, a posted message).' },
        { selector: "NewExpression[callee.name='Promise'] > ArrowFunctionExpression CallExpression[callee.name='setTimeout']:not(WhileStatement *):not(ForStatement *):not(DoWhileStatement *)", message: 'No fixed sleeps in tests: wait for the condition (a promise the code settles, waitFor/until polling it).' },
        { selector: "CallExpression[callee.name='sleep']:not(WhileStatement *):not(ForStatement *):not(DoWhileStatement *):not(CallExpression[callee.property.name='race'] *)", message: 'No fixed sleeps in tests: wait for the condition (waitFor polling it).' },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', require: 'readonly', module: 'writable', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // The rooms (see ARCHITECTURE.md). Globs, so new folders (core/convert, node/*, …) join their room.
  {
    files: ['src/core/**/*.ts', 'src/shared/**/*.ts'],
    rules: restrict(['vscode', ...native],
      [...nodeBuiltins, '**/node/**', '**/extension/**', '**/cli/**', '**/webview-ui/**', '**/lib'],
      'src/core and src/shared are pure TypeScript: no vscode, no Node, no native modules, nothing from node/, extension/, cli/ or webview-ui/.'),
  },
  {
    files: ['webview-ui/src/**/*.ts'],
    rules: restrict(['vscode', ...native],
      [...nodeBuiltins, '**/src/node/**', '**/src/extension/**', '**/src/cli/**'],
      'webview-ui runs in the browser: no vscode, no Node, nothing from src/node, src/extension or src/cli.'),
  },
  {
    files: ['src/node/**/*.ts', 'src/cli/**/*.ts', 'src/lib.ts'],
    rules: restrict(['vscode'], ['**/extension/**', '**/webview-ui/**'],
      'src/node and src/cli run without VS Code: no vscode, nothing from src/extension or webview-ui.'),
  },
  {
    files: ['src/extension/**/*.ts'],
    rules: restrict([], ['**/webview-ui/**', '**/cli/**'], 'src/extension talks to the webview through src/shared only.'),
  },
);
