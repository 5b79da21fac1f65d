import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { afterAll, describe, expect, it } from 'vitest';

import { Database } from '../src/index.js';
import { prng } from './helpers/datasets.js';

const ROUNDS = 6;
const dir = mkdtempSync(join(tmpdir(), 'needle-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fixture = new URL('./fixtures/crash-writer.ts', import.meta.url).pathname;
/** A vector determined by the whole id (FNV-1a per dimension), so ids rarely share one. */
const vectorOf = (id: string): number[] =>
  Array.from({ length: 8 }, (_, d) => {
    let h = 2166136261 ^ d;
    for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
    return (h >>> 0) % 1000;
  });

/** Runs the writer until it has acknowledged some writes, then SIGKILLs it at a random moment. */
async function runAndKill(
  path: string,
  round: number,
  killAfterMs: number,
): Promise<{ present: Set<string>; deleted: Set<string>; uncertain: Set<string> }> {
  const child = spawn(
    process.execPath,
    ['--conditions=@needle/source', '--import', 'tsx', fixture, path, String(round)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const present = new Set<string>();
  const deleted = new Set<string>();
  /** Deletes begun but not acknowledged when the kill came: either outcome is correct. */
  const uncertain = new Set<string>();
  const lines = createInterface({ input: child.stdout });
  let timer: NodeJS.Timeout | undefined;
  lines.on('line', (line) => {
    if (line === 'ready') {
      timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      return;
    }
    const [op, ...ids] = line.split(' ');
    for (const id of ids) {
      if (op === 'try-del') {
        uncertain.add(id);
      } else if (op === 'put') {
        present.add(id);
        deleted.delete(id);
      } else {
        uncertain.delete(id);
        present.delete(id);
        deleted.add(id);
      }
    }
  });
  await new Promise<void>((resolve) => child.on('exit', () => resolve()));
  clearTimeout(timer);
  return { present, deleted, uncertain };
}

describe('crash recovery (kill -9)', () => {
  it(`keeps every acknowledged write over ${ROUNDS} SIGKILL rounds, index agreeing with the store`, async () => {
    const path = join(dir, 'crash.needle');
    const rand = prng(2024);
    const expectedPresent = new Set<string>();
    const expectedDeleted = new Set<string>();
    for (let round = 0; round < ROUNDS; round++) {
      const { present, deleted, uncertain } = await runAndKill(
        path,
        round,
        150 + Math.floor(rand() * 600),
      );
      for (const id of present) expectedPresent.add(id);
      for (const id of uncertain) expectedPresent.delete(id);
      for (const id of deleted) {
        expectedPresent.delete(id);
        expectedDeleted.add(id);
      }
      const db = await Database.open(path);
      try {
        const col = db.collection('crash');
        for (const id of expectedPresent) {
          const got = col.get(id);
          expect(got, `acknowledged write ${id} lost after round ${round}`).not.toBeNull();
          expect(Array.from(got!.vector)).toEqual(vectorOf(id));
        }
        for (const id of expectedDeleted)
          expect(col.has(id), `acknowledged delete of ${id} undone`).toBe(false);
        // The index agrees with the store: same size, and every live vector finds itself.
        expect(col.stats().count).toBe(col.count());
        const sample = [...expectedPresent].slice(-20);
        for (const id of sample) {
          const { hits } = await col.search(vectorOf(id), 50, { efSearch: 200 });
          expect(hits[0]!.distance).toBe(0);
          expect(hits.filter((h) => h.distance === 0).map((h) => h.id)).toContain(id);
        }
      } finally {
        await db.close();
      }
    }
    expect(expectedPresent.size).toBeGreaterThan(ROUNDS * 5);
  }, 240_000);
});
