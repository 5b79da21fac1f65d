import { hkdfSync, randomBytes, scryptSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';

import { argon2id } from '@noble/hashes/argon2.js';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

import type { EncryptionConfig } from './encryption-config.js';
import { newKdfSalt } from './kdf.js';
import { resolveKey } from './key-source.js';
import { createResolvedKey, deriveKeyId } from './resolved-key.js';

const dir = mkdtempSync(join(tmpdir(), 'needle-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const envNames: string[] = [];
afterEach(() => {
  for (const name of envNames.splice(0)) delete process.env[name];
});
function env(value: string): string {
  const name = `NEEDLE_TEST_KEY_${envNames.length}_${process.pid}`;
  process.env[name] = value;
  envNames.push(name);
  return name;
}
const node = (script: string, timeoutMs?: number): EncryptionConfig => ({
  keySource: {
    type: 'command',
    command: process.execPath,
    args: ['-e', script],
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  },
});

const keyBytes = new Uint8Array(randomBytes(32));
const hex = Buffer.from(keyBytes).toString('hex');

/** Every text of an error a user or a log could see. */
function visibleText(err: unknown): string {
  const e = err as { message: string; help?: string; details?: unknown; cause?: unknown };
  return [e.message, e.help, JSON.stringify(e.details), inspect(e.cause)].join('\n');
}

describe('resolveKey: raw keys', () => {
  it.each([
    ['hex', hex],
    ['hex with a newline', `  ${hex.toUpperCase()}\n`],
    ['base64', Buffer.from(keyBytes).toString('base64')],
    ['unpadded base64url', Buffer.from(keyBytes).toString('base64url')],
  ])('reads a key from an env var as %s', async (_form, text) => {
    const resolved = await resolveKey({ keySource: { type: 'env', name: env(text) } });
    expect(Buffer.from(resolved.key).equals(keyBytes)).toBe(true);
    expect(resolved.keyId).toBe(deriveKeyId(keyBytes));
  });

  it('reads a key file, ignoring its trailing newline', async () => {
    const path = join(dir, 'key');
    writeFileSync(path, `${hex}\n`, { mode: 0o600 });
    const resolved = await resolveKey({ keySource: { type: 'file', path } });
    expect(Buffer.from(resolved.key).equals(keyBytes)).toBe(true);
  });

  it('reads a key from a command, without a shell', async () => {
    const resolved = await resolveKey(node(`process.stdout.write(${JSON.stringify(`${hex}\n`)})`));
    expect(Buffer.from(resolved.key).equals(keyBytes)).toBe(true);
    // With no shell, `$(exit 1)` reaches the program as literal text (a shell would expand it to '').
    const script = `process.stdout.write(process.argv[1] === '$(exit 1)' ? '${hex}' : '')`;
    const literal = await resolveKey({
      keySource: { type: 'command', command: process.execPath, args: ['-e', script, '$(exit 1)'] },
    });
    expect(literal.keyId).toBe(deriveKeyId(keyBytes));
  });

  it('takes raw bytes from a raw source', async () => {
    const resolved = await resolveKey({ keySource: { type: 'raw', key: keyBytes } });
    expect(resolved.keyId).toBe(deriveKeyId(keyBytes));
  });

  it.each([
    ['too short', 'abcdef'],
    ['63 hex characters', hex.slice(1)],
    ['a passphrase without kdf', 'correct horse battery staple'],
    ['all zeros', '0'.repeat(64)],
  ])('refuses a malformed key (%s) with INVALID_KEY', async (_case, text) => {
    await expect(resolveKey({ keySource: { type: 'env', name: env(text) } })).rejects.toMatchObject(
      { code: 'INVALID_KEY' },
    );
  });
});

describe('resolveKey: passphrases', () => {
  const passphrase = 'correct horse battery staple';

  it('stretches an env passphrase with scrypt N=2^17 r=8 p=1 and the salt given', async () => {
    const salt = newKdfSalt();
    const resolved = await resolveKey(
      { keySource: { type: 'env', name: env(`${passphrase}\n`) }, kdf: 'scrypt' },
      salt,
    );
    const expected = scryptSync(passphrase, salt, 32, {
      N: 2 ** 17,
      r: 8,
      p: 1,
      maxmem: 256 * 1024 * 1024,
    });
    expect(Buffer.from(resolved.key).equals(expected)).toBe(true);
  });

  it('stretches a passphrase with Argon2id m=19456 KiB t=2 p=1, taking the salt from the config', async () => {
    const salt = Buffer.from('a0a1a2a3a4a5a6a7a8a9aaabacadaeaf', 'hex');
    const resolved = await resolveKey({
      keySource: { type: 'raw', key: passphrase },
      kdf: 'argon2id',
      salt: salt.toString('hex'),
    });
    const expected = argon2id(passphrase, salt, { m: 19_456, t: 2, p: 1, dkLen: 32 });
    expect(Buffer.from(resolved.key).equals(expected)).toBe(true);
  });

  it('needs a salt of at least 16 bytes and a passphrase of at least 8 characters', async () => {
    const source = { type: 'raw', key: passphrase } as const;
    await expect(resolveKey({ keySource: source, kdf: 'scrypt' })).rejects.toMatchObject({
      code: 'INVALID_KEY',
    });
    await expect(
      resolveKey({ keySource: source, kdf: 'scrypt' }, new Uint8Array(8)),
    ).rejects.toMatchObject({ code: 'INVALID_KEY' });
    await expect(
      resolveKey({ keySource: source, kdf: 'scrypt', salt: 'zz' }),
    ).rejects.toMatchObject({ code: 'INVALID_KEY' });
    await expect(
      resolveKey({ keySource: { type: 'raw', key: 'short' }, kdf: 'argon2id' }, newKdfSalt()),
    ).rejects.toMatchObject({
      code: 'INVALID_KEY',
    });
  });
});

describe('resolveKey: unavailable sources', () => {
  it('a missing or empty env var', async () => {
    const err = await resolveKey({
      keySource: { type: 'env', name: 'NEEDLE_TEST_SURELY_UNSET' },
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'KEY_UNAVAILABLE',
      details: { name: 'NEEDLE_TEST_SURELY_UNSET' },
    });
    expect((err as Error).message).toContain('NEEDLE_TEST_SURELY_UNSET');
    await expect(resolveKey({ keySource: { type: 'env', name: env('  ') } })).rejects.toMatchObject(
      { code: 'KEY_UNAVAILABLE' },
    );
  });

  it('a missing, empty or directory key file', async () => {
    const empty = join(dir, 'empty');
    writeFileSync(empty, '\n');
    for (const [path, reason] of [
      [join(dir, 'nope'), 'ENOENT'],
      [empty, 'EMPTY'],
      [dir, 'EISDIR'],
    ] as const) {
      await expect(resolveKey({ keySource: { type: 'file', path } })).rejects.toMatchObject({
        code: 'KEY_UNAVAILABLE',
        details: { reason },
      });
    }
  });

  it.each([
    ['a failing command', node('process.exit(3)'), 'failed'],
    ['a command that prints nothing', node(''), 'empty-output'],
    [
      'a command that is not installed',
      { keySource: { type: 'command', command: 'needle-no-such-command' } },
      'not-found',
    ],
    ['a command that hangs', node('setTimeout(() => {}, 30000)', 300), 'timeout'],
  ] as const)('%s', async (_case, config, reason) => {
    await expect(resolveKey(config)).rejects.toMatchObject({
      code: 'KEY_UNAVAILABLE',
      details: { reason },
    });
  });

  it('refuses a malformed config with INVALID_INPUT', async () => {
    await expect(resolveKey({ keySource: { type: 'env', name: '' } })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(resolveKey({ keySource: { type: 'vault' } } as never)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(
      resolveKey({ keySource: { type: 'raw', key: hex }, kdf: 'bcrypt' } as never),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });
});

describe('secrets never leak', () => {
  it('no error message, help, details or cause contains the secret', async () => {
    const secret = 'hunter2-super-secret';
    const failures: (() => Promise<unknown>)[] = [
      () => resolveKey({ keySource: { type: 'env', name: env(secret) } }),
      () => resolveKey({ keySource: { type: 'raw', key: secret } }),
      () => resolveKey({ keySource: { type: 'raw', key: 'hunter2' }, kdf: 'scrypt' }, newKdfSalt()),
      () =>
        resolveKey(
          node(
            `console.log(${JSON.stringify(secret)}); console.error('denied: ' + ${JSON.stringify(secret)}); process.exit(2)`,
          ),
        ),
      () =>
        resolveKey(
          node(`console.log(${JSON.stringify(secret)}); setTimeout(() => {}, 30000)`, 300),
        ),
      () =>
        resolveKey({
          keySource: { type: 'command', command: 'needle-no-such-command', args: [secret] },
        }),
    ];
    for (const failure of failures) {
      const err = await failure().catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'EngineError' });
      expect(visibleText(err)).not.toContain('hunter2');
    }
  });

  it('a resolved key prints as its id only', () => {
    const resolved = createResolvedKey(keyBytes);
    expect(JSON.stringify(resolved)).toBe(JSON.stringify({ keyId: resolved.keyId }));
    expect(inspect(resolved)).toBe(`{ keyId: '${resolved.keyId}' }`);
    expect(Object.keys(resolved)).toEqual(['keyId']);
  });
});

describe('key ids', () => {
  it('are the first 8 bytes of HKDF-SHA256(key, info "needle/key-id/v1") in hex', () => {
    const expected = Buffer.from(
      hkdfSync('sha256', keyBytes, new Uint8Array(0), 'needle/key-id/v1', 8),
    ).toString('hex');
    expect(deriveKeyId(keyBytes)).toBe(expected);
    expect(deriveKeyId(keyBytes)).toMatch(/^[0-9a-f]{16}$/);
    expect(hex).not.toContain(deriveKeyId(keyBytes));
    expect(deriveKeyId(new Uint8Array(randomBytes(32)))).not.toBe(deriveKeyId(keyBytes));
  });
});
