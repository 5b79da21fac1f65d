/** The collection the traffic works on. */
export const COLLECTION = 'docs';

const DIMENSIONS = 4;
const vector = (i: number) => [Math.sin(i), Math.cos(i), (i % 100) / 100, 1 - (i % 100) / 100];

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * Requests to a Needle server through its REST API, as an application and an operator would
 * make them: a collection with vectors, a backup and a restore drill, a checkpoint, then in
 * rounds every kind of write and search, a cache hit, and requests that fail. An answer with
 * another status than expected stops the rounds and is kept in `failure`.
 */
export class Traffic {
  /** The first unexpected answer, if any. */
  failure: Error | undefined;
  readonly #url: string;
  readonly #key: string;
  #rounds = 0;
  #loop: Promise<void> | undefined;
  #stopping = false;
  #searches = false;

  constructor(url: string, adminKey: string) {
    this.#url = url;
    this.#key = adminKey;
  }

  /** Sends a request with the admin key and checks its status. */
  async call(method: string, path: string, body: unknown, expected: number): Promise<Answer> {
    return this.#send(method, path, body, expected, { 'x-api-key': this.#key });
  }

  async #send(
    method: string,
    path: string,
    body: unknown,
    expected: number,
    headers: Record<string, string>,
  ): Promise<Answer> {
    const response = await fetch(`${this.#url}${path}`, {
      method,
      headers: {
        ...headers,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    const answer = {
      status: response.status,
      body: (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>,
    };
    if (answer.status !== expected) {
      throw new Error(
        `${method} ${path} answered ${String(answer.status)}, expected ${String(expected)}: ${text}`,
      );
    }
    return answer;
  }

  /**
   * The first requests: the collection with vectors, a full backup and its restore drill, a
   * checkpoint, and a refused credential. No search yet.
   */
  async setUp(): Promise<void> {
    const c = `/v1/collections/${COLLECTION}`;
    await this.call('POST', '/v1/collections', { name: COLLECTION, dimensions: DIMENSIONS }, 201);
    const vectors = Array.from({ length: 50 }, (_, i) => ({
      id: `seed${String(i)}`,
      vector: vector(i),
      metadata: { i, tag: i % 2 ? 'odd' : 'even' },
    }));
    await this.call('POST', `${c}/vectors/batch`, { vectors }, 200);
    await this.#job(await this.call('POST', '/v1/admin/backups', { type: 'full' }, 202));
    await this.#job(await this.call('POST', '/v1/admin/backups/verify', {}, 202));
    await this.call('POST', '/v1/save', {}, 200);
    await this.#send('GET', '/v1/collections', undefined, 401, {
      'x-api-key': 'not-a-key-of-this-server-0123456789',
    });
  }

  /** Follows a backup job to its end; it must succeed. */
  async #job(started: Answer): Promise<void> {
    const id = String(started.body.id);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const { body } = await this.call('GET', `/v1/admin/backups/jobs/${id}`, undefined, 200);
      if (body.state === 'succeeded') return;
      if (body.state !== 'running') {
        throw new Error(`backup job ${id} ended ${String(body.state)}: ${JSON.stringify(body)}`);
      }
      if (Date.now() > deadline) throw new Error(`backup job ${id} did not end within 60 s`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** One round of writes of every kind, and of searches of every kind once they are on. */
  async round(): Promise<void> {
    const n = (this.#rounds += 1);
    const c = `/v1/collections/${COLLECTION}`;
    const id = `r${String(n)}`;
    await this.call('POST', `${c}/vectors`, { id, vector: vector(n), metadata: { n } }, 201);
    const batch = [1, 2, 3].map((j) => ({ id: `${id}-${String(j)}`, vector: vector(n * 7 + j) }));
    await this.call('POST', `${c}/vectors/batch`, { vectors: batch }, 200);
    await this.call('POST', `${c}/vectors/upsert`, { id: `${id}-1`, vector: vector(n + 3) }, 200);
    await this.call('POST', `${c}/vectors/${id}/metadata`, { metadata: { seen: true } }, 200);
    await this.call('DELETE', `${c}/vectors/${id}`, undefined, 200);
    await this.call('POST', `${c}/vectors/delete-batch`, { ids: [`${id}-3`] }, 200);
    // An unknown collection: a failed request, counted as an error.
    await this.call(
      'POST',
      '/v1/collections/no-such-collection/search',
      { vector: vector(0) },
      404,
    );
    if (!this.#searches) return;
    // The same search twice in a row: a miss, then a hit of the query-result cache.
    const query = { vector: vector(n), k: 5 };
    await this.call('POST', `${c}/search`, query, 200);
    await this.call('POST', `${c}/search`, query, 200);
    await this.call('POST', `${c}/search/batch`, { vectors: [vector(1), vector(2)], k: 3 }, 200);
    await this.call('POST', `${c}/search/radius`, { vector: vector(n), max_distance: 0.5 }, 200);
    await this.call('POST', `${c}/query`, { filter: { tag: 'odd' }, limit: 5 }, 200);
    await this.call('POST', `${c}/count`, { filter: { tag: 'even' } }, 200);
    await this.call('POST', `${c}/recommend`, { positive_ids: ['seed1', 'seed2'] }, 200);
  }

  /**
   * Runs rounds one after another, `pauseMs` apart, until {@link stop}; `searches` says
   * whether rounds search too (searches drive the search latency rule). Called again while
   * the rounds run, it only changes `searches`.
   */
  start({ searches, pauseMs = 200 }: { searches: boolean; pauseMs?: number }): void {
    this.#searches = searches;
    this.#loop ??= (async () => {
      while (!this.#stopping && !this.failure) {
        try {
          await this.round();
        } catch (error) {
          this.failure = error as Error;
          return;
        }
        await new Promise((r) => setTimeout(r, pauseMs));
      }
    })();
  }

  /** Stops the rounds and waits for the one under way. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#loop;
  }
}
