// Flat config, scoped by file: the TypeScript plugin (typescript-eslint + the sf-plugin rules that
// salesforcecli's plugins use), the LWC bundles (Salesforce's LWC config), and the jest mocks.
// eslint-config-salesforce-typescript still targets ESLint 8's legacy format, which cannot sit beside the
// ESLint 9 LWC config, so the TypeScript side is assembled here from the same parts.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import sfPlugin from 'eslint-plugin-sf-plugin';
import { fixupPluginRules } from '@eslint/compat';
import lwcRecommended from '@salesforce/eslint-config-lwc/recommended.js';
import globals from 'globals';
import prettier from 'eslint-config-prettier';

const tsFiles = ['src/**/*.ts', 'test/**/*.ts', 'emulators/**/*.ts', 'scripts/**/*.ts'];

export default [
  {
    ignores: [
      'lib/**',
      'node_modules/**',
      'coverage/**',
      'bench/results/**',
      'test-results/**',
      '.sfdx/**',
      '.sf/**',
      '.scratch/**',
    ],
  },
  ...tseslint.configs.recommendedTypeChecked.map((config) => ({ ...config, files: tsFiles })),
  {
    files: tsFiles,
    languageOptions: {
      // One TypeScript program for every linted file (tsconfig.eslint.json): the project service built one per
      // tsconfig (src, test, emulators, scripts), and test's imports pull the other three in again, so most files
      // were type-checked two or three times (lint: 86 → 56 s of CPU). The four use the same compiler options.
      parserOptions: { project: './tsconfig.eslint.json', tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    files: ['src/**/*.ts'],
    // The sf-plugin rules still call ESLint 8's context API; @eslint/compat shims it.
    plugins: { 'sf-plugin': fixupPluginRules(sfPlugin) },
    rules: { ...sfPlugin.configs.recommended.rules },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-expressions': 'off',
    },
  },
  {
    files: ['scripts/**/*.ts', 'emulators/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  ...[lwcRecommended].flat().map((config) => ({ ...config, files: ['force-app/main/default/lwc/**/*.js'] })),
  {
    files: ['force-app/main/default/lwc/**/__tests__/**/*.js'],
    rules: { '@lwc/lwc/no-unexpected-wire-adapter-usages': 'off' },
  },
  {
    files: ['force-app/test/jest-mocks/**/*.js'],
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
  },
  {
    files: ['*.js', '*.mjs', 'scripts/**/*.js', 'scripts/**/*.mjs', 'bin/**/*.js'],
    ...js.configs.recommended,
    languageOptions: { globals: { ...globals.node } },
  },
  prettier,
  {
    // Prettier wraps code at 120 columns but not comments or long literals: the width holds for those too, except a
    // string, template or regular expression that would read worse split, and URLs.
    files: [...tsFiles, 'force-app/main/default/lwc/**/*.js'],
    rules: {
      'max-len': [
        'error',
        {
          code: 120,
          tabWidth: 4,
          ignoreUrls: true,
          ignoreStrings: true,
          ignoreTemplateLiterals: true,
          ignoreRegExpLiterals: true,
        },
      ],
    },
  },
];
