import { hostname, userInfo } from 'node:os';

import { EmbeddedBackend } from '../embedded-backend.js';
import { openBackend } from '../open-backend.js';
import type { TargetOptions } from '../open-backend.js';
import { EmbeddedSecurity } from './embedded-security.js';
import type { CliActor } from './embedded-security.js';
import { RemoteSecurity } from './remote-security.js';
import type { SecurityBackend } from './security-backend.js';

/**
 * Opens what the flags name, as the data commands do: a running server with `--url` (and
 * `--api-key` or `NEEDLE_API_KEY`), else the data directory, locked while the command runs
 * (a running server holding it is refused with a hint to use `--url`).
 */
export async function openSecurity(
  options: TargetOptions,
  owner: string,
): Promise<SecurityBackend> {
  const backend = await openBackend(options, { owner });
  if (backend instanceof EmbeddedBackend) {
    return new EmbeddedSecurity(backend.database, {
      source: backend.source,
      actor: cliActor(),
      close: () => backend.close(),
    });
  }
  await backend.close();
  return new RemoteSecurity({ url: options.url!, apiKey: options.apiKey });
}

/** Runs `work` on the security backend the flags name and closes it afterwards. */
export async function withSecurity<T>(
  options: TargetOptions,
  owner: string,
  work: (backend: SecurityBackend) => Promise<T>,
): Promise<T> {
  const backend = await openSecurity(options, owner);
  try {
    return await work(backend);
  } finally {
    await backend.close();
  }
}

/** The audit principal of changes made here: `cli:<os user>`, from this host. */
export function cliActor(): CliActor {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    // A uid without a passwd entry (containers): name it by number.
    user = process.env.USER ?? `uid-${process.getuid?.() ?? 'unknown'}`;
  }
  return { principal: `cli:${user}`, source: hostname() };
}
