/**
 * The conformance suite every BackupTarget implementation runs: the contract written on the
 * interface, checked against real storage.
 */
import { randomBytes } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import type { BackupTarget } from '../../src/index.js';

async function* pieces(data: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}

async function read(target: BackupTarget, name: string): Promise<Buffer | null> {
  const stream = await target.get(name);
  if (!stream) return null;
  const chunks: Buffer[] = [];
  for await (const piece of stream) chunks.push(Buffer.from(piece));
  return Buffer.concat(chunks);
}

/** Runs the suite against targets made by `make` (each test gets a fresh, empty one). */
export function describeBackupTarget(
  name: string,
  make: () => Promise<{ target: BackupTarget; cleanup: () => Promise<void> }>,
): void {
  const withTarget = (run: (target: BackupTarget) => Promise<void>) => async () => {
    const { target, cleanup } = await make();
    try {
      await run(target);
    } finally {
      await cleanup();
    }
  };

  describe(`BackupTarget conformance: ${name}`, () => {
    it(
      'streams an object in and out unchanged, and reports its size',
      withTarget(async (target) => {
        const data = randomBytes(3 * 1024 * 1024 + 17);
        expect(await target.put('b1/database.nsf', pieces(data, 64 * 1024))).toEqual({
          name: 'b1/database.nsf',
          bytes: data.length,
        });
        expect((await read(target, 'b1/database.nsf'))!.equals(data)).toBe(true);
        const empty = await target.put('b1/empty', pieces(Buffer.alloc(0), 1));
        expect(empty.bytes).toBe(0);
        expect((await read(target, 'b1/empty'))!.length).toBe(0);
      }),
    );

    it(
      'answers null for a missing object and lists by prefix, sorted',
      withTarget(async (target) => {
        expect(await target.get('nothing/here')).toBeNull();
        expect(await target.list()).toEqual([]);
        for (const n of ['b2/z', 'b1/m', 'b1/a', 'b10/x', 'c'])
          await target.put(n, pieces(Buffer.from(n), 8));
        expect((await target.list()).map((o) => o.name)).toEqual([
          'b1/a',
          'b1/m',
          'b10/x',
          'b2/z',
          'c',
        ]);
        expect(await target.list('b1/')).toEqual([
          { name: 'b1/a', bytes: 4 },
          { name: 'b1/m', bytes: 4 },
        ]);
        expect((await target.list('b1')).map((o) => o.name)).toEqual(['b1/a', 'b1/m', 'b10/x']);
      }),
    );

    it(
      'replaces an object put again, and deletes idempotently',
      withTarget(async (target) => {
        await target.put('b/o', pieces(Buffer.from('first version'), 4));
        await target.put('b/o', pieces(Buffer.from('second'), 4));
        expect((await read(target, 'b/o'))!.toString()).toBe('second');
        await target.delete('b/o');
        await target.delete('b/o');
        await target.delete('never/was');
        expect(await target.get('b/o')).toBeNull();
        expect(await target.list()).toEqual([]);
      }),
    );

    it(
      'shows nothing of a put whose stream fails',
      withTarget(async (target) => {
        async function* failing(): AsyncGenerator<Uint8Array> {
          yield Buffer.from('partial data');
          throw new Error('source failed');
        }
        await expect(target.put('b/broken', failing())).rejects.toThrow('source failed');
        expect(await target.get('b/broken')).toBeNull();
        expect(await target.list()).toEqual([]);
      }),
    );

    it(
      'refuses names that are not object names',
      withTarget(async (target) => {
        for (const bad of [
          '../escape',
          '/absolute',
          'a//b',
          '.hidden',
          'a/./b',
          'a/../b',
          '',
          'sp ace',
        ]) {
          await expect(target.put(bad, pieces(Buffer.from('x'), 1))).rejects.toMatchObject({
            code: 'INVALID_INPUT',
          });
          await expect(target.get(bad)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
        }
      }),
    );
  });
}
