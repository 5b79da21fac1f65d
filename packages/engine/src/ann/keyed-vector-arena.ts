/** Magic of {@link KeyedVectorArena.toBytes}: "NDLV" read as a little-endian u32. */
const MAGIC = 0x564c444e;

/**
 * Float32 rows indexed by key plus a presence byte per key: the fallback index's own copy
 * of its vectors, since the stock usearch binding cannot return them. Memory grows with
 * the largest key, so keys must be dense (the collection allocates them sequentially).
 */
export class KeyedVectorArena {
  readonly dimensions: number;
  #rows = new Float32Array(0);
  #present = new Uint8Array(0);
  #size = 0;

  constructor(dimensions: number, capacity = 0) {
    this.dimensions = dimensions;
    this.reserve(capacity);
  }

  /** Number of present keys. */
  get size(): number {
    return this.#size;
  }

  /** Bytes held by the rows and the presence map. */
  get byteLength(): number {
    return this.#rows.byteLength + this.#present.byteLength;
  }

  has(key: number): boolean {
    return this.#present[key] === 1;
  }

  /** Makes room for every key below `keys`, doubling to keep growth amortised. */
  reserve(keys: number): void {
    if (keys <= this.#present.length) return;
    const length = Math.max(keys, this.#present.length * 2, 64);
    const rows = new Float32Array(length * this.dimensions);
    rows.set(this.#rows);
    const present = new Uint8Array(length);
    present.set(this.#present);
    this.#rows = rows;
    this.#present = present;
  }

  /** Stores `vector` under `key` (reserving room) and marks it present. */
  set(key: number, vector: Float32Array): void {
    this.reserve(key + 1);
    this.#rows.set(vector, key * this.dimensions);
    if (this.#present[key] !== 1) this.#size++;
    this.#present[key] = 1;
  }

  /** Marks `key` absent; true if it was present. */
  delete(key: number): boolean {
    if (this.#present[key] !== 1) return false;
    this.#present[key] = 0;
    this.#size--;
    return true;
  }

  /** The row of a present key, as a view (valid until the next growth). */
  row(key: number): Float32Array {
    return this.#rows.subarray(key * this.dimensions, (key + 1) * this.dimensions);
  }

  /**
   * The present keys among `keys` and their rows copied into one fresh array, which
   * starts at byte offset 0 as usearch's `exactSearch` requires.
   */
  gather(keys: Uint32Array): { keys: Uint32Array; rows: Float32Array } {
    const present = keys.filter((key) => this.#present[key] === 1);
    const rows = new Float32Array(present.length * this.dimensions);
    for (let i = 0; i < present.length; i++) rows.set(this.row(present[i]!), i * this.dimensions);
    return { keys: present, rows };
  }

  /** All present keys, ascending. */
  keys(): Uint32Array {
    const keys = new Uint32Array(this.#size);
    let n = 0;
    for (let key = 0; key < this.#present.length; key++)
      if (this.#present[key] === 1) keys[n++] = key;
    return keys;
  }

  /** Serialises as u32 magic, dimensions, count; u32 keys; f32 rows. */
  toBytes(): Uint8Array {
    const { keys, rows } = this.gather(this.keys());
    const bytes = new Uint8Array(12 + keys.byteLength + rows.byteLength);
    const words = new Uint32Array(bytes.buffer, 0, 3 + keys.length);
    words.set([MAGIC, this.dimensions, keys.length]);
    words.set(keys, 3);
    bytes.set(new Uint8Array(rows.buffer), 12 + keys.byteLength);
    return bytes;
  }

  /** Parses {@link toBytes}' output; `null` when damaged or of other dimensions. */
  static fromBytes(bytes: Uint8Array, dimensions: number): KeyedVectorArena | null {
    if (bytes.byteLength < 12 || bytes.byteLength % 4 !== 0) return null;
    const words = new Uint32Array(bytes.slice().buffer);
    const count = words[2]!;
    if (
      words[0] !== MAGIC ||
      words[1] !== dimensions ||
      words.length !== 3 + count * (1 + dimensions)
    ) {
      return null;
    }
    const keys = words.subarray(3, 3 + count);
    const rows = new Float32Array(words.buffer, (3 + count) * 4, count * dimensions);
    const arena = new KeyedVectorArena(dimensions);
    let max = -1;
    for (const key of keys) max = Math.max(max, key);
    arena.reserve(max + 1);
    for (let i = 0; i < count; i++)
      arena.set(keys[i]!, rows.subarray(i * dimensions, (i + 1) * dimensions));
    return arena.size === count ? arena : null;
  }
}
