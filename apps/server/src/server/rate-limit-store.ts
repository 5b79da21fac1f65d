import type { RateLimitPluginOptions } from '@fastify/rate-limit';
import LocalStore from '@fastify/rate-limit/store/LocalStore.js';

type StoreCtor = NonNullable<RateLimitPluginOptions['store']>;
type IncrCallback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/** A rate-limit store that also tells how many requests a refused client made. */
export interface CountingStore {
  /** The constructor `@fastify/rate-limit` instantiates. */
  readonly Store: StoreCtor;
  /**
   * The count of the window of a client just refused (by the key the plugin passes to
   * `onExceeded`); read once, then forgotten.
   */
  takeExceededCount(key: string): number | undefined;
}

/**
 * `@fastify/rate-limit`'s own in-memory store (an LRU of `clients` entries), wrapped to keep
 * the count of clients over their limit until the refusal is written: the plugin hands its
 * error builder the limit and the reset time, but not how far over it the client is.
 */
export function countingStore(clients: number): CountingStore {
  const exceeded = new Map<string, number>();
  class Store extends LocalStore {
    constructor() {
      super(false, false, clients);
    }

    override incr(key: string, callback: IncrCallback, timeWindow: number, max: number): void {
      super.incr(
        key,
        (error, result) => {
          if (result && result.current > max) exceeded.set(key, result.current);
          callback(error, result);
        },
        timeWindow,
        max,
      );
    }

    override child(): Store {
      return new Store();
    }
  }
  return {
    Store,
    takeExceededCount(key) {
      const count = exceeded.get(key);
      exceeded.delete(key);
      return count;
    },
  };
}
