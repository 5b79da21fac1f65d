import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { appendFile, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { afterAll, describe, expect, it } from 'vitest';

import { Keyring } from './keyring.js';
import { readSealedChunks } from './read-sealed-chunks.js';
import { createResolvedKey } from './resolved-key.js';
import { openSealedFile, sealChunks, sealFile } from './sealed-file.js';
import { readSealedHeader } from './sealed-header.js';

const dir = mkdtempSync(join(tmpdir(), 'needle-sealed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const path = (name: string): string => join(dir, `${++n}-${name}`);
const key = createResolvedKey(new Uint8Array(randomBytes(32)));
const header = { kind: 'hnsw-index', collection: 'docs', seq: 42 };

async function roundTrip(data: Uint8Array, options: { chunkSize?: number; encrypted: boolean }) {
  const src = path('src');
  const sealed = path('sealed');
  const out = path('out');
  await writeFile(src, data);
  const base = {
    header,
    ...(options.chunkSize === undefined ? {} : { chunkSize: options.chunkSize }),
  };
  const sealInfo = await sealFile(src, sealed, options.encrypted ? { ...base, key } : base);
  const openInfo = await openSealedFile(sealed, out, options.encrypted ? { key } : {});
  expect(Buffer.from(await readFile(out)).equals(data)).toBe(true);
  expect(openInfo).toEqual(sealInfo);
  return { sealInfo, sealedBytes: await readFile(sealed) };
}

describe.each([true, false])(
  'sealFile / openSealedFile round trips (encrypted: %s)',
  (encrypted) => {
    it('an empty file is one empty final chunk', async () => {
      const { sealInfo } = await roundTrip(new Uint8Array(0), { encrypted });
      expect(sealInfo).toMatchObject({
        chunkCount: 1,
        plaintextBytes: 0,
        header,
        keyId: encrypted ? key.keyId : null,
      });
    });

    it('one byte', async () => {
      const { sealInfo } = await roundTrip(new Uint8Array([7]), { encrypted });
      expect(sealInfo).toMatchObject({ chunkCount: 1, plaintextBytes: 1 });
    });

    it('exactly one chunk', async () => {
      const { sealInfo } = await roundTrip(new Uint8Array(randomBytes(1024)), {
        encrypted,
        chunkSize: 1024,
      });
      expect(sealInfo).toMatchObject({ chunkCount: 1, plaintextBytes: 1024 });
    });

    it('many chunks, the last one short', async () => {
      const { sealInfo } = await roundTrip(new Uint8Array(randomBytes(64 * 37 + 5)), {
        encrypted,
        chunkSize: 64,
      });
      expect(sealInfo).toMatchObject({
        chunkCount: 38,
        chunkSize: 64,
        cipher: encrypted ? 'xchacha20-poly1305' : 'none',
      });
    });

    it('many chunks, the last one full', async () => {
      const { sealInfo } = await roundTrip(new Uint8Array(randomBytes(64 * 10)), {
        encrypted,
        chunkSize: 64,
      });
      expect(sealInfo.chunkCount).toBe(10);
    });
  },
);

describe('sealed files', () => {
  it('never contain the plaintext when encrypted', async () => {
    const marker = 'vector-id:patient-0042 {"diagnosis":"confidential"} ';
    const data = Buffer.from(marker.repeat(5000));
    const { sealedBytes } = await roundTrip(data, { encrypted: true, chunkSize: 4096 });
    for (let start = 0; start + 8 <= marker.length; start += 4) {
      expect(sealedBytes.includes(marker.slice(start, start + 8))).toBe(false);
    }
    const checksummed = await roundTrip(data, { encrypted: false, chunkSize: 4096 });
    expect(checksummed.sealedBytes.includes(marker)).toBe(true);
  });

  it('seal the same input differently every time (random nonce prefix)', async () => {
    const a = await roundTrip(new Uint8Array(100), { encrypted: true });
    const b = await roundTrip(new Uint8Array(100), { encrypted: true });
    expect(a.sealedBytes.equals(b.sealedBytes)).toBe(false);
  });

  it.each([
    ['noble', 'native'],
    ['native', 'noble'],
  ] as const)(
    'sealed with the %s cipher code open with the %s one (same bytes)',
    async (sealWith, openWith) => {
      const data = new Uint8Array(randomBytes(1000));
      const sealed = path('sealed');
      const out = path('out');
      await sealChunks([data], sealed, { header, key, chunkSize: 128, implementation: sealWith });
      await openSealedFile(sealed, out, { key, implementation: openWith });
      expect(Buffer.from(await readFile(out)).equals(data)).toBe(true);
    },
  );

  it('report their header, key id and sizes without a key', async () => {
    const sealed = path('sealed');
    const info = await sealChunks([new Uint8Array(10), new Uint8Array(200)], sealed, {
      header,
      key,
      chunkSize: 64,
    });
    const read = await readSealedHeader(sealed);
    expect(read).toEqual(info);
    expect(read).toMatchObject({
      formatVersion: 1,
      keyId: key.keyId,
      chunkCount: 4,
      plaintextBytes: 210,
      header,
    });
    expect(read.fileBytes).toBe((await readFile(sealed)).length);
  });

  it('re-cut pieces of any size into chunks, and stream them back', async () => {
    const data = new Uint8Array(randomBytes(5000));
    const pieces = [
      data.subarray(0, 1),
      data.subarray(1, 64),
      data.subarray(64, 4000),
      data.subarray(4000),
    ];
    const sealed = path('sealed');
    await sealChunks(
      (async function* () {
        yield* pieces;
      })(),
      sealed,
      { header, key, chunkSize: 100 },
    );
    const got: Buffer[] = [];
    for await (const chunk of readSealedChunks(sealed, { key })) got.push(Buffer.from(chunk));
    expect(got.map((c) => c.length)).toEqual([...Array(50).fill(100)]);
    expect(Buffer.concat(got).equals(data)).toBe(true);
  });

  it('report progress up to the total', async () => {
    const src = path('src');
    await writeFile(src, new Uint8Array(1000));
    const seen: number[] = [];
    await sealFile(src, path('sealed'), {
      header,
      chunkSize: 256,
      onProgress: (p) => seen.push(p.doneBytes),
    });
    expect(seen).toEqual([256, 512, 768, 1000]);
  });

  it('round-trip a 20 MB file in bounded memory', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const src = path('big');
    const sealed = path('big-sealed');
    const out = path('big-out');
    const hash = createHash('sha256');
    await writeFile(src, '');
    for (let i = 0; i < 20; i++) {
      const piece = randomBytes(1_000_000);
      hash.update(piece);
      await appendFile(src, piece);
    }
    let peak = 0;
    const sample = (): void => {
      gc();
      peak = Math.max(peak, process.memoryUsage().arrayBuffers - baseline);
    };
    gc();
    const baseline = process.memoryUsage().arrayBuffers;
    await sealFile(src, sealed, { header, key: new Keyring(key), onProgress: sample });
    await openSealedFile(sealed, out, { key, onProgress: sample });
    // Live buffers stay at a few chunks of 1 MiB, far below the 20 MB file.
    expect(peak).toBeLessThan(8 * 1024 * 1024);
    const outHash = createHash('sha256');
    for await (const piece of createReadStream(out)) outHash.update(piece as Buffer);
    expect(outHash.digest('hex')).toBe(hash.digest('hex'));
  }, 60_000);

  it('leave no destination and no temporary file when sealing fails midway', async () => {
    const sub = mkdtempSync(join(dir, 'fail-'));
    const dst = join(sub, 'index.nsf');
    const failing = (async function* () {
      yield new Uint8Array(1000);
      throw new Error('source broke');
    })();
    await expect(sealChunks(failing, dst, { header, key, chunkSize: 64 })).rejects.toThrow(
      'source broke',
    );
    expect(await readdir(sub)).toEqual([]);
  });

  it('replace an existing destination atomically and keep it when opening fails', async () => {
    const sub = mkdtempSync(join(dir, 'keep-'));
    const src = join(sub, 'src');
    const sealed = join(sub, 'sealed');
    const dst = join(sub, 'dst');
    await writeFile(src, 'new contents');
    await writeFile(dst, 'old contents');
    await sealFile(src, sealed, { header, key });
    const bytes = await readFile(sealed);
    bytes[bytes.length - 1]! ^= 1;
    await writeFile(sealed, bytes);
    await expect(openSealedFile(sealed, dst, { key })).rejects.toMatchObject({
      code: 'SEALED_FILE_CORRUPT',
    });
    expect(await readFile(dst, 'utf8')).toBe('old contents');
    expect((await readdir(sub)).sort()).toEqual(['dst', 'sealed', 'src']);
  });

  it('refuse a bad chunk size and a header that is not an object', async () => {
    await expect(sealChunks([], path('x'), { header, chunkSize: 10 })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(sealChunks([], path('x'), { header: [] as never })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });
});
