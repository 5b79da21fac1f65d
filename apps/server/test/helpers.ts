import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import type { DatabaseConfig } from '@needle/engine';

/** A temporary directory, removed by `remove()`. */
export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * An encryption config whose key comes from a command that waits until `release()` is
 * called, as a secrets manager might keep a starting server waiting: the database stays in
 * the opening phase, deterministically, until then.
 */
export function gatedKey(dir: string): {
  encryption: DatabaseConfig['encryption'];
  hex: string;
  release(): void;
} {
  const hex = randomBytes(32).toString('hex');
  const keyFile = join(dir, 'key.hex');
  const gate = join(dir, 'key.gate');
  writeFileSync(keyFile, hex);
  return {
    hex,
    encryption: {
      keySource: {
        type: 'command',
        command: '/bin/sh',
        args: ['-c', 'while [ ! -e "$0" ]; do sleep 0.02; done; cat "$1"', gate, keyFile],
        timeoutMs: 120_000,
      },
    },
    release: () => writeFileSync(gate, ''),
  };
}

/** A stream that keeps every JSON log line written to it. */
export class LogCapture extends Writable {
  readonly text: string[] = [];
  readonly #onLine: ((line: Record<string, unknown>) => void) | undefined;

  /** `onLine` hears each line as it is written, synchronously with the code that logs it. */
  constructor(onLine?: (line: Record<string, unknown>) => void) {
    super();
    this.#onLine = onLine;
  }

  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    const text = chunk.toString('utf8');
    this.text.push(text);
    if (this.#onLine) {
      for (const l of text.split('\n'))
        if (l.trim() !== '') this.#onLine(JSON.parse(l) as Record<string, unknown>);
    }
    callback();
  }

  /** Every line, parsed. */
  lines(): Record<string, unknown>[] {
    return this.all()
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  all(): string {
    return this.text.join('');
  }
}

/**
 * Polls `check` every `intervalMs` until it returns a value other than undefined; at
 * `timeoutMs` returns undefined, so that the caller's assertion can say what it saw.
 */
export async function eventually<T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 250,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Polls `check` until it returns a value other than undefined; throws after `timeoutMs`. */
export async function waitFor<T>(
  check: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const value = await eventually(check, timeoutMs, 20);
  if (value === undefined) throw new Error(`timed out waiting for ${what}`);
  return value;
}

/** What {@link apiCaller}'s calls answer: the status, the parsed JSON body and its text. */
export interface ApiAnswer<T> {
  status: number;
  body: T;
  text: string;
}

/**
 * JSON calls to the server under test at `base()` (read at each call: a test may restart
 * it on another port), signed in with `X-API-Key` — `defaultKey` unless a call names
 * another.
 */
export function apiCaller(base: () => string, defaultKey: string) {
  return async function call<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    key: string = defaultKey,
  ): Promise<ApiAnswer<T>> {
    const response = await fetch(`${base()}${path}`, {
      method,
      headers: {
        'x-api-key': key,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text === '' ? {} : JSON.parse(text)) as T, text };
  };
}

/** Undo steps run last-added first, all of them even when some fail (for `afterAll`). */
export class Cleanups {
  readonly #steps: (() => unknown)[] = [];

  add(step: () => unknown): void {
    this.#steps.push(step);
  }

  async run(): Promise<void> {
    const errors: unknown[] = [];
    for (const step of this.#steps.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, 'cleaning up failed');
  }
}
