import { setTimeout as delay } from 'node:timers/promises';
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { DEFAULT_MAX_BODY_BYTES } from './limits.js';
import { ExtenderMetrics } from './metrics.js';

export { DEFAULT_MAX_BODY_BYTES } from './limits.js';
import type { ExtenderResult, ExtenderVerb } from './metrics.js';
import {
  bindingResultJson,
  filterErrorJson,
  filterResultJson,
  parseBindingArgs,
  parseExtenderArgs,
  priorityListJson,
} from './wire.js';
import type { ExtenderArgs, ExtenderBindingArgs, FilterOutcome, HostPriority } from './wire.js';

/** Decisions for filter and prioritize: pure and synchronous (they read an in-memory snapshot). */
export interface ExtenderDecider {
  filter(args: ExtenderArgs): FilterOutcome;
  prioritize(args: ExtenderArgs): readonly HostPriority[];
}

/** Binds a pod (only when the extender is configured with a bindVerb). Rejects with a readable Error. */
export interface ExtenderBinder {
  bind(args: ExtenderBindingArgs): Promise<void>;
}

export type LogFn = (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;

export interface ExtenderServerOptions {
  readonly decider: ExtenderDecider;
  readonly binder?: ExtenderBinder;
  /** Loopback by default; the Deployment passes 0.0.0.0. */
  readonly host?: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  /** Path before the verb, as in the scheduler's urlPrefix: '/' serves /filter, '/sgx' serves /sgx/filter. */
  readonly urlPrefix?: string;
  /** Largest accepted request body. A full NodeList of 500 nodes is about 2 MiB. */
  readonly maxBodyBytes?: number;
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  /** Readiness (e.g. the node cache has synced): /readyz answers 503 with the reason while not ready. */
  readonly readiness?: () => { ready: boolean; reason?: string };
  readonly metrics?: ExtenderMetrics;
  readonly log?: LogFn;
  /** Called after each protocol answer with its duration in milliseconds (benchmarks, tests). */
  readonly onAnswered?: (verb: ExtenderVerb, ms: number) => void;
}

export interface RunningExtender {
  /** Base URL, e.g. http://127.0.0.1:41234/sgx (no trailing slash). */
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  readonly metrics: ExtenderMetrics;
  /**
   * Stops taking part, gracefully: /readyz answers 503 at once (so that the Service drops this
   * endpoint), requests are still answered for `graceMs` (those routed here before the endpoint
   * update reaches kube-scheduler), then the server stops taking connections and ends once the
   * requests in flight are answered, or after `graceMs` more.
   */
  drain(graceMs: number): Promise<void>;
  /** Stops at once, dropping connections (tests, and after a drain). */
  close(): Promise<void>;
}

type BodyResult = { ok: true; body: unknown } | { ok: false; error: string; tooLarge: boolean };

/** Reads and parses a JSON body, refusing to buffer more than `limit` bytes. */
function readJson(req: IncomingMessage, limit: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      resolve({ ok: false, tooLarge: true, error: tooLargeMessage(declared, limit) });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        chunks.length = 0;
        resolve({ ok: false, tooLarge: true, error: tooLargeMessage(size, limit) });
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', (err) => {
      if (done) return;
      done = true;
      resolve({ ok: false, tooLarge: false, error: `reading the request failed: ${err.message}` });
    });
    // A client that goes away mid-body: settle (nobody reads the answer) instead of waiting forever.
    req.on('close', () => {
      if (done || req.complete) return;
      done = true;
      resolve({
        ok: false,
        tooLarge: false,
        error: 'the client closed the connection before the body ended',
      });
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') {
        resolve({ ok: false, tooLarge: false, error: 'empty request body: expected a JSON object' });
        return;
      }
      try {
        resolve({ ok: true, body: JSON.parse(text) as unknown });
      } catch (err) {
        resolve({ ok: false, tooLarge: false, error: `malformed JSON body: ${(err as Error).message}` });
      }
    });
  });
}

function tooLargeMessage(size: number, limit: number): string {
  return `request body too large: ${size} bytes or more, the limit is ${limit} bytes (--max-body-bytes)`;
}

function normalisePrefix(prefix: string): string {
  const trimmed = prefix.replace(/\/+$/, '');
  return trimmed === '' ? '' : trimmed.startsWith('/') ? trimmed : '/' + trimmed;
}

/** Starts the extender's HTTP(S) server: the protocol verbs, /healthz, /readyz and /metrics. */
export async function startExtenderServer(opts: ExtenderServerOptions): Promise<RunningExtender> {
  const prefix = normalisePrefix(opts.urlPrefix ?? '/');
  const limit = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const metrics = opts.metrics ?? new ExtenderMetrics();
  /** Set by `drain`: /readyz says so while requests are still answered. */
  let draining = false;
  const log: LogFn = opts.log ?? (() => undefined);
  const verbs = new Map<string, ExtenderVerb>([
    [`${prefix}/filter`, 'filter'],
    [`${prefix}/prioritize`, 'prioritize'],
    [`${prefix}/bind`, 'bind'],
  ]);

  const send = (res: ServerResponse, status: number, body: string, type = 'application/json'): void => {
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  };

  const handleVerb = async (verb: ExtenderVerb, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = process.hrtime.bigint();
    let result: ExtenderResult = 'ok';
    // filter has its own result type; prioritize has none (a bare array), so its errors use the
    // {"Error": ...} shape too: kube-scheduler ignores prioritize failures, but logs stay readable.
    const errorBody = (msg: string): string =>
      verb === 'filter' ? filterErrorJson(msg) : bindingResultJson(msg);
    // Protocol answers are always HTTP 200: kube-scheduler turns any other status into an opaque
    // "code <n>" error, while a 200 with Error set carries our message into its logs and events.
    const answer = (body: string): void => {
      send(res, 200, body);
      metrics.requests.inc({ verb, result });
      const ns = Number(process.hrtime.bigint() - started);
      metrics.duration.observe({ verb }, ns / 1e9);
      opts.onAnswered?.(verb, ns / 1e6);
    };
    const parsed = await readJson(req, limit);
    if (!parsed.ok) {
      result = 'rejected';
      log('warn', `${verb}: ${parsed.error}`, { verb, remote: req.socket.remoteAddress });
      if (parsed.tooLarge) {
        // Stop reading: answer, then close the connection rather than draining a huge body.
        res.setHeader('Connection', 'close');
        res.on('finish', () => req.socket.destroySoon());
      }
      answer(errorBody(parsed.error));
      return;
    }
    try {
      if (verb === 'bind') {
        const args = parseBindingArgs(parsed.body);
        if (!args.ok) {
          result = 'rejected';
          answer(bindingResultJson(args.error));
          return;
        }
        if (opts.binder === undefined) {
          result = 'rejected';
          answer(
            bindingResultJson('this extender does not bind: start it with --bind, or leave bindVerb empty'),
          );
          return;
        }
        await opts.binder.bind(args.value);
        answer(bindingResultJson(''));
        return;
      }
      const args = parseExtenderArgs(parsed.body);
      if (!args.ok) {
        result = 'rejected';
        log('warn', `${verb}: malformed request: ${args.error}`, { verb });
        answer(errorBody(args.error));
        return;
      }
      if (verb === 'filter') {
        const outcome = opts.decider.filter(args.value);
        metrics.nodes.inc({ outcome: 'passed' }, outcome.passed.length);
        metrics.nodes.inc({ outcome: 'failed' }, outcome.failed.size);
        metrics.nodes.inc({ outcome: 'unresolvable' }, outcome.unresolvable.size);
        answer(filterResultJson(args.value, outcome));
      } else {
        answer(priorityListJson(opts.decider.prioritize(args.value)));
      }
    } catch (err) {
      // A bug or an API failure must not take the server down: the scheduler gets the message.
      result = 'error';
      const msg = err instanceof Error ? err.message : String(err);
      log('error', `${verb} failed: ${msg}`, { verb, stack: err instanceof Error ? err.stack : undefined });
      answer(errorBody(`${verb} failed: ${msg}`));
    }
  };

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const verb = verbs.get(path);
    if (verb !== undefined) {
      if (req.method !== 'POST') {
        res.setHeader('Allow', 'POST');
        send(res, 405, bindingResultJson(`${path} accepts POST only`));
        return;
      }
      void handleVerb(verb, req, res);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(
        res,
        404,
        bindingResultJson(`no extender verb at ${path}: expected ${[...verbs.keys()].join(', ')}`),
      );
      return;
    }
    if (path === '/healthz') {
      send(res, 200, 'ok\n', 'text/plain; charset=utf-8');
    } else if (path === '/readyz') {
      const r = draining
        ? { ready: false, reason: 'shutting down' }
        : (opts.readiness?.() ?? { ready: true });
      send(
        res,
        r.ready ? 200 : 503,
        (r.ready ? 'ok' : `not ready: ${r.reason ?? 'starting'}`) + '\n',
        'text/plain; charset=utf-8',
      );
    } else if (path === '/metrics') {
      metrics.registry.metrics().then(
        (text) => send(res, 200, text, metrics.registry.contentType),
        (err: unknown) => send(res, 500, `metrics failed: ${String(err)}\n`, 'text/plain; charset=utf-8'),
      );
    } else {
      send(
        res,
        404,
        `not found: ${path} (try ${prefix}/filter, /healthz, /readyz, /metrics)\n`,
        'text/plain; charset=utf-8',
      );
    }
  };

  const server: Server =
    opts.tls !== undefined
      ? createHttpsServer({ cert: opts.tls.cert, key: opts.tls.key }, handler)
      : createHttpServer(handler);
  // kube-scheduler keeps connections alive between calls; keep ours open a little longer than Go's idle timeout.
  server.keepAliveTimeout = 95_000;
  server.headersTimeout = 100_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const scheme = opts.tls !== undefined ? 'https' : 'http';
  return {
    url: `${scheme}://${host}:${addr.port}${prefix}`,
    port: addr.port,
    server,
    metrics,
    async drain(graceMs: number) {
      draining = true;
      await delay(graceMs);
      await new Promise<void>((resolve) => {
        // Idle keep-alive connections close now; busy ones once their answer is sent.
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), graceMs).unref();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
