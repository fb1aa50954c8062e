/**
 * The HTTP front of the fake API server: Kubernetes REST paths, list and chunked watch streams,
 * `metav1.Status` errors, request accounting and fault injection.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { type Json, type JsonObject, type KObject, isObject } from './json.js';
import { ApiError, badRequest, conflict, OPTIMISTIC_LOCK_MESSAGE } from './errors.js';
import { type ResourceDef, RESOURCES, apiVersionOf, fieldValue, findResource, PODS } from './resources.js';
import {
  SelectorError,
  fieldMatcher,
  labelMatcher,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors.js';
import { type Faults, type RequestInfo, type Verb } from './faults.js';
import { type DeleteOptions, type Registry, statusSuccess } from './registry.js';
import { patchTypeOf } from './patch.js';
import type { WatchEventType } from './store.js';

/** The API server's default request body limit (3 MiB). */
const MAX_BODY = 3 * 1024 * 1024;

interface Route {
  readonly def: ResourceDef;
  readonly namespace: string | undefined;
  readonly name: string | undefined;
  readonly subresource: string | undefined;
}

/** Parses `/api/v1/...` and `/apis/<group>/<version>/...` into a route, or undefined when unknown. */
function route(pathname: string): Route | undefined {
  const parts = pathname
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 2) {
    group = '';
    version = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 3) {
    group = parts[1]!;
    version = parts[2]!;
    rest = parts.slice(3);
  } else return undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    // Namespaced: namespaces/{ns}/{plural}[/{name}[/{sub}]]; also the legacy `bindings` collection.
    const ns = rest[1]!;
    const plural = rest[2]!;
    if (group === '' && plural === 'bindings' && rest.length === 3)
      return { def: PODS, namespace: ns, name: undefined, subresource: 'binding' };
    const def = findResource(group, version, plural);
    if (def !== undefined && def.namespaced && rest.length <= 5)
      return { def, namespace: ns, name: rest[3], subresource: rest[4] };
    if (!(group === '' && (rest[2] === 'status' || rest[2] === 'finalize') && rest.length === 3))
      return undefined;
  }
  const def = findResource(group, version, rest[0] ?? '');
  if (def === undefined || rest.length > 3) return undefined;
  return { def, namespace: undefined, name: rest[1], subresource: rest[2] };
}

function verbOf(method: string, r: Route, watch: boolean): Verb | undefined {
  const item = r.name !== undefined;
  switch (method) {
    case 'GET':
      return item ? 'get' : watch ? 'watch' : 'list';
    case 'POST':
      return item && r.subresource !== 'binding' ? undefined : 'create';
    case 'PUT':
      return item ? 'update' : undefined;
    case 'PATCH':
      return item ? 'patch' : undefined;
    case 'DELETE':
      return item ? 'delete' : 'deletecollection';
    default:
      return undefined;
  }
}

function send(res: ServerResponse, code: number, body: Json): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, err: ApiError): void {
  send(res, err.code, err.toStatus());
}

async function readBody(req: IncomingMessage): Promise<Json | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > MAX_BODY)
      throw new ApiError(413, 'BadRequest', `request entity too large: limit is ${MAX_BODY} bytes`);
    chunks.push(b);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json;
  } catch (err) {
    throw badRequest(`the body of the request could not be decoded as JSON: ${(err as Error).message}`);
  }
}

const serialized = new WeakMap<KObject, string>();
function objectJson(obj: KObject): string {
  let s = serialized.get(obj);
  if (s === undefined) {
    s = JSON.stringify(obj);
    serialized.set(obj, s);
  }
  return s;
}

function compileSelectors(def: ResourceDef, q: URLSearchParams): (obj: KObject) => boolean {
  const fieldReqs = parseFieldSelector(q.get('fieldSelector') ?? '', new Set(def.fields));
  const labelReqs = parseLabelSelector(q.get('labelSelector') ?? '');
  const fm = fieldMatcher(fieldReqs);
  const lm = labelMatcher(labelReqs);
  if (fieldReqs.length === 0 && labelReqs.length === 0) return () => true;
  return (obj) => {
    const labels = obj.metadata['labels'];
    return fm((f) => fieldValue(obj, f)) && lm(isObject(labels) ? labels : {});
  };
}

export interface RequestCounter {
  count(info: RequestInfo, status: number): void;
}

export interface HttpFront {
  readonly server: Server;
  openWatches(): number;
}

interface OpenWatch {
  readonly res: ServerResponse;
  readonly socket: Socket;
  end(): void;
}

export function createHttpFront(registry: Registry, faults: Faults, counter: RequestCounter): HttpFront {
  const store = registry.store;
  const watches = new Set<OpenWatch>();

  faults.watchControl = {
    dropWatches(mode = 'close') {
      const all = [...watches];
      for (const w of all) {
        if (mode === 'reset') w.socket.destroy();
        else w.end();
      }
      return all.length;
    },
    expireWatches() {
      const all = [...watches];
      for (const w of all) {
        w.res.write(
          JSON.stringify({
            type: 'ERROR',
            object: new ApiError(410, 'Expired', 'too old resource version').toStatus(),
          }) + '\n',
        );
        w.end();
      }
      store.compactHistory();
      return all.length;
    },
  };

  function startWatch(req: IncomingMessage, res: ServerResponse, r: Route, q: URLSearchParams): void {
    const match = compileSelectors(r.def, q);
    const rvParam = q.get('resourceVersion');
    const fromRv = rvParam === null || rvParam === '' ? undefined : Number(rvParam);
    if (fromRv !== undefined && !Number.isFinite(fromRv))
      throw badRequest(`invalid resource version: ${rvParam}`);
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Transfer-Encoding': 'chunked',
      'Cache-Control': 'no-cache',
    });
    res.flushHeaders();
    let cancel: (() => void) | undefined;
    let timer: NodeJS.Timeout | undefined;
    const w: OpenWatch = {
      res,
      socket: req.socket,
      end() {
        if (!watches.delete(w)) return;
        cancel?.();
        if (timer !== undefined) clearTimeout(timer);
        res.end();
      },
    };
    watches.add(w);
    // Events committed in the same tick go out in one write (as a buffered writer would), so that a
    // burst of thousands of writes does not cost thousands of syscalls on both sides.
    let corked = false;
    const sendEvent = (type: WatchEventType, obj: KObject): void => {
      if (!corked) {
        corked = true;
        res.cork();
        setImmediate(() => {
          corked = false;
          res.uncork();
        });
      }
      res.write(`{"type":"${type}","object":${objectJson(obj)}}\n`);
    };
    try {
      cancel = store.watch(r.def, fromRv, { namespace: r.namespace, matches: match, send: sendEvent });
    } catch (err) {
      // The watch cache answers a too-old version with 200 and a single ERROR event, then closes.
      if (err instanceof ApiError) {
        res.write(JSON.stringify({ type: 'ERROR', object: err.toStatus() }) + '\n');
        w.end();
        return;
      }
      throw err;
    }
    res.on('close', () => w.end());
    const timeout = Number(q.get('timeoutSeconds') ?? '0');
    if (timeout > 0) timer = setTimeout(() => w.end(), timeout * 1000);
  }

  function list(r: Route, q: URLSearchParams): JsonObject {
    const match = compileSelectors(r.def, q);
    let items = store.list(r.def, r.namespace).filter(match);
    items.sort((a, b) =>
      String(a.metadata['namespace'] ?? '') + '/' + a.metadata.name <
      String(b.metadata['namespace'] ?? '') + '/' + b.metadata.name
        ? -1
        : 1,
    );
    const meta: JsonObject = { resourceVersion: String(store.resourceVersion) };
    const limit = Number(q.get('limit') ?? '0');
    const cont = q.get('continue');
    const offset = cont !== null && cont !== '' ? Number(Buffer.from(cont, 'base64url').toString('utf8')) : 0;
    if (!Number.isInteger(offset) || offset < 0) throw badRequest('invalid continue token');
    if (offset > 0) items = items.slice(offset);
    if (limit > 0 && items.length > limit) {
      meta['continue'] = Buffer.from(String(offset + limit), 'utf8').toString('base64url');
      meta['remainingItemCount'] = items.length - limit;
      items = items.slice(0, limit);
    }
    return { kind: `${r.def.kind}List`, apiVersion: apiVersionOf(r.def), metadata: meta, items };
  }

  function deleteOptions(body: Json | undefined, q: URLSearchParams): DeleteOptions {
    const o = isObject(body) ? body : {};
    const out: { gracePeriodSeconds?: number; preconditions?: { uid?: string; resourceVersion?: string } } =
      {};
    const g =
      o['gracePeriodSeconds'] ??
      (q.get('gracePeriodSeconds') !== null ? Number(q.get('gracePeriodSeconds')) : undefined);
    if (typeof g === 'number') out.gracePeriodSeconds = g;
    const p = o['preconditions'];
    if (isObject(p)) {
      const pre: { uid?: string; resourceVersion?: string } = {};
      if (typeof p['uid'] === 'string') pre.uid = p['uid'];
      if (typeof p['resourceVersion'] === 'string') pre.resourceVersion = p['resourceVersion'];
      out.preconditions = pre;
    }
    return out;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const q = url.searchParams;
    const method = req.method ?? 'GET';
    if (method === 'GET' && discovery(url.pathname, res)) return;
    const r = route(url.pathname);
    const watch = q.get('watch') === 'true' || q.get('watch') === '1';
    const verb = r === undefined ? undefined : verbOf(method, r, watch);
    if (r === undefined || verb === undefined) {
      sendError(
        res,
        new ApiError(
          404,
          'NotFound',
          `the server could not find the requested resource (${method} ${url.pathname})`,
        ),
      );
      return;
    }
    const resource = r.subresource === undefined ? r.def.plural : `${r.def.plural}/${r.subresource}`;
    const info: RequestInfo = { verb, resource, namespace: r.namespace, name: r.name };
    let status = 200;
    try {
      const delay = faults.latencyFor(info);
      if (delay > 0) await new Promise((ok) => setTimeout(ok, delay));
      const injected = faults.takeFailure(info);
      if (injected !== undefined)
        throw new ApiError(
          injected,
          injected === 409 ? 'Conflict' : 'InternalError',
          `injected failure (${injected}) for ${verb} ${resource}`,
        );
      if (r.subresource !== undefined && r.subresource !== 'status' && r.subresource !== 'binding')
        throw new ApiError(404, 'NotFound', `the server could not find the requested resource (${resource})`);
      if (r.subresource === 'status' && !r.def.hasStatus)
        throw new ApiError(404, 'NotFound', `${r.def.plural} have no status subresource`);
      const body = method === 'GET' ? undefined : await readBody(req);
      switch (verb) {
        case 'watch':
          startWatch(req, res, r, q);
          return;
        case 'list':
          send(res, 200, list(r, q));
          return;
        case 'get':
          send(res, 200, registry.get(r.def, r.namespace, r.name!));
          return;
        case 'create':
          if (r.subresource === 'binding') {
            if (faults.takeBindConflict()) throw conflict('pods', '', r.name ?? '', OPTIMISTIC_LOCK_MESSAGE);
            registry.bind(r.namespace!, r.name, body ?? null);
            status = 201;
            send(res, 201, statusSuccess());
            return;
          }
          status = 201;
          send(res, 201, registry.create(r.def, r.namespace, body ?? null, true));
          return;
        case 'update':
          send(
            res,
            200,
            registry.update(r.def, r.namespace, r.name!, body ?? null, r.subresource === 'status', true),
          );
          return;
        case 'patch': {
          const type = patchTypeOf(req.headers['content-type']);
          if (type === undefined)
            throw new ApiError(
              415,
              'UnsupportedMediaType',
              `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`,
            );
          send(
            res,
            200,
            registry.patch(r.def, r.namespace, r.name!, type, body ?? null, r.subresource === 'status'),
          );
          return;
        }
        case 'delete':
          send(res, 200, registry.delete(r.def, r.namespace, r.name!, deleteOptions(body, q)));
          return;
        case 'deletecollection': {
          const match = compileSelectors(r.def, q);
          const opts = deleteOptions(body, q);
          const gone = store
            .list(r.def, r.namespace)
            .filter(match)
            .map((o) =>
              registry.delete(
                r.def,
                r.namespace ?? (o.metadata['namespace'] as string | undefined),
                o.metadata.name,
                opts,
              ),
            );
          send(res, 200, {
            kind: `${r.def.kind}List`,
            apiVersion: apiVersionOf(r.def),
            metadata: {},
            items: gone,
          });
          return;
        }
      }
    } catch (err) {
      const apiErr =
        err instanceof ApiError
          ? err
          : err instanceof SelectorError
            ? badRequest(err.message)
            : new ApiError(500, 'InternalError', `internal error: ${(err as Error).message}`);
      status = apiErr.code;
      if (!res.headersSent) sendError(res, apiErr);
      else res.end();
    } finally {
      counter.count(info, status);
    }
  }

  function discovery(pathname: string, res: ServerResponse): boolean {
    switch (pathname) {
      case '/version':
        send(res, 200, { major: '1', minor: '34', gitVersion: 'v1.34.0-fake', platform: 'linux/amd64' });
        return true;
      case '/healthz':
      case '/readyz':
      case '/livez':
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('ok');
        return true;
      case '/api':
        send(res, 200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
        return true;
      case '/apis': {
        const groups = [
          ...new Set(RESOURCES.filter((d) => d.group !== '').map((d) => `${d.group}/${d.version}`)),
        ].map((gv) => {
          const [group, version] = gv.split('/') as [string, string];
          const v = { groupVersion: gv, version };
          return { name: group, versions: [v], preferredVersion: v };
        });
        send(res, 200, { kind: 'APIGroupList', apiVersion: 'v1', groups });
        return true;
      }
    }
    const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(pathname);
    if (m === null) return false;
    const group = m[2] ?? '';
    const version = m[1] ?? m[3]!;
    const defs = RESOURCES.filter((d) => d.group === group && d.version === version);
    if (defs.length === 0) return false;
    const resources = defs.flatMap((d) => [
      {
        name: d.plural,
        singularName: '',
        namespaced: d.namespaced,
        kind: d.kind,
        verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      },
      ...(d.hasStatus
        ? [
            {
              name: `${d.plural}/status`,
              singularName: '',
              namespaced: d.namespaced,
              kind: d.kind,
              verbs: ['get', 'patch', 'update'],
            },
          ]
        : []),
      ...(d === PODS
        ? [{ name: 'pods/binding', singularName: '', namespaced: true, kind: 'Binding', verbs: ['create'] }]
        : []),
    ]);
    send(res, 200, {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: group === '' ? version : `${group}/${version}`,
      resources,
    });
    return true;
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, new ApiError(500, 'InternalError', String(err)));
    });
  });
  server.keepAliveTimeout = 60_000;
  return { server, openWatches: () => watches.size };
}
