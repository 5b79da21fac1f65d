import { Readable, pipeline } from 'node:stream';
import {
  constants,
  createBrotliCompress,
  createBrotliDecompress,
  createGunzip,
  createGzip,
} from 'node:zlib';

/** How a backup's payload is compressed before it is sealed. */
export type Compression = 'gzip' | 'brotli' | 'none';

/**
 * The payload compressed with `algorithm` (zlib runs on libuv's thread pool, off the event
 * loop). `level`: gzip 1–9 (default 6), brotli 0–11 (default 4).
 */
export function compressing(
  source: AsyncIterable<Uint8Array>,
  algorithm: Compression,
  level?: number,
): AsyncIterable<Uint8Array> {
  switch (algorithm) {
    case 'none':
      return source;
    case 'gzip':
      return through(source, createGzip({ level: level ?? 6 }));
    case 'brotli':
      return through(
        source,
        createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: level ?? 4 } }),
      );
  }
}

/** The payload decompressed. The input may reuse its buffers (a sealed reader does): they are copied. */
export function decompressing(
  source: AsyncIterable<Uint8Array>,
  algorithm: Compression,
): AsyncIterable<Uint8Array> {
  const copied = copies(source);
  switch (algorithm) {
    case 'none':
      return copied;
    case 'gzip':
      return through(copied, createGunzip());
    case 'brotli':
      return through(copied, createBrotliDecompress());
  }
}

function through(
  source: AsyncIterable<Uint8Array>,
  transform: NodeJS.ReadWriteStream & AsyncIterable<Buffer>,
): AsyncIterable<Uint8Array> {
  // A failure anywhere destroys the transform with that error, so the reader sees it.
  return pipeline(Readable.from(source, { objectMode: false }), transform, () => undefined);
}

async function* copies(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  for await (const piece of source) yield Uint8Array.from(piece);
}
