import { createReadStream, statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Interface } from 'node:readline';
import type { Readable } from 'node:stream';

import { CommandError } from '../commands/command-error.js';

/** One line of a JSONL source. */
export interface SourceLine {
  /** 1-based line number. */
  number: number;
  text: string;
  /** Bytes of the source consumed up to the end of this line. */
  bytesRead: number;
}

/** A JSONL source: a file or standard input. */
export interface LineSource {
  /** For messages: the path, or `standard input`. */
  name: string;
  /** Size in bytes when known (a regular file), else null. */
  size: number | null;
  lines: AsyncIterable<SourceLine>;
  /** Stops reading: `lines` ends after the line being read, even while waiting for input. */
  close(): void;
}

/**
 * Opens `path` (or standard input for `-`) for line-by-line reading with back-pressure:
 * lines are read as fast as they are consumed, never the whole file at once. Handles
 * `\n` and `\r\n` endings and UTF-8 text.
 */
export function openLineSource(path: string, stdin: Readable = process.stdin): LineSource {
  if (path === '-') return lineSource('standard input', null, stdin);
  let info: Stats;
  try {
    info = statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
    throw new CommandError(
      'FILE_NOT_READABLE',
      `cannot read ${path} (${code})`,
      'Check the path, or pass - to read standard input.',
    );
  }
  if (info.isDirectory()) {
    throw new CommandError('FILE_NOT_READABLE', `${path} is a directory`, 'Name a JSONL file.');
  }
  const size = info.isFile() ? info.size : null;
  return lineSource(path, size, createReadStream(path));
}

function lineSource(name: string, size: number | null, input: Readable): LineSource {
  // Made when reading starts: a readline interface reads (and drops) lines at once.
  let rl: Interface | null = null;
  let closed = false;
  async function* lines(): AsyncGenerator<SourceLine> {
    if (closed) return;
    rl = createInterface({ input, crlfDelay: Infinity });
    let number = 0;
    let bytesRead = 0;
    try {
      for await (const text of rl) {
        number += 1;
        bytesRead += Buffer.byteLength(text, 'utf8') + 1;
        yield { number, text, bytesRead };
      }
    } finally {
      rl.close();
      if (input !== process.stdin) input.destroy();
    }
  }
  return {
    name,
    size,
    lines: lines(),
    close() {
      closed = true;
      if (rl) rl.close();
      else if (input !== process.stdin) input.destroy();
    },
  };
}
