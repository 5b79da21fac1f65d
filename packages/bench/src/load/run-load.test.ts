import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { runLoad } from './run-load.js';

let server: Server;
let url: string;
let bodies: string[];

beforeEach(async () => {
  bodies = [];
  let n = 0;
  // Every third request is refused as a rate limiter would, every fifth fails.
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      bodies.push(body);
      n += 1;
      res.statusCode = n % 3 === 0 ? 429 : n % 5 === 0 ? 500 : 200;
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('runLoad', () => {
  it('offers the rate, sends fresh bodies, and counts 429s apart from errors', async () => {
    let i = 0;
    const figures = await runLoad({
      url,
      scenario: { name: 'probe', method: 'POST', path: '/x', body: () => `{"i":${i++}}` },
      rate: 60,
      durationSeconds: 1,
      connections: 4,
    });
    expect(figures.requests).toBeGreaterThan(20);
    expect(figures.requests).toBeLessThanOrEqual(70);
    expect(new Set(bodies).size).toBe(bodies.length);
    const refused = figures.statuses['429'] ?? 0;
    const failed = figures.statuses['500'] ?? 0;
    expect(refused).toBeGreaterThan(0);
    expect(failed).toBeGreaterThan(0);
    expect(figures.rateLimited).toBe(refused);
    expect(figures.errors).toBe(failed);
    expect(figures.p50Ms).toBeLessThanOrEqual(figures.p95Ms);
    expect(figures.p95Ms).toBeLessThanOrEqual(figures.p99Ms);
    expect(figures.p99Ms).toBeLessThanOrEqual(figures.maxMs);
  });
});
