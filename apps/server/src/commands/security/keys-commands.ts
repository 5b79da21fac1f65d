import { Option } from 'commander';
import type { Command } from 'commander';

import { CommandError, EXIT_CODES } from '../command-error.js';
import type { TargetOptions } from '../open-backend.js';
import { action } from '../register-data-commands.js';
import { collect, commandGroup, securityCommand } from './command-kit.js';
import { withSecurity } from './open-security.js';
import { formatTable, shortTime } from './print-table.js';
import type { ApiKeyRecord } from './security-backend.js';
import { parseDuration, parseIsoTime } from './time-options.js';

type CreateFlags = TargetOptions & {
  name: string;
  role: string[];
  expiresIn?: number;
  expiresAt?: number;
  json?: boolean;
};

/** `needle keys create|list|revoke`: API keys, stored as hashes, shown once at creation. */
export function registerKeysCommands(program: Command): void {
  const keys = commandGroup(
    program,
    'keys',
    'API keys: create one (shown once), list them (never their secret), revoke one',
    ['needle keys list', 'needle keys create --name ci --role writer --expires-in 90d'],
  );

  securityCommand(
    keys,
    'create',
    'Create an API key with roles; the key is printed this once and can never be shown again',
    (c) =>
      c
        .requiredOption('--name <name>', 'what the key is for: 1–64 letters, digits, ".", "_", "-"')
        .option('--role <role>', 'a role of the key (repeat for more)', collect)
        .addOption(
          new Option('--expires-in <duration>', 'expire after this long: 30d, 12h, 2w')
            .argParser(parseDuration)
            .conflicts('expiresAt'),
        )
        .addOption(
          new Option('--expires-at <time>', 'expire at this ISO time').argParser(parseIsoTime),
        )
        .option('--json', 'print the key and its record as JSON'),
    {
      examples: [
        'needle keys create --name ci --role writer --expires-in 90d',
        'needle keys create --name grafana --role reader --role ops --expires-at 2026-01-01',
        'needle keys create --name ci --role writer --url http://127.0.0.1:8080 --json',
      ],
    },
  ).action(
    action(async (_signal, options: CreateFlags) => {
      const roles = options.role ?? [];
      if (roles.length === 0) {
        throw new CommandError(
          'INVALID_INPUT',
          'a key needs at least one role',
          'Pass --role, e.g. --role reader (run `needle roles list` to see the roles).',
          { exitCode: EXIT_CODES.USAGE },
        );
      }
      const expiresAt =
        options.expiresIn !== undefined
          ? Date.now() + options.expiresIn
          : (options.expiresAt ?? null);
      const created = await withSecurity(options, 'needle keys create', (backend) =>
        backend.createKey({ name: options.name, roles, expiresAt }),
      );
      if (options.json) {
        console.log(JSON.stringify(created, null, 2));
      } else {
        const expiry =
          created.expires_at === null
            ? 'never expires'
            : `expires ${shortTime(created.expires_at)}`;
        console.log(
          `created API key "${created.name}" (id ${created.id}, roles ${created.roles.join(', ')}, ${expiry})`,
        );
        console.log(created.key);
      }
      process.stderr.write(
        'warning: store this key now: it is shown this once and cannot be shown again\n',
      );
      return EXIT_CODES.OK;
    }),
  );

  securityCommand(
    keys,
    'list',
    'List the API keys: id, name, roles, state, expiry and last use (never the secret)',
    (c) => c.option('--json', 'print JSON'),
    { examples: ['needle keys list', 'needle keys list --url http://127.0.0.1:8080 --json'] },
  ).action(
    action(async (_signal, options: TargetOptions & { json?: boolean }) => {
      const list = await withSecurity(options, 'needle keys list', (b) => b.listKeys());
      if (options.json) {
        console.log(JSON.stringify({ keys: list }, null, 2));
        return EXIT_CODES.OK;
      }
      if (list.length === 0) {
        console.log('no API keys');
        return EXIT_CODES.OK;
      }
      const now = Date.now();
      const rows = [
        ['id', 'name', 'roles', 'state', 'created', 'expires', 'last used'],
        ...list.map((k) => [
          k.id,
          k.name,
          k.roles.join(','),
          keyState(k, now),
          shortTime(k.created_at),
          shortTime(k.expires_at),
          shortTime(k.last_used_at),
        ]),
      ];
      for (const line of formatTable(rows)) console.log(line);
      return EXIT_CODES.OK;
    }),
  );

  securityCommand(
    keys,
    'revoke',
    'Revoke an API key: it stops working at once and stays listed as revoked',
    (c) =>
      c.argument('<id>', 'the key id, as `needle keys list` shows it (or its nk_<id>_ prefix)'),
    {
      examples: [
        'needle keys revoke 3f9a0c1b2d4e',
        'needle keys revoke 3f9a0c1b2d4e --url http://127.0.0.1:8080',
      ],
    },
  ).action(
    action(async (_signal, id: string, options: TargetOptions) => {
      const keyId = /^nk_([0-9a-f]+)_/.exec(id)?.[1] ?? id;
      const revoked = await withSecurity(options, 'needle keys revoke', (b) => b.revokeKey(keyId));
      console.log(
        `revoked API key ${revoked.id} ("${revoked.name}") at ${shortTime(revoked.revoked_at)}`,
      );
      return EXIT_CODES.OK;
    }),
  );
}

function keyState(k: ApiKeyRecord, now: number): string {
  if (k.revoked_at !== null) return 'revoked';
  if (k.expires_at !== null && Date.parse(k.expires_at) <= now) return 'expired';
  return 'active';
}
