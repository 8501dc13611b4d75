// Lint and the house's layering rules. The domain's purity is enforced here, not by hope:
// libs/domain may import nothing but zod and itself.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tools/**', 'data/**', 'coverage/**', 'apps/tally-server/dashboard/dist/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['libs/domain/src/**/*.ts'],
    ignores: ['libs/domain/src/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{
          regex: '^(?!zod$|\\.{1,2}/).*',
          message: 'libs/domain is pure: it imports only zod and its own files (no Nest, Kafka, SQL, fs, clock).',
        }],
      }],
      'no-restricted-globals': ['error',
        { name: 'Date', message: 'Time is an input to the domain, never read from the clock.' },
        { name: 'process', message: 'The domain reads no environment.' },
        { name: 'fetch', message: 'The domain does no I/O.' }],
      'no-restricted-properties': ['error',
        { object: 'Math', property: 'random', message: 'The domain is deterministic: lots are inputs.' }],
    },
  },
);
