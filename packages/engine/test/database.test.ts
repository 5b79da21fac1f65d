import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { Database } from '../src/index.js';

describe('Database', () => {
  let db: Database;
  beforeEach(async () => {
    db = await Database.open(':memory:');
  });
  afterEach(async () => {
    await db.close();
  });

  it('creates, lists (sorted by name), gets and drops collections', async () => {
    await db.createCollection('zeta', { dimensions: 3 });
    await db.createCollection('alpha', { dimensions: 4, distance: 'euclidean' });
    expect(db.listCollections()).toEqual([
      { name: 'alpha', dimensions: 4, distance: 'euclidean', count: 0, deletedCount: 0 },
      { name: 'zeta', dimensions: 3, distance: 'cosine', count: 0, deletedCount: 0 },
    ]);
    expect(db.collection('alpha').config.dimensions).toBe(4);
    await db.dropCollection('alpha');
    expect(db.hasCollection('alpha')).toBe(false);
    expect(() => db.collection('alpha')).toThrow(
      expect.objectContaining({ code: 'COLLECTION_NOT_FOUND' }),
    );
  });

  it('resolves distance aliases and profile defaults', async () => {
    const l2 = await db.createCollection('a', { dimensions: 2, distance: 'l2' });
    const ip = await db.createCollection('b', {
      dimensions: 2,
      distance: 'inner_product',
      index: { profile: 'high-recall' },
    });
    const dot = await db.createCollection('c', {
      dimensions: 2,
      distance: 'dot_product',
      index: { m: 12 },
    });
    expect(l2.config).toEqual({
      dimensions: 2,
      distance: 'euclidean',
      quantization: 'f32',
      index: { m: 16, efConstruction: 200, efSearch: 50 },
    });
    expect(ip.config.distance).toBe('dot');
    expect(ip.config.index).toEqual({ m: 32, efConstruction: 400, efSearch: 200 });
    expect(dot.config.index).toEqual({ m: 12, efConstruction: 200, efSearch: 50 });
  });

  it.each([
    ['bad name', 'has space', { dimensions: 3 }, 'INVALID_COLLECTION_NAME'],
    ['empty name', '', { dimensions: 3 }, 'INVALID_COLLECTION_NAME'],
    ['long name', 'x'.repeat(257), { dimensions: 3 }, 'INVALID_COLLECTION_NAME'],
    ['zero dimensions', 'ok', { dimensions: 0 }, 'INVALID_DIMENSIONS'],
    ['fractional dimensions', 'ok', { dimensions: 1.5 }, 'INVALID_DIMENSIONS'],
    ['too many dimensions', 'ok', { dimensions: 65_537 }, 'DIMENSIONS_TOO_LARGE'],
    ['unknown distance', 'ok', { dimensions: 3, distance: 'manhattan' }, 'INVALID_DISTANCE'],
    ['bad quantization', 'ok', { dimensions: 3, quantization: 'f8' }, 'INVALID_INPUT'],
    ['bad M', 'ok', { dimensions: 3, index: { m: 1 } }, 'INVALID_INPUT'],
  ])('refuses %s with %s', async (_label, name, config, code) => {
    await expect(db.createCollection(name, config as never)).rejects.toMatchObject({ code });
    expect(db.listCollections()).toEqual([]);
  });

  it('refuses a second collection with the same name', async () => {
    await db.createCollection('docs', { dimensions: 3 });
    await expect(db.createCollection('docs', { dimensions: 3 })).rejects.toMatchObject({
      code: 'COLLECTION_EXISTS',
    });
  });

  it('refuses use after close, and collections of a closed database', async () => {
    const docs = await db.createCollection('docs', { dimensions: 2 });
    await db.close();
    expect(() => db.listCollections()).toThrow(expect.objectContaining({ code: 'CLOSED' }));
    await expect(docs.insert({ id: 'a', vector: [1, 2] })).rejects.toMatchObject({
      code: 'CLOSED',
    });
  });

  it('refuses an invalid database config naming the field', async () => {
    await expect(Database.open(':memory:', { searchThreads: 0 })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('searchThreads'),
    });
  });
});
