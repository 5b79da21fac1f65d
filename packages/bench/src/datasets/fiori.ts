import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { getEmbeddingsPath } from '@sap-ux/fiori-docs-embeddings';

import { Prng } from '../prng.js';
import { holdOut, type Dataset } from './dataset.js';

/** Options of {@link loadFiori}. */
export interface FioriOptions {
  /** Share of the embeddings held out as queries (default 0.1). */
  queryShare?: number;
  /** Seed of the shuffle that picks the queries (default 1). */
  seed?: number;
}

/** What `data/embeddings/metadata.json` of the package declares. */
interface FioriMetadata {
  model: string;
  dimensions: number;
  totalVectors: number;
}

/**
 * `@sap-ux/fiori-docs-embeddings`: all-MiniLM-L6-v2 embeddings (384-d, unit length) of SAP
 * Fiori documentation chunks, cosine. The package ships them as raw little-endian float32
 * rows in `data/embeddings/embeddings.bin`, described by `metadata.json` (the text is in
 * `records.jsonl`, not needed here). About 10% are held out as queries.
 *
 * @example
 * const fiori = loadFiori(); // 700 train, 78 queries
 */
export function loadFiori(options: FioriOptions = {}): Dataset {
  const dir = getEmbeddingsPath();
  const meta = JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8')) as FioriMetadata;
  const bytes = readFileSync(join(dir, 'embeddings.bin'));
  const expected = meta.totalVectors * meta.dimensions * 4;
  if (bytes.byteLength !== expected) {
    throw new Error(
      `fiori embeddings.bin holds ${bytes.byteLength} bytes, metadata.json implies ${expected}`,
    );
  }
  // Copied so the rows start at offset 0 of their own aligned buffer.
  const rows = new Float32Array(meta.totalVectors * meta.dimensions);
  new Uint8Array(rows.buffer).set(bytes);

  const total = meta.totalVectors;
  const queryCount = Math.max(1, Math.round(total * (options.queryShare ?? 0.1)));
  const order = new Prng(options.seed ?? 1).shuffle(
    Uint32Array.from({ length: total }, (_, i) => i),
  );
  const split = holdOut(rows, meta.dimensions, order.subarray(0, queryCount));
  return { name: 'fiori', dimensions: meta.dimensions, distance: 'cosine', ...split };
}
