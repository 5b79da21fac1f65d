import { defineNeedleEslintConfig } from '@needle/eslint-config';
import nextPlugin from '@next/eslint-plugin-next';
import jsxA11y from 'eslint-plugin-jsx-a11y';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

export default defineNeedleEslintConfig({
  tsconfigRootDir: import.meta.dirname,
  ignores: ['out/'],
  extra: [
    {
      files: ['src/**/*.{ts,tsx}'],
      languageOptions: { globals: globals.browser },
      plugins: { '@next/next': nextPlugin, 'react-hooks': reactHooks },
      rules: {
        ...nextPlugin.configs.recommended.rules,
        ...nextPlugin.configs['core-web-vitals'].rules,
        ...reactHooks.configs.flat.recommended.rules,
      },
    },
    { files: ['src/**/*.tsx'], ...jsxA11y.flatConfigs.recommended },
  ],
});
