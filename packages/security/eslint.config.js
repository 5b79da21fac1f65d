import { defineNeedleEslintConfig } from '@needle/eslint-config';

export default defineNeedleEslintConfig({ tsconfigRootDir: import.meta.dirname });
