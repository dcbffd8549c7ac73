import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noVscode = {
  'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'Only client/ may import vscode.' }] }],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.e2e/**', '.vscode-test/**', 'out/**', 'bench/results.json'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['shared/**/*.ts', 'server/**/*.ts', 'cli/**/*.ts'], rules: noVscode },
  // stdout is the LSP transport: the server logs through its connection only.
  { files: ['server/**/*.ts', 'shared/**/*.ts'], rules: { ...noVscode, 'no-console': 'error' } },
  // LSP message declarations follow the protocol libraries' `export namespace X { method; type }` shape.
  { files: ['shared/lspProtocol.ts'], rules: { '@typescript-eslint/no-namespace': 'off' } },
  {
    files: ['**/*.mjs', 'scripts/**', 'test/**', 'bench/**'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', Buffer: 'readonly' } },
  },
);
