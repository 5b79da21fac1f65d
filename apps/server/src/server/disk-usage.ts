import { readdir, stat, statfs } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The database's bytes on disk and the room left on its file system. */
export interface DiskFigures {
  /** The database file, its WAL and shared memory, its saved indexes and key salt. */
  usedBytes: number;
  /** Size of the file system holding the data directory. */
  capacityBytes: number;
  /** Bytes still available to this (unprivileged) process there. */
  availableBytes: number;
}

/**
 * Measures the disk figures of a database file. Everything the engine keeps beside the file
 * starts with its name (`needle.needle-wal`, `needle.needle-index/...`), so that is what is
 * counted.
 */
export async function diskFigures(dataFile: string): Promise<DiskFigures> {
  const dir = dirname(dataFile);
  const prefix = basename(dataFile);
  let usedBytes = 0;
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (!entry.name.startsWith(prefix)) continue;
    usedBytes += await bytesUnder(join(dir, entry.name));
  }
  const fs = await statfs(dir);
  return {
    usedBytes,
    capacityBytes: fs.blocks * fs.bsize,
    availableBytes: fs.bavail * fs.bsize,
  };
}

/**
 * A reader of {@link diskFigures} that measures at most once a second, so the three gauges
 * of one scrape (and scrapes that come close together) share one walk of the directory.
 */
export function diskFiguresReader(dataFile: string, maxAgeMs = 1000): () => Promise<DiskFigures> {
  let last: { at: number; figures: Promise<DiskFigures> } | undefined;
  return () => {
    const now = performance.now();
    if (!last || now - last.at > maxAgeMs) {
      const figures = diskFigures(dataFile);
      last = { at: now, figures };
      // A failed measurement is not kept: the next scrape tries again.
      figures.catch(() => {
        if (last?.figures === figures) last = undefined;
      });
    }
    return last.figures;
  };
}

async function bytesUnder(path: string): Promise<number> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return 0;
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const name of await readdir(path).catch(() => []))
    total += await bytesUnder(join(path, name));
  return total;
}
