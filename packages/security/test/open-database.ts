import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Database } from '@needle/engine';

/** A real database in a fresh temp directory; `dispose` closes it and removes the directory. */
export async function openTempDatabase(): Promise<{
  db: Database;
  path: string;
  reopen: () => Promise<Database>;
  dispose: () => Promise<void>;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'needle-security-'));
  const path = join(dir, 'test.needle');
  const opened: Database[] = [await Database.open(path)];
  return {
    db: opened[0]!,
    path,
    reopen: async () => {
      const db = await Database.open(path);
      opened.push(db);
      return db;
    },
    dispose: async () => {
      for (const db of opened) await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
