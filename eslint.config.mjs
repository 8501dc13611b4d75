// Lint and the house's layering rules. The domain's purity is enforced here, not by hope:
// libs/domain may import nothing but zod and itself. The arrows between the libs too:
// apps → audit → projection → domain; event-store, intake-queue, signatures, encoding and merkle-log
// stand beside domain and import neither projection nor audit.
//
// Flat config merges every block that matches a file, and for one rule the LAST matching block's
// options replace the earlier ones: so no two blocks below set no-restricted-imports for the same
// file. The domain block covers libs/domain's code (its rule, which admits nothing but zod and
// relative paths, already refuses @tally/projection and @tally/audit; its pattern below refuses
// relative paths into them); the arrows block covers the domain's specs, which the domain block
// leaves out, and the libs beside the domain.
import tseslint from 'typescript-eslint';

/** A relative path that climbs out of a lib into another lib's sources (or into apps). */
const into = (...dirs) => `^(\\.\\./)+(libs/)?(${dirs.join('|')})(/|$)`;
const ARROWS = 'Arrows run one way: apps → audit → projection → domain (ARCHITECTURE.md).';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tools/**', 'data/**', 'coverage/**', 'apps/tally-server/dashboard/dist/**', '.stryker-tmp/**', 'reports/**'] },
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
        }, {
          regex: into('projection', 'audit', 'apps'),
          message: ARROWS,
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
  {
    // The projection (the fold, its digest and snapshot files) sits under audit: it never imports it.
    files: ['libs/projection/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: '@tally/audit', message: ARROWS }],
        patterns: [{ regex: into('audit', 'apps'), message: ARROWS }],
      }],
    },
  },
  {
    // The domain's specs (its code is the block above) and the libs beside the domain.
    files: ['libs/domain/src/**/*.spec.ts', 'libs/{event-store,intake-queue,signatures,encoding,merkle-log}/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: '@tally/projection', message: ARROWS }, { name: '@tally/audit', message: ARROWS }],
        patterns: [{ regex: into('projection', 'audit', 'apps'), message: ARROWS }],
      }],
    },
  },
);
