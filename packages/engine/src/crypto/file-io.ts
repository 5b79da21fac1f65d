import { randomBytes } from 'node:crypto';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `dstPath` through a temporary file in the same directory: `write` fills it, then it is
 * fsynced, renamed over `dstPath` and the directory fsynced. A failure at any step removes the
 * temporary file, so `dstPath` is either its old self or complete — never half written.
 * New files are created with mode 0600, as they may hold secrets or plaintext.
 */
export async function writeFileAtomically<T>(
  dstPath: string,
  write: (handle: FileHandle) => Promise<T>,
): Promise<T> {
  const tempPath = join(
    dirname(dstPath),
    `.${basename(dstPath)}.${randomBytes(6).toString('hex')}.tmp`,
  );
  const handle = await open(tempPath, 'wx', 0o600);
  let closed = false;
  try {
    const result = await write(handle);
    await handle.sync();
    await handle.close();
    closed = true;
    await rename(tempPath, dstPath);
    await syncDirectory(dirname(dstPath));
    return result;
  } catch (err) {
    if (!closed) await handle.close().catch(() => undefined);
    await unlink(tempPath).catch(() => undefined);
    throw err;
  }
}

/** Writes all of `data` at the handle's current position (a single write may be partial). */
export async function writeAll(handle: FileHandle, data: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await handle.write(data, offset, data.length - offset, null);
    offset += bytesWritten;
  }
}

/**
 * Reads `length` bytes at `position` into `into` (a new buffer by default), looping over
 * short reads; the result is shorter only when the file ends first.
 */
export async function readAt(
  handle: FileHandle,
  position: number,
  length: number,
  into: Uint8Array = new Uint8Array(length),
): Promise<Uint8Array> {
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(into, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return into.subarray(0, filled);
}

/** Makes a rename durable. Some platforms cannot fsync a directory; there it is skipped. */
async function syncDirectory(path: string): Promise<void> {
  let dir: FileHandle | undefined;
  try {
    dir = await open(path, 'r');
    await dir.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'EBADF') throw err;
  } finally {
    await dir?.close();
  }
}
