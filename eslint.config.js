import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.crm-hub/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // Library code throws HubError subclasses only (see src/core/hub-error.ts).
      'no-throw-literal': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The dashboard's ES modules run in the browser (type-checked by src/interfaces/dashboard/tsconfig.json).
    files: ['src/interfaces/dashboard/**/*.js'],
    languageOptions: { globals: globals.browser },
  },
);
