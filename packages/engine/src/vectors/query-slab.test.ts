import { describe, expect, it } from 'vitest';

import { allocateQueryVector } from './query-slab.js';

describe('allocateQueryVector', () => {
  it('hands out zeroed arrays of the asked length that never share bytes', () => {
    // 600 × 384 floats is 900 KiB: many slabs.
    const views = Array.from({ length: 600 }, () => allocateQueryVector(384));
    for (const [i, view] of views.entries()) {
      expect(view).toHaveLength(384);
      expect(view.every((v) => v === 0)).toBe(true);
      view.fill(i + 1);
    }
    for (const [i, view] of views.entries()) expect(view.every((v) => v === i + 1)).toBe(true);
    // Views of one slab sit side by side; a full slab is followed by a fresh one.
    const buffers = new Set(views.map((v) => v.buffer));
    expect(buffers.size).toBeGreaterThan(10);
    for (const buffer of buffers) expect(buffer.byteLength).toBe(64 * 1024);
  });

  it('gives a query over a quarter of a slab a buffer of its own', () => {
    const big = allocateQueryVector(8192);
    expect(big).toHaveLength(8192);
    expect(big.byteOffset).toBe(0);
    expect(big.buffer.byteLength).toBe(8192 * 4);
  });
});
