import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startServer, vectorOf } from './helpers/start-server.js';
import type { TestServer } from './helpers/start-server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startServer();
  await s.call('POST', '/v1/collections', { name: 'docs', dimensions: 8, distance: 'euclidean' });
  const vectors = Array.from({ length: 30 }, (_, i) => ({
    id: `d${i}`,
    vector: vectorOf(i),
    metadata: { i },
  }));
  await s.call('POST', '/v1/collections/docs/vectors/batch', { vectors });
});
afterAll(async () => {
  await s.close();
});

describe('snapshots over HTTP', () => {
  it('creates, lists and restores a snapshot; the query cache forgets the old answers', async () => {
    const created = await s.call('POST', '/v1/collections/docs/snapshots', { name: 'before' });
    expect(created).toMatchObject({
      status: 201,
      body: { created: true, name: 'before', count: 30 },
    });
    expect(Date.parse(created.body.created_at)).not.toBeNaN();

    const list = await s.call('GET', '/collections/docs/snapshots');
    expect(list.body.snapshots).toEqual([
      { name: 'before', created_at: created.body.created_at, count: 30, bytes: expect.any(Number) },
    ]);

    const search = { vector: vectorOf(100), k: 3 };
    await s.call('POST', '/v1/collections/docs/vectors', { id: 'late', vector: vectorOf(100) });
    await s.call('DELETE', '/v1/collections/docs/vectors/d0');
    expect((await s.call('POST', '/v1/collections/docs/search', search)).body.results[0].id).toBe(
      'late',
    );
    // Cached now.
    expect((await s.call('POST', '/v1/collections/docs/search', search)).body.results[0].id).toBe(
      'late',
    );

    expect(await s.call('POST', '/v1/collections/docs/snapshots/before/restore')).toMatchObject({
      status: 200,
      body: { restored: true, count: 30 },
    });
    expect((await s.call('GET', '/v1/collections/docs')).body).toMatchObject({
      count: 30,
      deleted_count: 0,
    });
    expect((await s.call('GET', '/v1/collections/docs/vectors/d0')).status).toBe(200);
    expect((await s.call('GET', '/v1/collections/docs/vectors/late')).status).toBe(404);
    const after = await s.call('POST', '/v1/collections/docs/search', search);
    expect(after.body.results.map((r: { id: string }) => r.id)).not.toContain('late');

    // Without a name, the time names it.
    const auto = await s.call('POST', '/v1/collections/docs/snapshots');
    expect(auto.status).toBe(201);
    expect(auto.body.name).toMatch(/^\d{8}-\d{6}-\d{3}$/);
    expect(
      await s.call('DELETE', `/v1/collections/docs/snapshots/${auto.body.name}`),
    ).toMatchObject({
      status: 200,
      body: { deleted: auto.body.name },
    });
  });

  it('answers the snapshot error codes', async () => {
    expect(
      await s.call('POST', '/v1/collections/docs/snapshots', { name: 'before' }),
    ).toMatchObject({ status: 409, body: { code: 'SNAPSHOT_EXISTS' } });
    expect(await s.call('POST', '/v1/collections/docs/snapshots/nope/restore')).toMatchObject({
      status: 404,
      body: { code: 'SNAPSHOT_NOT_FOUND' },
    });
    expect(await s.call('DELETE', '/v1/collections/docs/snapshots/nope')).toMatchObject({
      status: 404,
      body: { code: 'SNAPSHOT_NOT_FOUND' },
    });
    expect(
      (await s.call('POST', '/v1/collections/docs/snapshots', { name: 'a/b' })).body.code,
    ).toBe('INVALID_INPUT');
    expect((await s.call('GET', '/v1/collections/ghost/snapshots')).body.code).toBe(
      'COLLECTION_NOT_FOUND',
    );
    expect((await s.call('POST', '/v1/collections/ghost/snapshots', { name: 'x' })).status).toBe(
      404,
    );
  });

  it('a damaged snapshot is 409 SNAPSHOT_CORRUPT and changes nothing', async () => {
    await s.call('POST', '/v1/collections/docs/snapshots', { name: 'fragile' });
    await s.call('POST', '/v1/collections/docs/vectors', { id: 'keep-me', vector: vectorOf(7) });
    const dir = `${join(s.dir, 'test.needle')}-snapshots`;
    const files = readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name));
    const list = (await s.call('GET', '/v1/collections/docs/snapshots')).body.snapshots;
    expect(list.map((x: { name: string }) => x.name)).toEqual(['before', 'fragile']);
    expect(files).toHaveLength(2);
    for (const file of files) {
      const bytes = readFileSync(file);
      bytes[bytes.length - 20]! ^= 0x55;
      writeFileSync(file, bytes);
    }
    const res = await s.call('POST', '/v1/collections/docs/snapshots/fragile/restore');
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('SNAPSHOT_CORRUPT');
    expect((await s.call('GET', '/v1/collections/docs/vectors/keep-me')).status).toBe(200);
  });
});
