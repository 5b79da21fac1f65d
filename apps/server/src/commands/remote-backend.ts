import type {
  BatchInsertResult,
  CheckpointOutcome,
  CollectionFigures,
  CollectionShape,
  CompactOutcome,
  ExportPage,
  InfoReport,
  NeedleBackend,
  WireRecord,
} from './backend.js';
import { RemoteClient, RemoteError } from './remote-client.js';
import type { RemoteClientOptions } from './remote-client.js';

/** Upserts in flight at once: the REST contract upserts one vector per request. */
const UPSERT_CONCURRENCY = 8;

/** Answers that mean "send less at once". */
const TOO_LARGE = new Set(['BODY_TOO_LARGE', 'BATCH_TOO_LARGE']);

interface IndexStatus {
  index: {
    type: string;
    vectors: number;
    deleted: number;
    fragmentation_ratio: number;
    needs_compaction: boolean;
    memory_bytes: number;
    index_memory_bytes: number;
  };
}

interface CollectionBody {
  name: string;
  dimensions: number;
  distance: string;
  count: number;
  deleted_count: number;
}

/** The commands' operations on a running server, over the REST contract (`/v1`). */
export class RemoteBackend implements NeedleBackend {
  readonly kind = 'remote';
  readonly source: string;
  /** Under the default 10 MB body limit of the server, with room to spare. */
  readonly maxBatchBytes = 4 * 1024 * 1024;
  readonly #client: RemoteClient;

  constructor(options: RemoteClientOptions) {
    this.#client = new RemoteClient(options);
    this.source = this.#client.base.origin;
  }

  async describeCollection(name: string): Promise<CollectionShape | null> {
    try {
      const c = await this.#client.request<CollectionBody>('GET', collectionPath(name));
      return { name: c.name, dimensions: c.dimensions, distance: c.distance };
    } catch (err) {
      if (err instanceof RemoteError && err.code === 'COLLECTION_NOT_FOUND') return null;
      throw err;
    }
  }

  async createCollection(
    name: string,
    options: { dimensions: number; distance: string },
  ): Promise<void> {
    await this.#client.request('POST', '/v1/collections', { name, ...options });
  }

  /**
   * Sends a batch; one the server finds too large (body or batch limit) is split in halves
   * until it fits, so the server's limits never fail an import.
   */
  async insertBatch(collection: string, records: WireRecord[]): Promise<BatchInsertResult> {
    try {
      const answer = await this.#client.request<BatchInsertResult>(
        'POST',
        `${collectionPath(collection)}/vectors/batch`,
        { vectors: records },
      );
      return { inserted: answer.inserted, errors: answer.errors ?? [] };
    } catch (err) {
      if (!(err instanceof RemoteError) || !TOO_LARGE.has(err.code) || records.length < 2) {
        throw err;
      }
      const half = Math.ceil(records.length / 2);
      const first = await this.insertBatch(collection, records.slice(0, half));
      const second = await this.insertBatch(collection, records.slice(half));
      return {
        inserted: first.inserted + second.inserted,
        errors: [...first.errors, ...second.errors],
      };
    }
  }

  async upsertBatch(collection: string, records: WireRecord[]): Promise<{ updated: number }> {
    // The last of repeated ids wins, as in the engine's upsertMany.
    const last = [...new Map(records.map((r) => [r.id, r])).values()];
    const path = `${collectionPath(collection)}/vectors/upsert`;
    let updated = 0;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < last.length) {
        const record = last[next++]!;
        const answer = await this.#client.request<{ updated: boolean }>('POST', path, record);
        if (answer.updated) updated += 1;
      }
    };
    await Promise.all(Array.from({ length: UPSERT_CONCURRENCY }, worker));
    return { updated };
  }

  async *exportPages(collection: string, pageSize: number): AsyncIterable<ExportPage> {
    for (let offset = 0; ;) {
      const page = await this.#client.request<{
        total: number;
        has_more: boolean;
        vectors: { id: string; vector: number[]; metadata: unknown }[];
      }>('GET', `${collectionPath(collection)}/export?offset=${offset}&limit=${pageSize}`);
      yield { total: page.total, records: page.vectors };
      offset += page.vectors.length;
      if (!page.has_more || page.vectors.length === 0) return;
    }
  }

  async compact(collection: string, options: { dryRun: boolean }): Promise<CompactOutcome> {
    const started = performance.now();
    const before = await this.#status(collection);
    if (options.dryRun) {
      const { vectors, deleted, index_memory_bytes } = before.index;
      const slots = vectors + deleted;
      return {
        collection,
        dryRun: true,
        removed: deleted,
        reclaimedBytes: slots === 0 ? 0 : Math.round((index_memory_bytes * deleted) / slots),
        durationMs: 0,
        vectors,
        fileBytesBefore: null,
        fileBytesAfter: null,
      };
    }
    const answer = await this.#client.request<{ removed: number }>(
      'POST',
      `${collectionPath(collection)}/compact`,
      {},
    );
    const after = await this.#status(collection);
    return {
      collection,
      dryRun: false,
      removed: answer.removed,
      reclaimedBytes: Math.max(0, before.index.index_memory_bytes - after.index.index_memory_bytes),
      durationMs: performance.now() - started,
      vectors: after.index.vectors,
      fileBytesBefore: null,
      fileBytesAfter: null,
    };
  }

  async checkpoint(): Promise<CheckpointOutcome> {
    const started = performance.now();
    await this.#client.request('POST', '/v1/save', {});
    return {
      durationMs: performance.now() - started,
      pagesCheckpointed: null,
      walBytesBefore: null,
      storage: null,
    };
  }

  async info(): Promise<InfoReport> {
    const summary = await this.#client.request<{ total_vectors: number; version?: string }>(
      'GET',
      '/info',
    );
    const collections: CollectionFigures[] = [];
    for (let offset = 0; ;) {
      const page = await this.#client.request<{
        collections: CollectionBody[];
        pagination: { has_more: boolean };
      }>('GET', `/v1/collections?offset=${offset}&limit=100`);
      for (const c of page.collections) {
        const [detail, status] = await Promise.all([
          this.#client.request<CollectionBody>('GET', collectionPath(c.name)),
          this.#status(c.name),
        ]);
        collections.push({
          name: c.name,
          dimensions: c.dimensions,
          distance: detail.distance,
          count: c.count,
          deletedCount: c.deleted_count,
          fragmentationRatio: status.index.fragmentation_ratio,
          needsCompaction: status.index.needs_compaction,
          quantization: null,
          index: { kind: status.index.type, m: null, efConstruction: null, efSearch: null },
          memoryBytes: status.index.memory_bytes,
          indexMemoryBytes: status.index.index_memory_bytes,
        });
      }
      offset += page.collections.length;
      if (!page.pagination.has_more || page.collections.length === 0) break;
    }
    return {
      source: this.source,
      version: summary.version ?? null,
      totalVectors: summary.total_vectors,
      collections,
      storage: null,
    };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  #status(collection: string): Promise<IndexStatus> {
    return this.#client.request<IndexStatus>('GET', `${collectionPath(collection)}/index/status`);
  }
}

function collectionPath(name: string): string {
  return `/v1/collections/${encodeURIComponent(name)}`;
}
