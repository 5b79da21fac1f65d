import type { ViteUserConfig } from 'vitest/config';

/** Builds a package's vitest config with the workspace defaults merged under `overrides`. */
export declare function defineNeedleConfig(overrides?: ViteUserConfig): ViteUserConfig;
