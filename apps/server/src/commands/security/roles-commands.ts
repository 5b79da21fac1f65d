import { ACTIONS, COLLECTION_ACTIONS, parsePermission } from '@needle/security';
import { Option } from 'commander';
import type { Command } from 'commander';

import { CommandError, EXIT_CODES } from '../command-error.js';
import type { TargetOptions } from '../open-backend.js';
import { action } from '../register-data-commands.js';
import { collect, commandGroup, exitCodesHelp, securityCommand } from './command-kit.js';
import { withSecurity } from './open-security.js';
import { formatTable } from './print-table.js';

const PRINCIPAL = /^(key|jwt|cert):.+$/;

type CheckFlags = TargetOptions & {
  role?: string[];
  key?: string;
  principal?: string;
  action: string;
  collection?: string;
  json?: boolean;
};

/**
 * `needle roles list|create|delete|grant|revoke|check`: the built-in roles, custom roles made
 * of permissions scoped to collections, the roles granted to principals, and what they allow.
 */
export function registerRolesCommands(program: Command): void {
  const roles = commandGroup(
    program,
    'roles',
    'Roles and grants: custom roles from permissions such as docs:search, granted to keys, tokens and certificates',
    [
      'needle roles list',
      'needle roles create docs-reader --permission docs:search --permission docs:read',
    ],
  );

  securityCommand(
    roles,
    'list',
    'List the roles with their permissions, and the roles granted to each principal',
    (c) => c.option('--json', 'print JSON'),
    { examples: ['needle roles list', 'needle roles list --url http://127.0.0.1:8080 --json'] },
  ).action(
    action(async (_signal, options: TargetOptions & { json?: boolean }) => {
      const { list, grants } = await withSecurity(options, 'needle roles list', async (b) => ({
        list: await b.listRoles(),
        grants: await b.listGrants(),
      }));
      if (options.json) {
        console.log(JSON.stringify({ roles: list, grants }, null, 2));
        return EXIT_CODES.OK;
      }
      const rows = [
        ['role', 'kind', 'permissions', 'description'],
        ...list.map((r) => [
          r.name,
          r.built_in ? 'built-in' : 'custom',
          r.permissions.join(' '),
          r.description ?? '',
        ]),
      ];
      for (const line of formatTable(rows)) console.log(line);
      const granted = grants.filter((g) => g.roles.length > 0);
      if (granted.length > 0) {
        console.log('');
        const grantRows = [
          ['principal', 'granted roles'],
          ...granted.map((g) => [g.principal, g.roles.join(', ')]),
        ];
        for (const line of formatTable(grantRows)) console.log(line);
      }
      return EXIT_CODES.OK;
    }),
  );

  securityCommand(
    roles,
    'create',
    'Create a custom role from permissions <collections>:<action> (docs:search, logs-*:write, *:audit.read)',
    (c) =>
      c
        .argument('<name>', 'the role: 1–64 letters, digits, ".", "_", "-"')
        .option('--permission <permission>', 'a permission of the role (repeat for more)', collect)
        .option('--description <text>', 'what the role is for'),
    {
      examples: [
        'needle roles create docs-reader --permission docs:search --permission docs:read',
        'needle roles create log-writer --permission "logs-*:write" --description "log shippers"',
      ],
    },
  ).action(
    action(
      async (
        _signal,
        name: string,
        options: TargetOptions & { permission?: string[]; description?: string },
      ) => {
        const permissions = options.permission ?? [];
        if (permissions.length === 0) {
          throw usage(
            'a role needs at least one permission',
            'Pass --permission, e.g. --permission docs:search.',
          );
        }
        for (const permission of permissions) checkPermission(permission);
        const created = await withSecurity(options, 'needle roles create', (b) =>
          b.createRole(name, permissions, options.description),
        );
        console.log(`created role "${created.name}": ${created.permissions.join(' ')}`);
        return EXIT_CODES.OK;
      },
    ),
  );

  securityCommand(
    roles,
    'delete',
    'Delete a custom role (the built-in reader, writer and admin cannot be deleted)',
    (c) => c.argument('<name>', 'the custom role'),
    { examples: ['needle roles delete docs-reader'] },
  ).action(
    action(async (_signal, name: string, options: TargetOptions) => {
      await withSecurity(options, 'needle roles delete', (b) => b.deleteRole(name));
      console.log(`deleted role "${name}"`);
      return EXIT_CODES.OK;
    }),
  );

  securityCommand(
    roles,
    'grant',
    'Grant a role to a principal: key:<id>, jwt:<subject> or cert:<subject>',
    (c) =>
      c.argument('<principal>', 'key:<id>, jwt:<subject> or cert:<subject>').argument('<role>'),
    {
      examples: [
        'needle roles grant key:3f9a0c1b2d4e docs-reader',
        'needle roles grant jwt:alice@example.com admin',
      ],
    },
  ).action(
    action(async (_signal, principal: string, role: string, options: TargetOptions) => {
      checkPrincipal(principal);
      const now = await withSecurity(options, 'needle roles grant', (b) =>
        b.grantRole(principal, role),
      );
      console.log(`granted "${role}" to ${principal}; its granted roles: ${now.join(', ')}`);
      return EXIT_CODES.OK;
    }),
  );

  securityCommand(
    roles,
    'revoke',
    'Take a granted role from a principal (roles a key was created with stay: revoke the key instead)',
    (c) =>
      c.argument('<principal>', 'key:<id>, jwt:<subject> or cert:<subject>').argument('<role>'),
    { examples: ['needle roles revoke key:3f9a0c1b2d4e docs-reader'] },
  ).action(
    action(async (_signal, principal: string, role: string, options: TargetOptions) => {
      checkPrincipal(principal);
      const outcome = await withSecurity(options, 'needle roles revoke', async (b) => {
        const grant = (await b.listGrants()).find((g) => g.principal === principal);
        if (!grant?.roles.includes(role)) return null;
        return b.revokeRole(principal, role);
      });
      if (outcome === null) {
        console.log(`${principal} has no grant of "${role}": nothing changed`);
      } else {
        const left = outcome.length === 0 ? 'none' : outcome.join(', ');
        console.log(`revoked "${role}" from ${principal}; its granted roles: ${left}`);
      }
      return EXIT_CODES.OK;
    }),
  );

  securityCommand(
    roles,
    'check',
    'May these roles, this key or this principal do an action (on a collection)?',
    (c) =>
      c
        .option('--role <role>', 'a role to check (repeat for more)', collect)
        .option('--key <id>', 'an API key: its own roles and those granted to it')
        .option('--principal <principal>', 'a principal: the roles granted to it')
        .addOption(
          new Option('--action <action>', 'the action').choices([...ACTIONS]).makeOptionMandatory(),
        )
        .option('--collection <name>', `the collection, for ${COLLECTION_ACTIONS.join(', ')}`)
        .option('--json', 'print JSON'),
    {
      examples: [
        'needle roles check --role reader --action write --collection docs',
        'needle roles check --key 3f9a0c1b2d4e --action search --collection docs',
      ],
      exitCodes: exitCodesHelp({ check: 'denied: the roles do not allow the action' }),
    },
  ).action(
    action(async (_signal, options: CheckFlags) => {
      if (
        options.role === undefined &&
        options.key === undefined &&
        options.principal === undefined
      ) {
        throw usage('say whose permissions to check', 'Pass --role, --key or --principal.');
      }
      if (options.principal !== undefined) checkPrincipal(options.principal);
      const answer = await withSecurity(options, 'needle roles check', (b) =>
        b.check({
          action: options.action,
          ...(options.role === undefined ? {} : { roles: options.role }),
          ...(options.key === undefined ? {} : { keyId: options.key }),
          ...(options.principal === undefined ? {} : { principal: options.principal }),
          ...(options.collection === undefined ? {} : { collection: options.collection }),
        }),
      );
      if (options.json) {
        console.log(JSON.stringify(answer, null, 2));
      } else {
        const what = `${options.action}${options.collection === undefined ? '' : ` on "${options.collection}"`}`;
        const who = answer.roles.length === 0 ? 'no roles' : `roles ${answer.roles.join(', ')}`;
        console.log(
          answer.allowed
            ? `allowed: ${what} for ${who} (by ${answer.matched.join(', ')})`
            : `denied: ${what} for ${who}`,
        );
      }
      return answer.allowed ? EXIT_CODES.OK : EXIT_CODES.CHECK_FAILED;
    }),
  );
}

function usage(message: string, help: string): CommandError {
  return new CommandError('INVALID_INPUT', message, help, { exitCode: EXIT_CODES.USAGE });
}

function checkPermission(text: string): void {
  try {
    parsePermission(text);
  } catch (err) {
    const e = err as Error & { help?: string };
    const help = e.help ?? 'write <collections>:<action>, e.g. docs:search';
    throw usage(e.message, `${help[0]!.toUpperCase()}${help.slice(1)}.`);
  }
}

function checkPrincipal(principal: string): void {
  if (!PRINCIPAL.test(principal)) {
    throw usage(
      `"${principal}" is not a principal`,
      'Name it key:<id> (see `needle keys list`), jwt:<subject> or cert:<subject>.',
    );
  }
}
