import { describe, expect, it } from 'vitest';

import type { Mutation } from '../storage.js';
import {
  decodeMutations,
  encodeMutationChunks,
  encodeMutations,
  type DecodedMutation,
} from './mutation-codec.js';

function roundTrip(mutations: Mutation[]): DecodedMutation[] {
  const decoded: DecodedMutation[] = [];
  decodeMutations(encodeMutations(mutations), (m) =>
    decoded.push({ ...m, vector: m.vector && Buffer.from(m.vector) }),
  );
  return decoded;
}

describe('mutation codec', () => {
  it('round-trips every op, unicode ids, null and empty metadata, expiry', () => {
    const backing = new Float32Array([9, 1.5, -2.25, 3e-7, 9]);
    const vector = backing.subarray(1, 4); // a view with a byte offset: only its own bytes travel
    const decoded = roundTrip([
      {
        op: 'put',
        key: 1,
        id: 'héllo-🌍',
        vector,
        metadata: '{"a":"ü"}',
        expiresAt: 1_900_000_000_123,
      },
      {
        op: 'put',
        key: 2 ** 40,
        id: 'x',
        vector: new Float32Array(0),
        metadata: null,
        expiresAt: null,
      },
      { op: 'delete', key: 7, id: 'gone' },
      { op: 'metadata', key: 1, id: 'héllo-🌍', metadata: '' },
      { op: 'metadata', key: 1, id: 'héllo-🌍', metadata: null },
    ]);
    expect(decoded).toEqual([
      {
        op: 'put',
        key: 1,
        id: 'héllo-🌍',
        metadata: '{"a":"ü"}',
        expiresAt: 1_900_000_000_123,
        vector: Buffer.from(Float32Array.from([1.5, -2.25, 3e-7]).buffer),
      },
      {
        op: 'put',
        key: 2 ** 40,
        id: 'x',
        metadata: null,
        expiresAt: null,
        vector: Buffer.alloc(0),
      },
      { op: 'delete', key: 7, id: 'gone', metadata: null, expiresAt: null, vector: null },
      { op: 'metadata', key: 1, id: 'héllo-🌍', metadata: '', expiresAt: null, vector: null },
      { op: 'metadata', key: 1, id: 'héllo-🌍', metadata: null, expiresAt: null, vector: null },
    ]);
  });

  it('produces a buffer that owns its memory, so it can be transferred', () => {
    const buf = encodeMutations([{ op: 'delete', key: 1, id: 'a' }]);
    expect(buf.byteOffset).toBe(0);
    expect(buf.buffer.byteLength).toBe(buf.byteLength);
  });

  it('splits into chunks of about the byte budget that decode, in order, to the whole', () => {
    const mutations: Mutation[] = Array.from({ length: 100 }, (_, i) => ({
      op: 'put',
      key: i,
      id: `id-${i}`,
      vector: new Float32Array(64).fill(i),
      metadata: null,
      expiresAt: null,
    }));
    const chunks = [...encodeMutationChunks(mutations, 4096)];
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) expect(chunk.byteLength).toBeLessThanOrEqual(4096);
    const keys: number[] = [];
    for (const chunk of chunks) decodeMutations(chunk, (m) => keys.push(m.key));
    expect(keys).toEqual([...Array(100).keys()]);
    // One mutation larger than the budget still gets a chunk of its own.
    expect([...encodeMutationChunks(mutations.slice(0, 2), 16)].length).toBe(2);
  });

  it('encodes an empty commit', () => {
    expect(roundTrip([])).toEqual([]);
  });
});
