import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, expect } from 'vitest';

/**
 * A temporary directory for the tests of one file, made before them and removed after;
 * `dir(name)` names a directory inside it.
 */
export function useTempRoot(prefix: string): {
  dir: (name: string) => string;
  root: () => string;
} {
  let root = '';
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), prefix));
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });
  return { dir: (name) => join(root, name), root: () => root };
}

/**
 * JSONL records `doc-<from>`… whose components are exact float32 values, written the way
 * `needle export` writes them, so an export of their import must reproduce them byte for
 * byte.
 */
export function records(count: number, dimensions: number, from = 0): string {
  let out = '';
  for (let i = from; i < from + count; i++) {
    const vector = Array.from(
      { length: dimensions },
      (_, d) => (((i * 7 + d * 13) % 61) - 30) / 8 || 0.5,
    );
    out += `${JSON.stringify({ id: `doc-${i}`, vector, metadata: { i, tag: i % 2 ? 'odd' : 'even' } })}\n`;
  }
  return out;
}

/** Fails when `text` holds a stack trace. */
export function expectNoStackTrace(text: string): void {
  expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);
}
