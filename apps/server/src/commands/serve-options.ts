import type { Command } from 'commander';

import { CONFIG_OPTIONS } from '../config-options.js';

/**
 * Adds every setting of the config table as a flag of `needle serve`, plus `--config`.
 * Flags override `NEEDLE_*` variables, which override the config file.
 */
export function addServeOptions(command: Command): Command {
  command.option('--config <file>', 'JSON config file (also NEEDLE_CONFIG)');
  for (const option of CONFIG_OPTIONS) {
    command.option(option.flag, `${option.description} (${option.env})`);
  }
  return command;
}
