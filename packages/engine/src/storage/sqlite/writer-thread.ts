import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';

import { EngineError } from '../../errors.js';
import type { CheckpointStats } from '../storage.js';
import { fromWireError, mapStorageError } from './sqlite-errors.js';
import { spawnModuleWorker } from './spawn-module-worker.js';
import type {
  WriterInit,
  WriterMessage,
  WriterRequest,
  WriterSettings,
} from './writer-protocol.js';

type RequestBody = WriterRequest extends infer R
  ? R extends WriterRequest
    ? Omit<R, 'id'>
    : never
  : never;

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  notice: ((value: unknown) => void) | undefined;
}

/** Hooks for what the writer reports on its own. */
export interface WriterThreadEvents {
  onCheckpoint: (stats: CheckpointStats) => void;
  onCheckpointFailed: (err: Error) => void;
}

// `.ts` when running from source, `.js` when built: the worker is this module's sibling.
const WORKER_URL = new URL(
  `./writer-worker${extname(fileURLToPath(import.meta.url))}`,
  import.meta.url,
);

/**
 * The main thread's handle on the writer thread: numbered requests, replies matched to them.
 * The thread keeps the process alive only while a request is outstanding, so an open but idle
 * database never prevents a clean exit.
 */
export class WriterThread {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #dead: Error | undefined;

  private constructor(worker: Worker, events: WriterThreadEvents) {
    this.#worker = worker;
    worker.on('message', (message: WriterMessage) => {
      if (message.type === 'checkpointed') events.onCheckpoint(message.stats);
      else if (message.type === 'checkpoint-failed')
        events.onCheckpointFailed(fromWireError(message.error));
      else if (message.type === 'reply') this.#settle(message);
      else if (message.type === 'notice') this.#pending.get(message.id)?.notice?.(message.value);
    });
    worker.on('error', (err) => this.#fail(err));
    worker.on('exit', (code) => this.#fail(new Error(`the writer thread exited (code ${code})`)));
  }

  /** Starts the writer; resolves once the file is open, migrated and in WAL mode. */
  static start(
    init: WriterInit,
    events: WriterThreadEvents,
  ): Promise<{ thread: WriterThread; lastSeq: number; settings: WriterSettings }> {
    const worker = spawnModuleWorker(WORKER_URL, init);
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(mapStorageError(err, `opening "${init.path}"`));
      const onExit = (code: number): void =>
        onError(new Error(`the writer thread exited during open (code ${code})`));
      worker.once('error', onError);
      worker.once('exit', onExit);
      worker.once('message', (message: WriterMessage) => {
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (message.type === 'ready') {
          worker.unref();
          resolve({
            thread: new WriterThread(worker, events),
            lastSeq: message.lastSeq,
            settings: message.settings,
          });
        } else if (message.type === 'failed') {
          reject(mapStorageError(fromWireError(message.error), `opening "${init.path}"`));
        }
      });
    });
  }

  /**
   * Sends a request; resolves with the writer's reply value, rejects with the original error.
   * `notice` hears what the writer posts about the request while it runs.
   */
  request<T>(
    body: RequestBody,
    transfer: ArrayBuffer[] = [],
    notice?: (value: unknown) => void,
  ): Promise<T> {
    if (this.#dead) return Promise.reject(this.#dead);
    const id = this.#nextId++;
    if (this.#pending.size === 0) this.#worker.ref();
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject, notice });
      this.#worker.postMessage({ ...body, id }, transfer);
    });
  }

  /** Resolves when the thread has ended (after a `close` request). */
  async exited(): Promise<void> {
    if (this.#dead) return;
    // Referenced while waiting: an unreferenced thread would let the process exit first.
    this.#worker.ref();
    await new Promise((resolve) => this.#worker.once('exit', resolve));
  }

  /** Ends the thread at once; outstanding requests are rejected. */
  async terminate(): Promise<void> {
    await this.#worker.terminate();
  }

  #settle(message: Extract<WriterMessage, { type: 'reply' }>): void {
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    this.#pending.delete(message.id);
    if (this.#pending.size === 0) this.#worker.unref();
    if (message.ok) pending.resolve(message.value);
    else pending.reject(fromWireError(message.error));
  }

  #fail(cause: Error): void {
    this.#dead ??= new EngineError(
      'STORAGE_ERROR',
      `the storage writer stopped: ${cause.message}`,
      {
        help: 'Reopen the database; everything acknowledged before this error is on disk.',
        cause,
      },
    );
    for (const pending of this.#pending.values()) pending.reject(this.#dead);
    this.#pending.clear();
  }
}
