import { fromWireError, mapStorageError } from './sqlite-errors.js';
import type { WriterThread } from './writer-thread.js';
import type { BatchReply, WriteOp } from './writer-protocol.js';

/** Past this many payload bytes a batch is cut, so one transaction stays bounded. */
const MAX_BATCH_BYTES = 64 * 1024 * 1024;

interface Queued {
  /** The op, once it is ready to send (a large commit is still being encoded before). */
  op: WriteOp | undefined;
  pending: Promise<WriteOp> | undefined;
  what: string;
  resolve: (seq: number) => void;
  reject: (err: Error) => void;
}

/**
 * Group commit. Writes that arrive while the writer is busy (or in the same tick as the first
 * one) are sent together and share one transaction and one sync; each write's promise settles
 * after that transaction, in call order. One write is never split across transactions: a
 * commit is all or nothing.
 */
export class WriteQueue {
  readonly #thread: WriterThread;
  readonly #onBatch: (lastSeq: number) => void;
  #queue: Queued[] = [];
  #busy = false;
  #idle: (() => void)[] = [];
  /** Transactions run so far (a batch is one transaction). */
  transactions = 0;
  /** Writes acknowledged so far. */
  writes = 0;

  constructor(thread: WriterThread, onBatch: (lastSeq: number) => void) {
    this.#thread = thread;
    this.#onBatch = onBatch;
  }

  /**
   * Queues one write, in call order; resolves with the change-log seq of its last mutation.
   * `op` may still be in preparation (a large commit encoded in slices): the write keeps its
   * place and later writes wait behind it.
   */
  submit(op: WriteOp | Promise<WriteOp>, what: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const ready = op instanceof Promise ? undefined : op;
      const entry: Queued = {
        op: ready,
        pending: ready ? undefined : (op as Promise<WriteOp>),
        what,
        resolve,
        reject,
      };
      this.#queue.push(entry);
      if (!this.#busy) {
        this.#busy = true;
        // Let writes issued in the same tick (a Promise.all of inserts) join the first batch.
        queueMicrotask(() => void this.#drain());
      }
    });
  }

  /** Resolves once every queued write has settled. */
  idle(): Promise<void> {
    if (!this.#busy) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const head = this.#queue[0]!;
      if (!head.op) {
        try {
          head.op = await head.pending;
        } catch (err) {
          this.#queue.shift();
          head.reject(mapStorageError(err, head.what));
          continue;
        }
      }
      await this.#send(this.#take());
    }
    this.#busy = false;
    for (const resolve of this.#idle.splice(0)) resolve();
  }

  async #send(batch: Queued[]): Promise<void> {
    const ops = batch.map((q) => q.op!);
    try {
      const transfer = ops.flatMap((op) =>
        op.kind === 'commit' ? op.chunks.map((c) => c.buffer as ArrayBuffer) : [],
      );
      const reply = await this.#thread.request<BatchReply>({ type: 'batch', ops }, transfer);
      this.transactions += 1;
      this.#onBatch(reply.lastSeq);
      batch.forEach((q, i) => {
        const result = reply.results[i];
        if (result?.ok) {
          this.writes += 1;
          q.resolve(result.seq);
        } else {
          q.reject(
            mapStorageError(
              result ? fromWireError(result.error) : new Error('the writer returned no result'),
              q.what,
            ),
          );
        }
      });
    } catch (err) {
      for (const q of batch) q.reject(mapStorageError(err, q.what));
    }
  }

  /** The ready writes at the head of the queue, up to the batch byte budget (at least one). */
  #take(): Queued[] {
    let bytes = 0;
    let n = 0;
    while (n < this.#queue.length) {
      const op = this.#queue[n]!.op;
      if (!op) break;
      const size = op.kind === 'commit' ? op.chunks.reduce((sum, c) => sum + c.byteLength, 0) : 256;
      if (n > 0 && bytes + size > MAX_BATCH_BYTES) break;
      bytes += size;
      n += 1;
    }
    return this.#queue.splice(0, n);
  }
}
