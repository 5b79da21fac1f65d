import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { Keyring } from './keyring.js';
import { createResolvedKey } from './resolved-key.js';
import { openSealedFile, sealChunks } from './sealed-file.js';
import { readSealedHeader } from './sealed-header.js';

const dir = mkdtempSync(join(tmpdir(), 'needle-tamper-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const path = (): string => join(dir, `f${++n}`);
const keyA = createResolvedKey(new Uint8Array(randomBytes(32)));
const keyB = createResolvedKey(new Uint8Array(randomBytes(32)));
const CHUNK = 64;
const SEALED_CHUNK = CHUNK + 16;

/** Seals `size` bytes and returns the sealed bytes and where the chunks start. */
async function sealed(size: number, key: typeof keyA | undefined) {
  const file = path();
  const info = await sealChunks([new Uint8Array(randomBytes(size))], file, {
    header: { kind: 'backup', seq: 7 },
    chunkSize: CHUNK,
    ...(key === undefined ? {} : { key }),
  });
  const bytes = await readFile(file);
  return { bytes, start: info.fileBytes - info.plaintextBytes - info.chunkCount * 16, info };
}

/** Writes `bytes` to a new file and tries to open it; resolves to the error. */
async function openBytes(
  bytes: Uint8Array,
  key: typeof keyA | Keyring | undefined,
): Promise<unknown> {
  const file = path();
  await writeFile(file, bytes);
  return openSealedFile(file, path(), key === undefined ? {} : { key }).then(
    () => new Error('opened'),
    (err: unknown) => err,
  );
}

const flip = (bytes: Buffer, at: number): Buffer => {
  const copy = Buffer.from(bytes);
  copy[at]! ^= 0x01;
  return copy;
};

describe.each([
  ['encrypted', keyA],
  ['checksummed', undefined],
] as const)('a %s sealed file refuses tampering', (_name, key) => {
  const corrupt = (reason: string, chunk?: number) => ({
    code: 'SEALED_FILE_CORRUPT',
    details: chunk === undefined ? { reason } : { reason, chunk },
  });

  it('a flipped byte in the magic, the key id, the JSON or the header hash', async () => {
    const { bytes, start } = await sealed(300, key);
    expect(await openBytes(flip(bytes, 2), key)).toMatchObject(corrupt('not-sealed'));
    expect(await openBytes(flip(bytes, 17), key)).toMatchObject(corrupt('header'));
    expect(await openBytes(flip(bytes, 50), key)).toMatchObject(corrupt('header'));
    expect(await openBytes(flip(bytes, start - 1), key)).toMatchObject(corrupt('header'));
  });

  it('a header edited with its checksum recomputed (the chunks are bound to it)', async () => {
    const { bytes, start } = await sealed(300, key);
    const text = bytes
      .subarray(0, start - 32)
      .toString('latin1')
      .replace('"seq":7', '"seq":8');
    const edited = Buffer.concat([
      Buffer.from(text, 'latin1'),
      Buffer.alloc(32),
      bytes.subarray(start),
    ]);
    createHash('sha256')
      .update(edited.subarray(0, start - 32))
      .digest()
      .copy(edited, start - 32);
    expect((await readSealedHeader(await writeTemp(edited))).header).toEqual({
      kind: 'backup',
      seq: 8,
    });
    expect(await openBytes(edited, key)).toMatchObject(corrupt('chunk', 0));
  });

  it('a flipped byte in a chunk or in its tag', async () => {
    const { bytes, start } = await sealed(300, key);
    expect(await openBytes(flip(bytes, start + 2 * SEALED_CHUNK + 5), key)).toMatchObject(
      corrupt('chunk', 2),
    );
    expect(await openBytes(flip(bytes, start + 2 * SEALED_CHUNK - 3), key)).toMatchObject(
      corrupt('chunk', 1),
    );
    expect(await openBytes(flip(bytes, bytes.length - 1), key)).toMatchObject(corrupt('chunk', 4));
  });

  it('truncation at a chunk boundary, inside a chunk, inside a tag and inside the header', async () => {
    const { bytes, start } = await sealed(300, key);
    expect(await openBytes(bytes.subarray(0, start + 2 * SEALED_CHUNK), key)).toMatchObject(
      corrupt('truncated', 1),
    );
    const midChunk = await openBytes(bytes.subarray(0, start + 2 * SEALED_CHUNK + 40), key);
    expect(midChunk).toMatchObject(corrupt('chunk', 2));
    expect((midChunk as Error).message).toContain('truncated');
    expect(await openBytes(bytes.subarray(0, start + 2 * SEALED_CHUNK + 10), key)).toMatchObject(
      corrupt('truncated'),
    );
    expect(await openBytes(bytes.subarray(0, start), key)).toMatchObject(corrupt('truncated'));
    expect(await openBytes(bytes.subarray(0, 30), key)).toMatchObject(corrupt('truncated'));
    expect(await openBytes(bytes.subarray(0, 0), key)).toMatchObject(corrupt('not-sealed'));
  });

  it('two chunks swapped', async () => {
    const { bytes, start } = await sealed(300, key);
    const one = bytes.subarray(start + SEALED_CHUNK, start + 2 * SEALED_CHUNK);
    const two = bytes.subarray(start + 2 * SEALED_CHUNK, start + 3 * SEALED_CHUNK);
    const swapped = Buffer.concat([
      bytes.subarray(0, start + SEALED_CHUNK),
      two,
      one,
      bytes.subarray(start + 3 * SEALED_CHUNK),
    ]);
    expect(await openBytes(swapped, key)).toMatchObject(corrupt('chunk', 1));
  });

  it('a chunk appended after the final one', async () => {
    const full = await sealed(4 * CHUNK, key);
    const copy = full.bytes.subarray(full.start + SEALED_CHUNK, full.start + 2 * SEALED_CHUNK);
    expect(await openBytes(Buffer.concat([full.bytes, copy]), key)).toMatchObject(
      corrupt('trailing-data', 3),
    );
    const short = await sealed(300, key);
    expect(await openBytes(Buffer.concat([short.bytes, copy]), key)).toMatchObject(
      corrupt('chunk', 4),
    );
  });

  it('a file that is not sealed at all', async () => {
    expect(await openBytes(randomBytes(500), key)).toMatchObject(corrupt('not-sealed'));
  });

  it('a newer format version', async () => {
    const { bytes } = await sealed(10, key);
    const newer = Buffer.from(bytes);
    newer.writeUInt16BE(2, 8);
    const err = await openBytes(newer, key);
    expect(err).toMatchObject({
      code: 'UNSUPPORTED_FORMAT_VERSION',
      details: { formatVersion: 2 },
    });
  });
});

describe('keys', () => {
  it('a wrong key is WRONG_KEY naming the key id the file needs, not corruption', async () => {
    const { bytes } = await sealed(300, keyA);
    const err = await openBytes(bytes, keyB);
    expect(err).toMatchObject({
      code: 'WRONG_KEY',
      details: { neededKeyId: keyA.keyId, offeredKeyIds: [keyB.keyId] },
    });
    expect((err as Error).message).toContain(keyA.keyId);
    expect(await openBytes(bytes, undefined)).toMatchObject({
      code: 'WRONG_KEY',
      details: { neededKeyId: keyA.keyId },
    });
  });

  it('a plaintext file is refused when a key is given, unless allowPlaintext', async () => {
    const { bytes } = await sealed(300, undefined);
    expect(await openBytes(bytes, keyA)).toMatchObject({
      code: 'WRONG_KEY',
      details: { neededKeyId: null },
    });
    const file = await writeTemp(bytes);
    await expect(
      openSealedFile(file, path(), { key: keyA, allowPlaintext: true }),
    ).resolves.toMatchObject({ keyId: null });
  });

  it('a keyring opens files sealed before and after a rotation', async () => {
    const ring = new Keyring(keyA);
    const src = await writeTemp(Buffer.from('payload'));
    const before = path();
    const after = path();
    await sealChunks([await readFile(src)], before, { header: {}, key: ring });
    ring.rotate(keyB);
    await sealChunks([await readFile(src)], after, { header: {}, key: ring });
    expect((await readSealedHeader(before)).keyId).toBe(keyA.keyId);
    expect((await readSealedHeader(after)).keyId).toBe(keyB.keyId);
    for (const file of [before, after]) {
      const out = path();
      await openSealedFile(file, out, { key: ring });
      expect(await readFile(out, 'utf8')).toBe('payload');
    }
    ring.remove(keyA.keyId);
    await expect(openSealedFile(before, path(), { key: ring })).rejects.toMatchObject({
      code: 'WRONG_KEY',
      details: { neededKeyId: keyA.keyId, offeredKeyIds: [keyB.keyId] },
    });
  });
});

async function writeTemp(bytes: Uint8Array): Promise<string> {
  const file = path();
  await writeFile(file, bytes);
  return file;
}
