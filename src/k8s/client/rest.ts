/**
 * A lean JSON client for the hot-path writes (bindings, events, status patches): one keep-alive
 * connection pool, the kubeconfig's TLS material and credentials, and no model (de)serialisation.
 * client-node's generated API costs several times more CPU per call (object serialiser, fetch
 * streams), which at thousands of bindings per second is most of a scheduler's time. Credentials are
 * re-read from the kubeconfig every 30 s, so rotating tokens keep working.
 * Errors have client-node's shape: `code` (HTTP status) and `body` (the Status text).
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

export class RestError extends Error {
  constructor(
    readonly code: number,
    readonly body: string,
    method: string,
    path: string,
  ) {
    super(`HTTP ${code} on ${method} ${path}: ${body.slice(0, 300)}`);
    this.name = 'RestError';
  }
}

interface Prepared {
  readonly url: URL;
  readonly headers: OutgoingHttpHeaders;
  readonly agent: HttpAgent | HttpsAgent;
  readonly at: number;
}

const REFRESH_MS = 30_000;

export class RestClient {
  private prepared: Prepared | undefined;
  private preparing: Promise<Prepared> | undefined;
  private agent: HttpAgent | HttpsAgent | undefined;

  constructor(
    private readonly kc: KubeConfig,
    private readonly opts: { maxSockets?: number; timeoutMs?: number } = {},
  ) {}

  private async prepare(): Promise<Prepared> {
    const cluster = this.kc.getCurrentCluster();
    if (cluster === null) throw new Error('kubeconfig has no current cluster');
    const o: Record<string, unknown> & { headers?: Record<string, string> } = {};
    await this.kc.applyToHTTPSOptions(o as Parameters<KubeConfig['applyToHTTPSOptions']>[0]);
    const url = new URL(cluster.server);
    const headers: OutgoingHttpHeaders = { Accept: 'application/json', ...(o.headers ?? {}) };
    if (typeof o['auth'] === 'string')
      headers['Authorization'] = `Basic ${Buffer.from(o['auth']).toString('base64')}`;
    if (this.agent === undefined) {
      // The idle/response timeout lives on the sockets (set once per connection, not per request).
      const common = {
        keepAlive: true,
        maxSockets: this.opts.maxSockets ?? 64,
        timeout: this.opts.timeoutMs ?? 30_000,
      };
      this.agent =
        url.protocol === 'https:'
          ? new HttpsAgent({
              ...common,
              ...(o['ca'] === undefined ? {} : { ca: o['ca'] as Buffer }),
              ...(o['cert'] === undefined ? {} : { cert: o['cert'] as Buffer }),
              ...(o['key'] === undefined ? {} : { key: o['key'] as Buffer }),
              ...(cluster.skipTLSVerify === true ? { rejectUnauthorized: false } : {}),
              ...(cluster.tlsServerName === undefined ? {} : { servername: cluster.tlsServerName }),
            })
          : new HttpAgent(common);
    }
    return { url, headers, agent: this.agent, at: Date.now() };
  }

  private async ready(): Promise<Prepared> {
    const p = this.prepared;
    if (p !== undefined && Date.now() - p.at < REFRESH_MS) return p;
    this.preparing ??= this.prepare().finally(() => {
      this.preparing = undefined;
    });
    this.prepared = await this.preparing;
    return this.prepared;
  }

  /** Sends a JSON body; resolves to the parsed answer, rejects with RestError on a non-2xx status. */
  async send(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<unknown> {
    const p = await this.ready();
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: OutgoingHttpHeaders = { ...p.headers };
    if (payload !== undefined) {
      headers['Content-Type'] = contentType;
      headers['Content-Length'] = Buffer.byteLength(payload);
    }
    const req = (p.url.protocol === 'https:' ? httpsRequest : httpRequest)({
      protocol: p.url.protocol,
      hostname: p.url.hostname,
      port: p.url.port,
      path: p.url.pathname.replace(/\/$/, '') + path,
      method,
      headers,
      agent: p.agent,
    });
    return await new Promise<unknown>((resolve, reject) => {
      req.on('timeout', () =>
        req.destroy(new Error(`timed out after ${this.opts.timeoutMs ?? 30_000} ms: ${method} ${path}`)),
      );
      req.on('error', reject);
      req.on('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status < 200 || status >= 300) return reject(new RestError(status, text, method, path));
          try {
            resolve(text === '' ? undefined : (JSON.parse(text) as unknown));
          } catch {
            resolve(text);
          }
        });
      });
      req.end(payload);
    });
  }

  close(): void {
    this.agent?.destroy();
  }
}
