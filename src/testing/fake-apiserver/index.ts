/**
 * A faithful fake Kubernetes API server for tests and benchmarks: real HTTP on loopback, the REST
 * paths @kubernetes/client-node uses, list and watch with resourceVersion and 410 Gone, field and
 * label selectors, the three patch formats, `pods/binding` with the API server's rules, status
 * subresources, events (core/v1 and events.k8s.io/v1), leases with optimistic concurrency, fault
 * injection, and a test-side view of the state.
 *
 *   const api = await startFakeApiServer();
 *   api.state.create('nodes', makeNode(...));            // test-side writes, no HTTP
 *   const kc = api.makeKubeConfig();                      // or KUBECONFIG=api.kubeconfigPath
 *   api.faults.dropWatches();                             // inject trouble
 *   await api.state.waitFor(() => api.state.bindings.length === 10);
 *   await api.close();
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo, Socket } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { type Json, type KObject, getPath, isObject } from './json.js';
import { Store, type StoreEvent } from './store.js';
import { type BindingRecord, type DeleteOptions, Registry } from './registry.js';
import { Faults, type RequestInfo } from './faults.js';
import { createHttpFront } from './http.js';
import { CORE_EVENTS, EVENTS_V1, LEASES, NAMESPACES, NODES, PODS, type ResourceDef } from './resources.js';
import { patchTypeOf } from './patch.js';

export type { Json, JsonObject, KObject } from './json.js';
export type { BindingRecord, DeleteOptions } from './registry.js';
export type { StoreEvent, WatchEventType } from './store.js';
export { Faults, type RequestMatch, type Verb } from './faults.js';
export { ApiError } from './errors.js';

/** Resources the test-side API names; `events.k8s.io` is the events.k8s.io/v1 Event. */
export type ResourceName = 'pods' | 'nodes' | 'namespaces' | 'events' | 'events.k8s.io' | 'leases';

const DEFS: Record<ResourceName, ResourceDef> = {
  pods: PODS,
  nodes: NODES,
  namespaces: NAMESPACES,
  events: CORE_EVENTS,
  'events.k8s.io': EVENTS_V1,
  leases: LEASES,
};

/** An event from either events API, in one shape. */
export interface RecordedEvent {
  readonly api: 'core/v1' | 'events.k8s.io/v1';
  readonly namespace: string;
  readonly reason: string;
  readonly type: string;
  readonly action: string;
  /** `note` (events.k8s.io/v1) or `message` (core/v1). */
  readonly note: string;
  readonly regarding: {
    readonly kind: string;
    readonly namespace: string;
    readonly name: string;
    readonly uid: string;
  };
  readonly reportingController: string;
  readonly reportingInstance: string;
  readonly eventTime: string;
  readonly object: KObject;
}

export interface RequestStat {
  readonly verb: string;
  readonly resource: string;
  readonly status: number;
  readonly count: number;
}

export interface FakeApiServerOptions {
  /** Port on 127.0.0.1 (default 0: any free port). */
  readonly port?: number;
  /** Watch history kept per resource; a watch from an older version gets 410 (default 20,000). */
  readonly historySize?: number;
}

export interface ClusterState {
  /** Test-side writes go through the same rules as HTTP (defaults, validation), without faults. */
  create(resource: ResourceName, obj: Json, namespace?: string): KObject;
  update(resource: ResourceName, obj: Json, opts?: { namespace?: string; status?: boolean }): KObject;
  patch(
    resource: ResourceName,
    name: string,
    contentType: string,
    patch: Json,
    opts?: { namespace?: string; status?: boolean },
  ): KObject;
  delete(resource: ResourceName, name: string, opts?: DeleteOptions & { namespace?: string }): KObject;
  get(resource: ResourceName, name: string, namespace?: string): KObject | undefined;
  list(resource: ResourceName, namespace?: string): KObject[];
  pod(namespace: string, name: string): KObject | undefined;
  node(name: string): KObject | undefined;
  /** Events from both APIs, oldest first. */
  events(): RecordedEvent[];
  /** Every successful binding, in commit order. */
  readonly bindings: readonly BindingRecord[];
  /** How many times the pod with this namespace/name was bound (more than one would be a bug). */
  bindCount(namespace: string, name: string): number;
  /** Requests served, by verb, resource and status. */
  requests(): RequestStat[];
  readonly resourceVersion: number;
  openWatches(): number;
  /** Calls `fn` on every committed write; returns the unsubscribe function. */
  onChange(fn: (ev: StoreEvent) => void): () => void;
  /** Resolves when `predicate` holds (checked on every write and every 50 ms); rejects after the timeout. */
  waitFor(predicate: () => boolean, opts?: { timeoutMs?: number; what?: string }): Promise<void>;
}

export interface FakeApiServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** A kubeconfig file pointing at the server (insecure-skip-tls-verify, a dummy token); removed on close. */
  readonly kubeconfigPath: string;
  kubeconfigYaml(): string;
  /** A fresh client-node KubeConfig for the server. */
  makeKubeConfig(): KubeConfig;
  readonly state: ClusterState;
  readonly faults: Faults;
  close(): Promise<void>;
}

function str(v: Json | undefined): string {
  return typeof v === 'string' ? v : '';
}

function recorded(obj: KObject): RecordedEvent {
  const v1 = obj.apiVersion === 'events.k8s.io/v1';
  const ref = (v1 ? obj['regarding'] : obj['involvedObject']) ?? {};
  const r = isObject(ref) ? ref : {};
  return {
    api: v1 ? 'events.k8s.io/v1' : 'core/v1',
    namespace: str(obj.metadata['namespace']),
    reason: str(obj['reason']),
    type: str(obj['type']),
    action: str(obj['action']),
    note: str(v1 ? obj['note'] : obj['message']),
    regarding: {
      kind: str(r['kind']),
      namespace: str(r['namespace']),
      name: str(r['name']),
      uid: str(r['uid']),
    },
    reportingController: v1
      ? str(obj['reportingController'])
      : str(obj['reportingComponent']) || str(getPath(obj, 'source.component')),
    reportingInstance: str(obj['reportingInstance']),
    eventTime: str(obj['eventTime']),
    object: obj,
  };
}

export async function startFakeApiServer(opts: FakeApiServerOptions = {}): Promise<FakeApiServer> {
  const store = new Store(opts.historySize === undefined ? {} : { historySize: opts.historySize });
  const registry = new Registry(store);
  registry.seedNamespaces();
  const faults = new Faults();
  const stats = new Map<string, { verb: string; resource: string; status: number; count: number }>();
  const events: RecordedEvent[] = [];
  store.changes.on('change', (ev: StoreEvent) => {
    if (ev.type === 'ADDED' && (ev.resource === 'events.k8s.io/v1/events' || ev.resource === '/v1/events'))
      events.push(recorded(ev.object));
  });
  const front = createHttpFront(registry, faults, {
    count(info: RequestInfo, status: number) {
      const k = `${info.verb} ${info.resource} ${status}`;
      const s = stats.get(k);
      if (s === undefined) stats.set(k, { verb: info.verb, resource: info.resource, status, count: 1 });
      else s.count++;
    },
  });
  const sockets = new Set<Socket>();
  front.server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((ok, fail) => {
    front.server.once('error', fail);
    front.server.listen(opts.port ?? 0, '127.0.0.1', () => ok());
  });
  const port = (front.server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const yamlText = stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'fake', cluster: { server: url, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'fake', user: { token: 'fake-token' } }],
    contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake', namespace: 'default' } }],
    'current-context': 'fake',
  });
  const dir = mkdtempSync(join(tmpdir(), 'fake-apiserver-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigPath, yamlText);

  const nsOf = (def: ResourceDef, namespace: string | undefined): string | undefined =>
    def.namespaced ? (namespace ?? 'default') : undefined;
  const bindCounts = (): Map<string, number> => {
    const m = new Map<string, number>();
    for (const b of registry.bindings)
      m.set(`${b.namespace}/${b.name}`, (m.get(`${b.namespace}/${b.name}`) ?? 0) + 1);
    return m;
  };

  const state: ClusterState = {
    create: (resource, obj, namespace) => {
      const def = DEFS[resource];
      const ns = def.namespaced
        ? (namespace ??
          (isObject(obj) && isObject(obj['metadata'])
            ? str(obj['metadata']['namespace']) || undefined
            : undefined) ??
          'default')
        : undefined;
      return registry.create(def, ns, obj);
    },
    update: (resource, obj, o = {}) => {
      const def = DEFS[resource];
      const name = isObject(obj) && isObject(obj['metadata']) ? str(obj['metadata']['name']) : '';
      return registry.update(def, nsOf(def, o.namespace), name, obj, o.status ?? false);
    },
    patch: (resource, name, contentType, patch, o = {}) => {
      const def = DEFS[resource];
      const type = patchTypeOf(contentType);
      if (type === undefined) throw new Error(`unknown patch content type ${contentType}`);
      return registry.patch(def, nsOf(def, o.namespace), name, type, patch, o.status ?? false);
    },
    delete: (resource, name, o = {}) => {
      const def = DEFS[resource];
      return registry.delete(def, nsOf(def, o.namespace), name, o);
    },
    get: (resource, name, namespace) => {
      const def = DEFS[resource];
      return store.tryGet(def, nsOf(def, namespace), name);
    },
    list: (resource, namespace) => store.list(DEFS[resource], namespace),
    pod: (namespace, name) => store.tryGet(PODS, namespace, name),
    node: (name) => store.tryGet(NODES, undefined, name),
    events: () => [...events],
    bindings: registry.bindings,
    bindCount: (namespace, name) => bindCounts().get(`${namespace}/${name}`) ?? 0,
    requests: () => [...stats.values()].map((s) => ({ ...s })),
    get resourceVersion() {
      return store.resourceVersion;
    },
    openWatches: () => front.openWatches(),
    onChange(fn) {
      store.changes.on('change', fn);
      return () => store.changes.off('change', fn);
    },
    waitFor(predicate, o = {}) {
      const timeoutMs = o.timeoutMs ?? 10_000;
      return new Promise((resolve, reject) => {
        if (predicate()) return resolve();
        const check = (): void => {
          if (!predicate()) return;
          cleanup();
          resolve();
        };
        const poll = setInterval(check, 50);
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${o.what ?? 'a condition'}`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearInterval(poll);
          clearTimeout(timer);
          store.changes.off('change', check);
        };
        store.changes.on('change', check);
      });
    },
  };

  return {
    url,
    kubeconfigPath,
    kubeconfigYaml: () => yamlText,
    makeKubeConfig() {
      const kc = new KubeConfig();
      kc.loadFromString(yamlText);
      return kc;
    },
    state,
    faults,
    async close() {
      faults.dropWatches('close');
      await new Promise<void>((ok) => {
        front.server.close(() => ok());
        for (const s of sockets) s.destroy();
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export { k8sNode, k8sPod, type NodeOptions, type PodOptions } from './objects.js';
