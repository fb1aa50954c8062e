/** `/metrics`, `/healthz` and `/readyz` of the scheduler, on one small HTTP server. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface HealthSource {
  readonly ready: boolean;
  readonly healthy: boolean;
  readonly registry: Registry;
}

export interface HealthServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startHealthServer(
  source: HealthSource,
  host: string,
  port: number,
): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const text = (code: number, body: string, type = 'text/plain; charset=utf-8'): void => {
      res.writeHead(code, { 'Content-Type': type });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return text(405, 'method not allowed\n');
    switch (path) {
      case '/healthz':
      case '/livez':
        return source.healthy ? text(200, 'ok\n') : text(503, 'leader lease not renewed for too long\n');
      case '/readyz':
        return source.ready ? text(200, 'ok\n') : text(503, 'caches not synced\n');
      case '/metrics':
        source.registry.metrics().then(
          (body) => text(200, body, source.registry.contentType),
          (err: unknown) => text(500, String(err)),
        );
        return;
      default:
        return text(404, 'not found: try /metrics, /healthz or /readyz\n');
    }
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => ok());
  });
  const addr = server.address() as AddressInfo;
  const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${shownHost}:${addr.port}`,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}
