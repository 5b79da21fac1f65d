import type { Command } from 'commander';

import { registerAuditCommands } from './security/audit-commands.js';
import { registerKeysCommands } from './security/keys-commands.js';
import { registerRolesCommands } from './security/roles-commands.js';

/**
 * Adds the security commands to the `needle` program: `keys` (create, list, revoke),
 * `roles` (list, create, delete, grant, revoke, check) and `audit` (verify, list, export).
 * Like the data commands, each works on a data directory opened in this process (`--data`,
 * locked while it runs; its changes are audited as `cli:<os user>`) or on a running server
 * over its admin routes (`--url` with `--api-key` or `NEEDLE_API_KEY`).
 *
 * @example
 * ```ts
 * const program = new Command('needle');
 * registerSecurityCommands(program);
 * await program.parseAsync(process.argv);
 * ```
 */
export function registerSecurityCommands(program: Command): void {
  registerKeysCommands(program);
  registerRolesCommands(program);
  registerAuditCommands(program);
}
