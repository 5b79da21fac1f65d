// Shared vitest settings for every workspace package.
import { defineConfig, mergeConfig } from 'vitest/config';

/**
 * Builds a package's vitest config: source-condition resolution (so packages test each
 * other's `src/` without a build), the default reporter plus the count reporter.
 * @param {import('vitest/config').ViteUserConfig} [overrides]
 */
export function defineNeedleConfig(overrides = {}) {
  return mergeConfig(
    defineConfig({
      resolve: { conditions: ['@needle/source'] },
      ssr: { resolve: { conditions: ['@needle/source'] } },
      test: {
        reporters: ['default', '@needle/vitest-config/reporter'],
        testTimeout: 60_000,
        hookTimeout: 60_000,
      },
    }),
    overrides,
  );
}
