// `npm run lint`: real problems only (bugs, dead code, hook misuse, import cycles, layer breaches), no style.
import path from 'node:path';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/** The browser's code may take only types from the server; isomorphic code (common/) is what both sides import. */
const serverOnlyTypes = {
  patterns: [
    {
      regex: '^(@/|(\\.\\./)+)server(/|$)',
      allowTypeImports: true,
      message: 'pages and components take only types from server/ (`import type`); move isomorphic code to common/',
    },
  ],
};

export default tseslint.config(
  { ignores: ['.next/**', 'dist/**', 'node_modules/**', 'e2e-artifacts/**', 'data/**', 'public/**', 'next-env.d.ts', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    plugins: { 'import-x': importX },
    settings: {
      // the files import-x reads to follow imports (without these it skips .ts files and finds no cycle)
      'import-x/extensions': ['.ts', '.tsx'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/internal-regex': '^@/',
      'import-x/resolver-next': [createNodeResolver({ tsconfig: { configFile: path.join(import.meta.dirname, 'tsconfig.json') }, extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'] })],
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // tests and guards sometimes need an escape hatch; each one is visible in review
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',
      'no-constant-binary-expression': 'error',
      'no-self-compare': 'error',
      'no-unreachable-loop': 'error',
      'no-template-curly-in-string': 'error',
    },
  },
  {
    // the browser's code: React's hook rules, and only types from the server
    files: ['components/**/*.{ts,tsx}', 'app/**/*.{ts,tsx}', 'lib/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      '@typescript-eslint/no-restricted-imports': ['error', serverOnlyTypes],
    },
  },
  {
    // the audit log is written by the services that act, never by the API (docs/security.md, "The audit log")
    files: ['server/trpc/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        ...['../db/audit', '../../db/audit', '@/server/db/audit'].map((name) => ({
          name,
          importNames: ['recordAudit', 'recordAuditCounted'],
          message: 'routers do not write the audit log: the service that acts records it',
        })),
      ],
    },
  },
  {
    files: ['common/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ regex: '^(@/|(\\.\\./)+)(server|components|app|lib)(/|$)', message: 'common/ is isomorphic: it imports no server or UI code' }] }] },
  },
);
