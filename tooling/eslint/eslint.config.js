import { defineNeedleEslintConfig } from './index.js';

export default defineNeedleEslintConfig({ tsconfigRootDir: import.meta.dirname });
