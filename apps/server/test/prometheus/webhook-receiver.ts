import { createServer } from 'node:http';
import type { Server } from 'node:http';

/** One alert of an Alertmanager webhook notification (payload version 4). */
export interface WebhookAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

/** An Alertmanager webhook notification, as received, with the path it was posted to. */
export interface WebhookNotification {
  path: string;
  version: string;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  alerts: WebhookAlert[];
}

/**
 * An HTTP server on 127.0.0.1 (a free port) that keeps every notification Alertmanager
 * posts to it, as an operator's webhook receiver would get them.
 */
export class WebhookReceiver {
  readonly notifications: WebhookNotification[] = [];
  readonly #server: Server;
  #url = '';

  constructor() {
    this.#server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Omit<
            WebhookNotification,
            'path'
          >;
          this.notifications.push({ ...body, path: request.url ?? '' });
          response.writeHead(200).end();
        } catch {
          response.writeHead(400).end();
        }
      });
    });
  }

  /** Listens on a free port and resolves with the base URL, e.g. `http://127.0.0.1:41234`. */
  async start(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    this.#url = `http://127.0.0.1:${String(address.port)}`;
    return this.#url;
  }

  get url(): string {
    return this.#url;
  }

  async close(): Promise<void> {
    if (!this.#server.listening) return;
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
