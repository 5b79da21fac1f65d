import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';

/** A request the receiver got. */
export interface Received {
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  json<T = Record<string, unknown>>(): T;
}

/** What the receiver answers to the n-th request (0-based). */
export type Responder = (
  n: number,
  request: Received,
) => { status: number; body?: string; headers?: Record<string, string> };

/** A real HTTP receiver on 127.0.0.1 and a free port that records every request. */
export interface Receiver {
  readonly url: string;
  readonly requests: Received[];
  /** Resolves once `count` requests have come. */
  received(count: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(
  respond: Responder = () => ({ status: 200 }),
): Promise<Receiver> {
  const requests: Received[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const received: Received = {
        at: Date.now(),
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        json: <T>() => JSON.parse(body) as T,
      };
      const answer = respond(requests.length, received);
      requests.push(received);
      res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
      res.end(answer.body ?? (answer.status < 300 ? 'ok' : `status ${answer.status}`));
      for (const w of waiters.filter((w) => requests.length >= w.count)) w.resolve();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    received(count, timeoutMs = 20_000) {
      if (requests.length >= count) return Promise.resolve(requests.slice());
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`only ${requests.length} of ${count} requests came`)),
          timeoutMs,
        );
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(requests.slice());
          },
        });
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * What a receiver of Needle's webhooks does, written with node:crypto alone: parse
 * `t=<unix>,v1=<hex>`, recompute HMAC-SHA256(secret, `<t>.<raw body>`), compare in constant
 * time, and refuse a timestamp more than 5 minutes old.
 */
export function receiverVerifies(secret: string, request: Received, now = Date.now()): boolean {
  const header = request.headers['x-needle-signature'];
  if (typeof header !== 'string') return false;
  const fields: Record<string, string | undefined> = Object.fromEntries(
    header.split(',').map((kv) => kv.split('=', 2)),
  );
  const t = Number(fields.t);
  if (!Number.isInteger(t) || Math.abs(now / 1000 - t) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${request.body}`).digest();
  const given = Buffer.from(String(fields.v1), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
