import { defineNeedleEslintConfig } from '@needle/eslint-config';

export default defineNeedleEslintConfig({
  tsconfigRootDir: import.meta.dirname,
  extra: [
    {
      // HTTP tests read parsed JSON answers (`any`): the assertions are what check their shape.
      files: ['test/**/*.ts'],
      rules: {
        '@typescript-eslint/no-explicit-any': 'off',
        '@typescript-eslint/no-unsafe-member-access': 'off',
        '@typescript-eslint/no-unsafe-call': 'off',
        '@typescript-eslint/no-unsafe-assignment': 'off',
        '@typescript-eslint/no-unsafe-argument': 'off',
        '@typescript-eslint/no-unsafe-return': 'off',
      },
    },
  ],
});
