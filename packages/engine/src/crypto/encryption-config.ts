import { z } from 'zod';

import { parseOrThrow } from '../parse-or-throw.js';

/**
 * Where the key (or passphrase) comes from:
 * - `env`: an environment variable;
 * - `file`: a file (e.g. a mounted Docker or Kubernetes secret);
 * - `command`: the standard output of a program run without a shell, as a secrets manager CLI
 *   prints it (`vault kv get -field=key secret/needle`), killed after `timeoutMs`;
 * - `raw`: the material itself, for embedding applications and tests.
 */
export const keySourceSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('env'), name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/) }).strict(),
  z.object({ type: z.literal('file'), path: z.string().min(1) }).strict(),
  z
    .object({
      type: z.literal('command'),
      command: z.string().min(1),
      args: z.array(z.string()).default([]),
      timeoutMs: z.number().int().min(100).max(300_000).default(10_000),
    })
    .strict(),
  z
    .object({ type: z.literal('raw'), key: z.union([z.string(), z.instanceof(Uint8Array)]) })
    .strict(),
]);

/**
 * The `encryption` section of a database config.
 * - `kdf: 'none'` (default): the source holds a raw 32-byte key as hex or base64.
 * - `kdf: 'scrypt' | 'argon2id'`: the source holds a passphrase, stretched with the salt
 *   stored with the data (passed to `resolveKey`), or with `salt` (hex or base64) when set.
 *
 * @example
 * ```ts
 * { keySource: { type: 'env', name: 'NEEDLE_KEY' } }
 * { keySource: { type: 'command', command: 'vault', args: ['kv', 'get', '-field=key', 'secret/needle'] } }
 * { keySource: { type: 'file', path: '/run/secrets/needle-passphrase' }, kdf: 'argon2id' }
 * ```
 */
export const encryptionConfigSchema = z
  .object({
    keySource: keySourceSchema,
    kdf: z.enum(['none', 'scrypt', 'argon2id']).default('none'),
    salt: z.string().min(1).optional(),
  })
  .strict();

/** What a user writes as `encryption`. */
export type EncryptionConfig = z.input<typeof encryptionConfigSchema>;
/** {@link EncryptionConfig} with defaults filled in. */
export type ResolvedEncryptionConfig = z.output<typeof encryptionConfigSchema>;
/** One of the key sources, defaults filled in. */
export type KeySource = ResolvedEncryptionConfig['keySource'];

/** Validates an `encryption` section; a bad field is an `INVALID_INPUT` naming the field. */
export function parseEncryptionConfig(input: unknown): ResolvedEncryptionConfig {
  return parseOrThrow(encryptionConfigSchema, input, 'encryption config');
}
