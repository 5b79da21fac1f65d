import { createReadStream } from 'node:fs';
import { mkdir, readdir, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

import { writeAll, writeFileAtomically } from '../crypto/file-io.js';
import { checkObjectName, type BackupObjectInfo, type BackupTarget } from './backup-target.js';

/**
 * A {@link BackupTarget} that keeps each object as a file under `root` (a local disk, or a
 * mounted NFS/SMB share for an off-site copy). A put writes a hidden temporary file beside
 * the object, fsyncs it and renames it into place, so a crash never leaves half an object
 * under its real name. Files are created with mode 0600.
 *
 * @example
 * ```ts
 * const target = new LocalDirectoryTarget('/var/backups/needle');
 * await db.backup(target, { type: 'full' });
 * ```
 */
export class LocalDirectoryTarget implements BackupTarget {
  readonly root: string;
  readonly description: string;

  constructor(root: string) {
    this.root = resolve(root);
    this.description = pathToFileURL(this.root).href;
  }

  async put(name: string, body: AsyncIterable<Uint8Array>): Promise<BackupObjectInfo> {
    const path = this.#path(name);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const bytes = await writeFileAtomically(path, async (handle) => {
      let written = 0;
      for await (const piece of body) {
        await writeAll(handle, piece);
        written += piece.byteLength;
      }
      return written;
    });
    return { name, bytes };
  }

  async get(name: string): Promise<AsyncIterable<Uint8Array> | null> {
    const path = this.#path(name);
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) return null;
    return createReadStream(path, { highWaterMark: 1024 * 1024 });
  }

  async list(prefix = ''): Promise<BackupObjectInfo[]> {
    const out: BackupObjectInfo[] = [];
    const walk = async (dir: string): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        if (entry.name.startsWith('.')) continue;
        const path = join(dir, entry.name);
        const name = relative(this.root, path).split(sep).join('/');
        if (entry.isDirectory()) {
          if (name.startsWith(prefix) || prefix.startsWith(`${name}/`)) await walk(path);
        } else if (entry.isFile() && name.startsWith(prefix)) {
          const { size } = await stat(path);
          out.push({ name, bytes: size });
        }
      }
    };
    await walk(this.root);
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async delete(name: string): Promise<void> {
    const path = this.#path(name);
    await unlink(path).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    // Empty directories left behind go too, up to the root.
    for (
      let dir = dirname(path);
      dir !== this.root && dir.startsWith(this.root);
      dir = dirname(dir)
    ) {
      const removed = await rmdir(dir).then(
        () => true,
        () => false,
      );
      if (!removed) break;
    }
  }

  #path(name: string): string {
    return join(this.root, ...checkObjectName(name).split('/'));
  }
}
