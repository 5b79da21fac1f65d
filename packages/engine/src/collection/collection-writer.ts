import { setImmediate as yieldToLoop } from 'node:timers/promises';

import { EngineError } from '../errors.js';
import type { Mutation } from '../storage/storage.js';
import type { Metadata } from '../vectors/validate-record.js';
import type { CollectionCore } from './collection-core.js';
import { putMutations } from './stage-writes.js';
import type { ValidRecord } from './stage-writes.js';

/**
 * The write path of a collection. A write is staged synchronously (so a later write sees an
 * earlier one still in flight), committed to storage, and only then applied to memory and
 * the index: readers never see a write that storage has not committed.
 */
export class CollectionWriter {
  readonly #core: CollectionCore;
  /** Staged view of ids with writes in flight: the key each will have (undefined: none). */
  readonly #pending = new Map<string, { key: number | undefined; refs: number }>();
  /** Index work runs in commit order, one write after another, sliced so readers get turns. */
  #indexTail: Promise<void> = Promise.resolve();
  /**
   * The change-log seq up to which this collection's changes are all in the index: what a
   * saved index may claim to cover. Later changes are replayed on open (idempotently).
   */
  appliedSeq = 0;
  /** Running estimate of the index's insert cost, to size slices that fit SLICE_MS. */
  #msPerVector = 0.5;
  #indexPending = 0;

  constructor(core: CollectionCore) {
    this.#core = core;
  }

  /** The key `id` will have once every staged write is applied (expired ones included). */
  stagedKey(id: string): number | undefined {
    const pending = this.#pending.get(id);
    return pending ? pending.key : this.#core.state.keyOf.get(id);
  }

  /** Whether `id` will exist (and be unexpired) once every staged write is applied. */
  stagedExists(id: string): boolean {
    const pending = this.#pending.get(id);
    return pending
      ? pending.key !== undefined
      : this.#core.state.visibleKey(id, Date.now()) !== undefined;
  }

  /** True if a write to `id` is in flight. */
  isPending(id: string): boolean {
    return this.#pending.has(id);
  }

  /** Writes records under fresh keys, replacing the ids' previous keys. */
  async putRecords(records: readonly ValidRecord[]): Promise<void> {
    const mutations: Mutation[] = [];
    const touched: [string, number | undefined][] = [];
    const indexed = new Map<number, Float32Array>();
    const state = this.#core.state;
    for (const r of records) {
      const key = state.nextKey++;
      mutations.push(...putMutations(r, key, this.stagedKey(r.id)));
      touched.push([r.id, key]);
      indexed.set(key, r.indexed);
    }
    await this.write(mutations, touched, indexed);
  }

  /** Deletes the given (id, key) pairs. */
  async deleteKeys(entries: readonly [string, number][]): Promise<void> {
    await this.write(
      entries.map(([id, key]) => ({ op: 'delete', key, id })),
      entries.map(([id]) => [id, undefined]),
      new Map(),
    );
  }

  /** Stages, commits, then applies `mutations`. */
  async write(
    mutations: Mutation[],
    touched: [string, number | undefined][],
    indexed: Map<number, Float32Array>,
  ): Promise<void> {
    if (this.#core.closed) throw closedError(this.#core.name);
    for (const [id, key] of touched) {
      const entry = this.#pending.get(id);
      if (entry) {
        entry.key = key;
        entry.refs += 1;
      } else this.#pending.set(id, { key, refs: 1 });
    }
    try {
      const seq = await this.#core.storage.commit(this.#core.name, mutations);
      if (!this.#core.closed) {
        await this.#apply(mutations, indexed);
        // Writes apply in commit order, so every change up to `seq` is now in the index.
        if (seq > this.appliedSeq) this.appliedSeq = seq;
      }
    } finally {
      for (const [id] of touched) {
        const entry = this.#pending.get(id);
        if (entry && --entry.refs === 0) this.#pending.delete(id);
      }
    }
  }

  /** True when no index work is queued: the index holds every applied write. */
  get indexIdle(): boolean {
    return this.#indexPending === 0;
  }

  /** Resolves once the index work queued so far is done. */
  whenIndexIdle(): Promise<void> {
    return this.#indexTail;
  }

  /**
   * Applies committed mutations: to the in-memory state at once, to the index in commit
   * order, in slices of about 3 ms between which searches run.
   */
  #apply(
    mutations: readonly Mutation[],
    indexed: Map<number, Float32Array>,
  ): Promise<void> | undefined {
    const { state } = this.#core;
    const removed: number[] = [];
    const addedKeys: number[] = [];
    const addedVectors: Float32Array[] = [];
    for (const m of mutations) {
      switch (m.op) {
        case 'put':
          state.put(m.key, m.id, parseMetadata(m.metadata), m.expiresAt, m.metadata?.length ?? 0);
          addedKeys.push(m.key);
          addedVectors.push(indexed.get(m.key)!);
          break;
        case 'delete':
          if (state.remove(m.key)) removed.push(m.key);
          break;
        case 'metadata':
          state.setMetadata(m.key, parseMetadata(m.metadata), m.metadata?.length ?? 0);
          break;
      }
    }
    if (removed.length === 0 && addedKeys.length === 0) return undefined;
    // A small write with nothing queued ahead of it goes straight in, without a yield.
    if (this.#indexPending === 0 && addedKeys.length <= this.#readerSlice()) {
      this.#indexRemove(removed);
      this.#indexAdd(addedKeys, addedVectors, 0, addedKeys.length);
      return undefined;
    }
    this.#indexPending += 1;
    const queuedOn = this.#core.index;
    const run = async (): Promise<void> => {
      try {
        this.#indexRemove(removed);
        let sliceStart = performance.now();
        for (let at = 0; at < addedKeys.length;) {
          // Readers active: small slices, so none waits long. None: large slices, which the
          // index adds on several threads at full speed.
          const readers = this.#core.readersActive();
          const slice = readers ? this.#readerSlice() : BULK_SLICE;
          const end = Math.min(at + slice, addedKeys.length);
          const t0 = performance.now();
          this.#indexAdd(addedKeys, addedVectors, at, end, this.#core.index !== queuedOn);
          // Only reader-sized slices (added on this thread) teach the estimate; bulk slices
          // run on several threads and would make it look cheaper than it is here.
          if (slice <= SLICE) {
            this.#msPerVector =
              0.8 * this.#msPerVector + (0.2 * (performance.now() - t0)) / (end - at);
          }
          at = end;
          // With readers waiting every slice ends the turn; without, slices run for SLICE_MS.
          if (readers || performance.now() - sliceStart > SLICE_MS) {
            await yieldToLoop();
            sliceStart = performance.now();
          }
        }
      } finally {
        this.#indexPending -= 1;
        // What a search can find changed again: answers cached while the index was behind
        // the state must not outlive this.
        this.#core.state.version += 1;
      }
    };
    const done = this.#indexTail.then(run);
    this.#indexTail = done.catch(() => undefined);
    return done;
  }

  /** As many vectors as this thread inserts in about SLICE_MS, between 1 and SLICE. */
  #readerSlice(): number {
    return Math.max(1, Math.min(SLICE, Math.floor(SLICE_MS / Math.max(this.#msPerVector, 1e-3))));
  }

  #indexRemove(keys: number[]): void {
    if (keys.length === 0) return;
    this.#core.index.remove(Uint32Array.from(keys));
    this.#core.compactionLog?.removed.push(...keys);
  }

  /**
   * Adds keys `from..to` that are still live. After `swapped` (a compaction put in an index
   * built from the stored vectors since the write was queued), keys that index already holds
   * are skipped too.
   */
  #indexAdd(
    keys: number[],
    vectors: Float32Array[],
    from: number,
    to: number,
    swapped = false,
  ): void {
    if (to <= from) return;
    // Keys deleted meanwhile (by a later write already applied to the state) are skipped.
    const live: number[] = [];
    const rows: Float32Array[] = [];
    const index = this.#core.index;
    for (let i = from; i < to; i++) {
      if (this.#core.state.ids[keys[i]!] === undefined) continue;
      if (swapped && index.has(keys[i]!)) continue;
      live.push(keys[i]!);
      rows.push(vectors[i]!);
    }
    if (live.length === 0) return;
    addToIndex(this.#core, Uint32Array.from(live), rows);
    this.#core.compactionLog?.added.push(...live);
  }
}

/** Most vectors added per native call when a write is sliced and searches run. */
const SLICE = 128;
/** Vectors per native call when nobody searched recently (added on several threads). */
const BULK_SLICE = 1024;
/** Longest the index work of one write runs before letting other work run. */
const SLICE_MS = 3;

/** Adds prepared vectors to the collection's current index in one native call. */
export function addToIndex(
  core: CollectionCore,
  keys: Uint32Array,
  vectors: readonly Float32Array[],
): void {
  const dims = core.config.dimensions;
  const flat = new Float32Array(keys.length * dims);
  for (let i = 0; i < vectors.length; i++) flat.set(vectors[i]!, i * dims);
  core.index.add(keys, flat);
}

/** Parses stored metadata JSON. */
export function parseMetadata(text: string | null): Metadata | null {
  return text === null ? null : (JSON.parse(text) as Metadata);
}

/** The error for any use of a closed or dropped collection. */
export function closedError(name: string): EngineError {
  return new EngineError('CLOSED', `collection "${name}" is closed or was dropped`, {
    help: 'Get the collection again from an open database.',
  });
}
