import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';

import { serverConfigSchema } from '../src/config.js';
import type { ServerConfigInput } from '../src/config.js';
import { createServer } from '../src/server/create-server.js';
import type { NeedleServer } from '../src/server/create-server.js';
import { LogCapture, tempDir, waitFor } from './helpers.js';

const OPERATOR_KEY = 'operator-key-for-tests-0123456789';

describe('access control in the server', () => {
  let dir: ReturnType<typeof tempDir>;
  const servers: NeedleServer[] = [];
  beforeEach(() => {
    dir = tempDir('needle-security-');
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
    dir.remove();
  });

  async function serve(settings: ServerConfigInput = {}) {
    const log = new LogCapture();
    const announced: string[] = [];
    const config = serverConfigSchema.parse({
      port: 0,
      dataDir: join(dir.path, 'data'),
      ...settings,
      log: { level: 'trace' },
    });
    const server = await createServer(config, {
      logStream: log,
      announce: (text) => announced.push(text),
    });
    servers.push(server);
    const url = await server.start();
    await server.opened();
    return { server, url, log, announced };
  }

  const post = (url: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  it('is on by default: refuses requests without credentials, counts them, accepts the operator key', async () => {
    const { url, announced } = await serve({ auth: { adminApiKey: OPERATOR_KEY } });
    const refused = await post(url, '/v1/collections', { name: 'docs', dimensions: 2 });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({
      code: 'UNAUTHORIZED',
      reason: 'CREDENTIALS_MISSING',
    });
    const created = await post(
      url,
      '/v1/collections',
      { name: 'docs', dimensions: 2 },
      { 'x-api-key': OPERATOR_KEY },
    );
    expect(created.status).toBe(201);
    // With an operator key there is no bootstrap key to announce.
    expect(announced.join('')).not.toContain('nk_');
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/needle_auth_failures_total\{reason="CREDENTIALS_MISSING"\} 1/);
    expect((await fetch(`${url}/health`)).status).toBe(200);
  });

  it('announces a bootstrap admin key once, on the terminal and never in the log', async () => {
    const first = await serve();
    const key = /nk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}/.exec(first.announced.join(''))?.[0];
    expect(key).toBeDefined();
    const created = await post(
      first.url,
      '/v1/collections',
      { name: 'docs', dimensions: 2 },
      { 'x-api-key': key! },
    );
    expect(created.status).toBe(201);
    expect(first.log.text.join('\n')).not.toContain(key!.slice(16));
    await first.server.close();

    const second = await serve();
    expect(second.announced.join('')).not.toContain('nk_');
    const listed = await fetch(`${second.url}/v1/admin/keys`, { headers: { 'x-api-key': key! } });
    expect(((await listed.json()) as { keys: unknown[] }).keys).toHaveLength(1);
  });

  it('prunes audit entries past their retention, and the chain still verifies', async () => {
    const { url, server } = await serve({
      auth: {
        adminApiKey: OPERATOR_KEY,
        auditRetentionDays: 0.5 / 86_400,
        auditPruneIntervalMs: 100,
      },
    });
    const headers = { 'x-api-key': OPERATOR_KEY };
    for (let i = 0; i < 5; i++) await fetch(`${url}/v1/collections`, { headers });
    const db = server.database.database();
    const seqs = () =>
      db.system
        .log('audit', z.unknown())
        .read()
        .map((e) => e.seq);
    const written = seqs();
    expect(written.length).toBeGreaterThan(0);
    await waitFor(
      () => (seqs().every((seq) => !written.includes(seq)) ? true : undefined),
      'the retention to prune the entries written',
      10_000,
    );
    const verify = await fetch(`${url}/v1/admin/audit/verify`, { headers });
    expect(await verify.json()).toMatchObject({ ok: true });
  });

  it('says loudly that development mode lets everyone in', async () => {
    const { url, announced, log } = await serve({ auth: { mode: 'development' } });
    expect(announced.join('')).toContain('DEVELOPMENT mode: authentication is OFF');
    expect(log.text.join('\n')).toContain('AUTHENTICATION IS OFF');
    expect((await post(url, '/v1/collections', { name: 'docs', dimensions: 2 })).status).toBe(201);
  });

  it('answers CORS preflights only for allowed origins, letting them send X-API-Key', async () => {
    const { url } = await serve({
      auth: { adminApiKey: OPERATOR_KEY },
      cors: { origins: ['https://console.example'] },
    });
    const preflight = (origin: string) =>
      fetch(`${url}/v1/collections`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'x-api-key,content-type',
        },
      });
    const allowed = await preflight('https://console.example');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://console.example');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('x-api-key');
    const other = await preflight('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses plain HTTP in production mode', async () => {
    await expect(
      createServer(
        serverConfigSchema.parse({ port: 0, dataDir: join(dir.path, 'x'), requireTls: true }),
      ),
    ).rejects.toThrow(/requireTls/);
    const { url } = await serve({
      requireTls: true,
      trustProxy: true,
      auth: { adminApiKey: OPERATOR_KEY },
    });
    const plain = await fetch(`${url}/v1/collections`, {
      headers: { 'x-api-key': OPERATOR_KEY, 'x-forwarded-proto': 'http' },
    });
    expect(plain.status).toBe(403);
    expect(await plain.json()).toMatchObject({ code: 'HTTPS_REQUIRED' });
    const proxied = await fetch(`${url}/v1/collections`, {
      headers: { 'x-api-key': OPERATOR_KEY, 'x-forwarded-proto': 'https' },
    });
    expect(proxied.status).toBe(200);
  });

  describe('over TLS', () => {
    /** A CA, a server certificate for 127.0.0.1 and a client certificate, made by openssl. */
    function certificates(prefix: string) {
      const p = (name: string) => join(dir.path, `${prefix}${name}`);
      const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
      ssl(
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=test-ca',
        '-keyout',
        p('ca.key'),
        '-out',
        p('ca.pem'),
      );
      for (const [name, subject, ext] of [
        ['server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1'],
        ['client', '/CN=ingest', 'extendedKeyUsage=clientAuth'],
      ] as const) {
        writeFileSync(p(`${name}.ext`), `${ext}\n`);
        ssl(
          'req',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-subj',
          subject,
          '-keyout',
          p(`${name}.key`),
          '-out',
          p(`${name}.csr`),
        );
        signWith(p, p(`${name}.csr`), p(`${name}.ext`), p(`${name}.pem`));
      }
      return p;
    }

    /** Signs a request with the CA of `ca`. */
    function signWith(ca: (name: string) => string, csr: string, ext: string, out: string): void {
      execFileSync(
        'openssl',
        [
          'x509',
          '-req',
          '-in',
          csr,
          '-CA',
          ca('ca.pem'),
          '-CAkey',
          ca('ca.key'),
          '-CAcreateserial',
          '-days',
          '2',
          '-extfile',
          ext,
          '-out',
          out,
        ],
        { stdio: 'pipe' },
      );
    }

    function tlsGet(
      url: string,
      path: string,
      options: {
        ca: Buffer;
        cert?: Buffer;
        key?: Buffer;
        headers?: Record<string, string>;
        method?: string;
        body?: string;
      },
    ) {
      return new Promise<{ status: number; body: string; fingerprint: string }>(
        (resolve, reject) => {
          const req = httpsRequest(
            `${url}${path}`,
            {
              ca: options.ca,
              cert: options.cert,
              key: options.key,
              headers: options.headers,
              method: options.method ?? 'GET',
              agent: false,
            },
            (res) => {
              let body = '';
              res.on('data', (c: Buffer) => (body += c.toString()));
              res.on('end', () =>
                resolve({
                  status: res.statusCode ?? 0,
                  body,
                  fingerprint: (res.socket as TLSSocket).getPeerCertificate().fingerprint256,
                }),
              );
            },
          );
          req.on('error', reject);
          req.end(options.body);
        },
      );
    }

    it('serves HTTPS, maps client certificates to principals, and reloads its certificate', async () => {
      const p = certificates('');
      const { server, url } = await serve({
        auth: { adminApiKey: OPERATOR_KEY },
        tls: { certFile: p('server.pem'), keyFile: p('server.key'), clientCaFile: p('ca.pem') },
      });
      expect(url).toMatch(/^https:/);
      const ca = readFileSync(p('ca.pem'));
      const client = {
        ca,
        cert: readFileSync(p('client.pem')),
        key: readFileSync(p('client.key')),
      };

      // A certificate without a grant authenticates but may do nothing.
      expect((await tlsGet(url, '/v1/collections', client)).status).toBe(403);
      const granted = await tlsGet(url, '/v1/admin/grants', {
        ca,
        method: 'POST',
        headers: { 'x-api-key': OPERATOR_KEY, 'content-type': 'application/json' },
        body: JSON.stringify({ principal: 'cert:CN=ingest', role: 'reader' }),
      });
      expect(granted.status).toBe(200);
      const allowed = await tlsGet(url, '/v1/collections', client);
      expect(allowed.status).toBe(200);
      // Without a certificate the client must sign in another way.
      expect((await tlsGet(url, '/v1/collections', { ca })).status).toBe(401);
      expect(
        (await tlsGet(url, '/v1/collections', { ca, headers: { 'x-api-key': OPERATOR_KEY } }))
          .status,
      ).toBe(200);

      // A renewed certificate is picked up on reload, for new connections.
      const before = allowed.fingerprint;
      const renewed = certificates('renewed-');
      // Same CA for the client: keep the CA, replace only the server's files.
      signWith(p, renewed('server.csr'), p('server.ext'), p('server.pem'));
      copyFileSync(renewed('server.key'), p('server.key'));
      server.reloadTls();
      const after = await tlsGet(url, '/health', { ca });
      expect(after.status).toBe(200);
      expect(after.fingerprint).not.toBe(before);
    });
  });
});
