import { defineNeedleEslintConfig } from '@needle/eslint-config';

export default defineNeedleEslintConfig({
  tsconfigRootDir: import.meta.dirname,
  extra: [
    {
      // Playwright's fixtures take their dependencies by destructuring, `{}` when there are none.
      files: ['support/fixtures.ts'],
      rules: { 'no-empty-pattern': 'off' },
    },
  ],
});
