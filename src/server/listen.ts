import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { WardenApp } from './app.js';

export interface Listening {
  readonly url: string;
  readonly port: number;
  /** Stops accepting, lets acknowledged work finish, then closes open connections. */
  close(): Promise<void>;
}

/** `127.0.0.1:8700`, `localhost:0`, `[::1]:8700` or a bare port. */
export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-f:]+)\]|([A-Za-z0-9.-]+))?:?(\d{1,5})$/i.exec(text.trim());
  const port = m ? Number(m[3]) : Number.NaN;
  if (!m || !(port >= 0 && port <= 65535)) throw new Error(`--listen: expected HOST:PORT, got '${text}'`);
  return { host: m[1] ?? m[2] ?? '127.0.0.1', port };
}

export function listen(w: WardenApp, host: string, port: number): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: w.app.fetch, hostname: host, port }, (info: AddressInfo) => {
      const shown = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${shown}:${info.port}`,
        port: info.port,
        close: async () => {
          await new Promise<void>((done) => {
            server.close(() => done());
            (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
          });
          await w.ctx.queue.idle();
        },
      });
    });
    server.once('error', reject);
    // Slow-loris and oversized headers: bounded by Node's own limits, made explicit here.
    const s = server as { headersTimeout?: number; requestTimeout?: number; keepAliveTimeout?: number };
    s.headersTimeout = 10_000;
    s.requestTimeout = 60_000;
    s.keepAliveTimeout = 5_000;
  });
}
