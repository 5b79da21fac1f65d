import { readFileSync } from 'node:fs';
import type { Server as TlsServer } from 'node:tls';

import { ApiError } from '@needle/api';
import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

import type { ServerConfig } from '../config.js';

/** The certificate, key and client CA as the TLS context wants them. */
export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  ca?: Buffer;
  requestCert: boolean;
  /** Clients without a valid certificate still connect, and sign in another way. */
  rejectUnauthorized: false;
}

/** Reads the TLS files of the config; a missing or unreadable file says which. */
export function readTlsMaterial(tls: NonNullable<ServerConfig['tls']>): TlsMaterial {
  const read = (file: string, what: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new Error(`cannot read the TLS ${what} ${file}: ${(err as Error).message}`);
    }
  };
  return {
    cert: read(tls.certFile, 'certificate'),
    key: read(tls.keyFile, 'key'),
    ...(tls.clientCaFile ? { ca: read(tls.clientCaFile, 'client CA') } : {}),
    requestCert: tls.clientCaFile !== undefined,
    rejectUnauthorized: false,
  };
}

/** Re-reads the certificate files into the running server (on SIGHUP): new connections use them. */
export function reloadTls(app: FastifyInstance, tls: NonNullable<ServerConfig['tls']>): void {
  const material = readTlsMaterial(tls);
  (app.server as unknown as TlsServer).setSecureContext({
    cert: material.cert,
    key: material.key,
    ...(material.ca ? { ca: material.ca } : {}),
  });
}

/**
 * Refuses to serve plain HTTP in production mode (`requireTls`): without TLS here, the server
 * only starts behind a proxy it trusts, and then answers 403 `HTTPS_REQUIRED` to requests the
 * proxy received over plain HTTP.
 */
export function checkTransport(config: ServerConfig): void {
  if (config.requireTls && !config.tls && !config.trustProxy) {
    throw new Error(
      'requireTls is on but no TLS is configured: set tls.certFile and tls.keyFile, or run behind a TLS-terminating proxy with trustProxy',
    );
  }
}

export function registerTransportPolicy(app: FastifyInstance, config: ServerConfig): void {
  if (config.requireTls && !config.tls) {
    app.addHook('onRequest', async (request) => {
      if (request.protocol !== 'https') {
        throw new ApiError(
          403,
          'HTTPS_REQUIRED',
          'this server accepts only HTTPS',
          'Call the server with https:// (the proxy in front of it received this request over plain HTTP).',
        );
      }
    });
  }
}

/**
 * CORS for an explicit allow-list of origins (none by default: browsers on other origins get
 * no CORS headers and cannot read answers). Allowed origins may send `X-API-Key` and
 * `Authorization`, and read the request id and rate-limit headers.
 */
export async function registerCors(
  app: FastifyInstance,
  origins: readonly string[],
): Promise<void> {
  if (origins.length === 0) return;
  await app.register(cors, {
    origin: [...origins],
    methods: ['GET', 'POST', 'DELETE'],
    allowedHeaders: ['content-type', 'x-api-key', 'authorization', 'x-request-id'],
    exposedHeaders: [
      'x-request-id',
      'x-ratelimit-limit',
      'x-ratelimit-remaining',
      'x-ratelimit-reset',
      'retry-after',
    ],
    maxAge: 600,
  });
}
