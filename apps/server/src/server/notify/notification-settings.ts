import { readFileSync } from 'node:fs';

import { notifierDefinition } from '@needle/api';
import type { NotifierDefinition } from '@needle/api';

import { ConfigError } from '../../config.js';
import type { ServerConfig } from '../../config.js';
import type { ConfigNotifier } from '../../config-schema.js';
import type { NotificationSettings } from './notification-service.js';

type SecretRef = { env: string } | { file: string };

/**
 * The `notifications` section of a server config, with the config file's notifiers' secrets
 * read from the environment variables and files they name. Throws `ConfigError` naming the
 * notifier and the variable or file (never a value) when one cannot be read or the result is
 * not a valid notifier.
 */
export function notificationSettings(
  config: ServerConfig,
  env: Readonly<Record<string, string | undefined>> = process.env,
): NotificationSettings {
  const n = config.notifications;
  const problems: string[] = [];
  const seeds: NotifierDefinition[] = [];
  for (const [i, notifier] of n.notifiers.entries()) {
    const where = `notifications.notifiers.${i} (${notifier.name})`;
    const read = (ref: SecretRef, field: string): string => {
      const value = readSecret(ref, env);
      if (value === undefined) {
        problems.push(
          `${where}.${field}: ${'env' in ref ? `environment variable ${ref.env} is not set` : `file ${ref.file} cannot be read`}`,
        );
        return '';
      }
      return value;
    };
    const resolved = resolveSecrets(notifier, read);
    const parsed = notifierDefinition.safeParse(resolved);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      // The message, not the value: the value may be a secret.
      if (!problems.some((p) => p.startsWith(where)))
        problems.push(`${where}.${issue.path.join('.')}: ${issue.message}`);
      continue;
    }
    seeds.push(parsed.data);
  }
  if (problems.length > 0) {
    throw new ConfigError(
      problems,
      'Set the environment variables and files that the notifiers of the config file name, with valid values.',
    );
  }
  return {
    externalUrl: n.externalUrl,
    runbookBaseUrl: n.runbookBaseUrl,
    deliveryLog: n.deliveryLog,
    stopGraceMs: n.stopGraceMs,
    seeds,
    refreshCheckMs: 5000,
  };
}

function resolveSecrets(
  notifier: ConfigNotifier,
  read: (ref: SecretRef, field: string) => string,
): unknown {
  switch (notifier.kind) {
    case 'webhook':
      return notifier.secret === undefined
        ? notifier
        : { ...notifier, secret: read(notifier.secret, 'secret') };
    case 'slack':
      return { ...notifier, url: read(notifier.url, 'url') };
    case 'alertmanager': {
      const auth = notifier.auth;
      if (auth === undefined) return notifier;
      return {
        ...notifier,
        auth:
          auth.type === 'basic'
            ? { ...auth, password: read(auth.password, 'auth.password') }
            : { ...auth, token: read(auth.token, 'auth.token') },
      };
    }
  }
}

function readSecret(
  ref: SecretRef,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  if ('env' in ref) {
    const value = env[ref.env];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }
  try {
    return readFileSync(ref.file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
