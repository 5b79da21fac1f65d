import { afterAll, describe, expect, it } from 'vitest';

import { clusteredRows, keyRange, row } from '../../test/helpers/flat-vectors.js';
import { createVectorIndex } from '../ann/create-vector-index.js';
import { SearchBatcher } from './search-batcher.js';

describe('SearchBatcher', () => {
  const dims = 8;
  const rows = clusteredRows(500, dims, 5);
  const index = createVectorIndex({
    dimensions: dims,
    metric: 'l2sq',
    quantization: 'f32',
    connectivity: 16,
    expansionAdd: 64,
    expansionSearch: 32,
  });
  index.add(keyRange(500), rows);
  afterAll(() => index.close());

  it('answers a lone query and concurrent ones alike, each with its own count', async () => {
    const batcher = new SearchBatcher(() => index, { threads: 2, window: 'microtask' });
    const alone = await batcher.search(row(rows, dims, 3), 4, 32);
    expect(alone.keys[0]).toBe(3);
    expect(alone.keys.length).toBe(4);
    expect(batcher.batches).toBe(0);

    const together = await Promise.all(
      [2, 5, 9].map((count, i) => batcher.search(row(rows, dims, 10 + i), count, 32)),
    );
    expect(batcher.batches).toBe(1);
    expect(batcher.batchedQueries).toBe(3);
    expect(together.map((m) => m.keys.length)).toEqual([2, 5, 9]);
    together.forEach((m, i) => expect(m.keys[0]).toBe(10 + i));
  });

  it('searchThen resolves with what finish returns; a throwing finish rejects only its query', async () => {
    const batcher = new SearchBatcher(() => index, { threads: 2, window: 'microtask' });
    const first = (m: { keys: Uint32Array }) => m.keys[0];
    expect(await batcher.searchThen(row(rows, dims, 7), 3, 32, first)).toBe(7);

    const boom = new Error('finish failed');
    const results = await Promise.allSettled([
      batcher.searchThen(row(rows, dims, 20), 3, 32, first),
      batcher.searchThen(row(rows, dims, 21), 3, 32, () => {
        throw boom;
      }),
      batcher.searchThen(row(rows, dims, 22), 3, 32, first),
    ]);
    expect(results).toEqual([
      { status: 'fulfilled', value: 20 },
      { status: 'rejected', reason: boom },
      { status: 'fulfilled', value: 22 },
    ]);
    const lone = batcher.searchThen(row(rows, dims, 23), 3, 32, () => {
      throw boom;
    });
    await expect(lone).rejects.toBe(boom);
  });

  it('rejects every queued query when the index refuses the call', async () => {
    const batcher = new SearchBatcher(() => index, { threads: 2, window: 'immediate' });
    const wrong = new Float32Array(dims + 1);
    await expect(batcher.search(wrong, 3, 32)).rejects.toMatchObject({
      code: 'DIMENSION_MISMATCH',
    });
    const both = await Promise.allSettled([
      batcher.search(row(rows, dims, 1), 3, 32),
      batcher.search(wrong, 3, 32),
    ]);
    expect(both.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
