/**
 * The object store: one global, monotonic resourceVersion over all resources (as etcd's revision),
 * a bounded watch history per resource (a watch from a version older than the history gets 410 Gone,
 * like the API server's watch cache), and live watchers that see ADDED/MODIFIED/DELETED with the
 * selector transitions the API server applies (an object that stops matching is sent as DELETED).
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { KObject } from './json.js';
import { type ResourceDef, apiVersionOf, resourceId } from './resources.js';
import { ApiError, alreadyExists, conflict, notFound, OPTIMISTIC_LOCK_MESSAGE } from './errors.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  readonly rv: number;
  readonly resource: string;
  readonly type: WatchEventType;
  readonly object: KObject;
  /** The object before a modification; absent for ADDED and DELETED. */
  readonly previous?: KObject;
}

export interface Watcher {
  readonly namespace: string | undefined;
  readonly matches: (obj: KObject) => boolean;
  send(type: WatchEventType, obj: KObject): void;
}

class History {
  private events: StoreEvent[] = [];
  private start = 0;
  /** The newest resourceVersion no longer in the history (a watch from before it cannot be served). */
  evictedUpTo = 0;

  constructor(private readonly capacity: number) {}

  push(ev: StoreEvent): void {
    this.events.push(ev);
    if (this.events.length - this.start > this.capacity) {
      this.evictedUpTo = this.events[this.start]!.rv;
      this.start++;
      if (this.start > 4096 && this.start > this.events.length / 2) {
        this.events = this.events.slice(this.start);
        this.start = 0;
      }
    }
  }

  /** Events with rv > from, oldest first. */
  since(from: number): StoreEvent[] {
    let lo = this.start;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.events[mid]!.rv <= from) lo = mid + 1;
      else hi = mid;
    }
    return this.events.slice(lo);
  }

  compact(upTo: number): void {
    while (this.start < this.events.length && this.events[this.start]!.rv <= upTo) this.start++;
    this.evictedUpTo = Math.max(this.evictedUpTo, upTo);
  }
}

function key(namespace: string | undefined, name: string): string {
  return namespace === undefined ? name : `${namespace}/${name}`;
}

export interface StoreOptions {
  /** Events kept per resource for watches that resume from a resourceVersion (default 20,000). */
  readonly historySize?: number;
  readonly now?: () => Date;
}

export class Store {
  /** Starts above 1 so that tests do not confuse versions with counts. */
  private rv = 1000;
  private readonly tables = new Map<string, Map<string, KObject>>();
  private readonly histories = new Map<string, History>();
  private readonly watchers = new Map<string, Set<Watcher>>();
  private readonly historySize: number;
  readonly now: () => Date;
  /** Every committed write, for test-side observers (`change` with a StoreEvent). */
  readonly changes = new EventEmitter();

  constructor(opts: StoreOptions = {}) {
    this.historySize = opts.historySize ?? 20_000;
    this.now = opts.now ?? (() => new Date());
    this.changes.setMaxListeners(0);
  }

  get resourceVersion(): number {
    return this.rv;
  }

  private table(def: ResourceDef): Map<string, KObject> {
    const id = resourceId(def.group, def.version, def.plural);
    let t = this.tables.get(id);
    if (t === undefined) {
      t = new Map();
      this.tables.set(id, t);
    }
    return t;
  }

  private history(id: string): History {
    let h = this.histories.get(id);
    if (h === undefined) {
      h = new History(this.historySize);
      this.histories.set(id, h);
    }
    return h;
  }

  private commit(def: ResourceDef, type: WatchEventType, object: KObject, previous?: KObject): void {
    const id = resourceId(def.group, def.version, def.plural);
    const ev: StoreEvent =
      previous === undefined
        ? { rv: this.rv, resource: id, type, object }
        : { rv: this.rv, resource: id, type, object, previous };
    this.history(id).push(ev);
    const ws = this.watchers.get(id);
    if (ws !== undefined) for (const w of ws) deliver(w, ev);
    this.changes.emit('change', ev);
  }

  get(def: ResourceDef, namespace: string | undefined, name: string): KObject {
    const obj = this.table(def).get(key(namespace, name));
    if (obj === undefined) throw notFound(def.plural, def.group, name);
    return obj;
  }

  tryGet(def: ResourceDef, namespace: string | undefined, name: string): KObject | undefined {
    return this.table(def).get(key(namespace, name));
  }

  list(def: ResourceDef, namespace: string | undefined): KObject[] {
    const all = [...this.table(def).values()];
    return namespace === undefined ? all : all.filter((o) => o.metadata['namespace'] === namespace);
  }

  /** Stores a new object; `obj` must be a fresh copy the store may keep. */
  create(def: ResourceDef, obj: KObject): KObject {
    const ns = def.namespaced ? String(obj.metadata['namespace']) : undefined;
    const t = this.table(def);
    const k = key(ns, obj.metadata.name);
    if (t.has(k)) throw alreadyExists(def.plural, def.group, obj.metadata.name);
    const now = this.now();
    def.onCreate?.(obj, now);
    def.validate?.(obj);
    this.rv++;
    obj.apiVersion = apiVersionOf(def);
    obj.kind = def.kind;
    obj.metadata.uid = randomUUID();
    obj.metadata.resourceVersion = String(this.rv);
    obj.metadata.creationTimestamp = now.toISOString().replace(/\.\d+Z$/, 'Z');
    if (obj.metadata['generation'] === undefined) obj.metadata['generation'] = 1;
    t.set(k, obj);
    this.commit(def, 'ADDED', obj);
    return obj;
  }

  /**
   * Replaces an object with `next` (a fresh copy). When `expectedRv` is given and differs from the
   * stored version, fails with 409 as the API server's optimistic concurrency does. `knownChange`
   * skips the no-op comparison when the caller knows the object changed (a binding).
   */
  update(def: ResourceDef, next: KObject, expectedRv: string | undefined, knownChange = false): KObject {
    const ns = def.namespaced ? String(next.metadata['namespace']) : undefined;
    const t = this.table(def);
    const k = key(ns, next.metadata.name);
    const old = t.get(k);
    if (old === undefined) throw notFound(def.plural, def.group, next.metadata.name);
    if (expectedRv !== undefined && expectedRv !== '' && expectedRv !== old.metadata.resourceVersion)
      throw conflict(def.plural, def.group, next.metadata.name, OPTIMISTIC_LOCK_MESSAGE);
    def.validate?.(next);
    // Identity fields are the server's, whatever the client sent.
    next.apiVersion = old.apiVersion;
    next.kind = old.kind;
    next.metadata.uid = old.metadata.uid;
    next.metadata.creationTimestamp = old.metadata.creationTimestamp;
    if (old.metadata['deletionTimestamp'] !== undefined)
      next.metadata['deletionTimestamp'] = old.metadata['deletionTimestamp'];
    // An update that changes nothing is not a write: no new version, no watch event (as the API server).
    next.metadata.resourceVersion = old.metadata.resourceVersion;
    if (!knownChange && JSON.stringify(next) === JSON.stringify(old)) return old;
    this.rv++;
    next.metadata.resourceVersion = String(this.rv);
    t.set(k, next);
    this.commit(def, 'MODIFIED', next, old);
    return next;
  }

  /** Removes an object now (graceful deletion is the caller's business: it updates deletionTimestamp). */
  remove(def: ResourceDef, namespace: string | undefined, name: string): KObject {
    const t = this.table(def);
    const k = key(namespace, name);
    const old = t.get(k);
    if (old === undefined) throw notFound(def.plural, def.group, name);
    this.rv++;
    const gone: KObject = { ...old, metadata: { ...old.metadata, resourceVersion: String(this.rv) } };
    t.delete(k);
    this.commit(def, 'DELETED', gone);
    return gone;
  }

  /**
   * Registers a watcher from `fromRv` (undefined or 0: synthetic ADDED for every current object, then
   * live). Throws 410 Gone when the history no longer reaches back to `fromRv`.
   */
  watch(def: ResourceDef, fromRv: number | undefined, w: Watcher): () => void {
    const id = resourceId(def.group, def.version, def.plural);
    if (fromRv === undefined || fromRv === 0) {
      for (const obj of this.list(def, w.namespace)) if (w.matches(obj)) w.send('ADDED', obj);
    } else {
      const h = this.history(id);
      if (fromRv < h.evictedUpTo)
        throw new ApiError(410, 'Expired', `too old resource version: ${fromRv} (${h.evictedUpTo + 1})`);
      for (const ev of h.since(fromRv)) deliver(w, ev);
    }
    let ws = this.watchers.get(id);
    if (ws === undefined) {
      ws = new Set();
      this.watchers.set(id, ws);
    }
    ws.add(w);
    return () => ws.delete(w);
  }

  /** Forgets all watch history up to now: every watch resuming from an older version gets 410. */
  compactHistory(): void {
    for (const h of this.histories.values()) h.compact(this.rv);
  }

  watcherCount(): number {
    let n = 0;
    for (const ws of this.watchers.values()) n += ws.size;
    return n;
  }
}

function deliver(w: Watcher, ev: StoreEvent): void {
  if (w.namespace !== undefined && ev.object.metadata['namespace'] !== w.namespace) return;
  const now = w.matches(ev.object);
  if (ev.type !== 'MODIFIED' || ev.previous === undefined) {
    if (now) w.send(ev.type, ev.object);
    return;
  }
  const before = w.matches(ev.previous);
  if (before && now) w.send('MODIFIED', ev.object);
  else if (before) w.send('DELETED', ev.object);
  else if (now) w.send('ADDED', ev.object);
}
