/** Damage done to stored backup objects, for the refusal tests. */
import { closeSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Flips one bit of the byte at `offset` (counted from the end when negative). */
export function flipByte(path: string, offset: number): void {
  const at = offset < 0 ? statSync(path).size + offset : offset;
  const fd = openSync(path, 'r+');
  try {
    const byte = Buffer.alloc(1);
    readSync(fd, byte, 0, 1, at);
    byte[0]! ^= 0x01;
    writeSync(fd, byte, 0, 1, at);
  } finally {
    closeSync(fd);
  }
}

/** Flips a bit in the middle of an object of a local-directory target. */
export function flipInObject(root: string, name: string): void {
  const path = join(root, ...name.split('/'));
  flipByte(path, Math.floor(statSync(path).size / 2));
}
