/**
 * REST semantics on top of the store, shared by the HTTP front and the test-side API: create with
 * defaults and namespace checks, update and status update (each keeps the other half of the object,
 * as the API server's status strategies do), patches, graceful pod deletion and `pods/binding`.
 */
import { type Json, type JsonObject, type KObject, isObject, clone, child, getPath } from './json.js';
import { ApiError, badRequest, conflict, invalid, notFound } from './errors.js';
import { type PatchType, applyPatch, PatchError } from './patch.js';
import { type ResourceDef, NAMESPACES, PODS } from './resources.js';
import type { Store } from './store.js';

export interface BindingRecord {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly node: string;
  /** Wall-clock milliseconds when the binding was committed. */
  readonly at: number;
  readonly resourceVersion: string;
}

export interface DeleteOptions {
  readonly gracePeriodSeconds?: number;
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
}

function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z');
}

export class Registry {
  readonly bindings: BindingRecord[] = [];

  constructor(readonly store: Store) {}

  /** `owned`: the body was just decoded from a request and may be kept as is (no copy). */
  private asObject(
    def: ResourceDef,
    body: Json,
    namespace: string | undefined,
    urlName?: string,
    owned = false,
  ): KObject {
    if (!isObject(body)) throw badRequest(`the body of the request must be a JSON ${def.kind} object`);
    const obj = owned ? body : clone(body);
    const meta = child(obj, 'metadata');
    if (def.namespaced) {
      const bodyNs = meta['namespace'];
      if (typeof bodyNs === 'string' && bodyNs !== '' && namespace !== undefined && bodyNs !== namespace)
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      meta['namespace'] = namespace ?? (typeof bodyNs === 'string' ? bodyNs : 'default');
    } else delete meta['namespace'];
    if (urlName !== undefined) {
      if (meta['name'] !== undefined && meta['name'] !== urlName)
        throw badRequest(
          `the name of the object (${String(meta['name'])}) does not match the name on the URL (${urlName})`,
        );
      meta['name'] = urlName;
    }
    return obj as KObject;
  }

  create(def: ResourceDef, namespace: string | undefined, body: Json, owned = false): KObject {
    const obj = this.asObject(def, body, namespace, undefined, owned);
    const meta = obj.metadata;
    if (typeof meta.name !== 'string' || meta.name === '') {
      const gen = meta['generateName'];
      if (typeof gen !== 'string' || gen === '')
        throw invalid(def.kind, '', 'metadata.name: Required value: name or generateName is required');
      meta.name = gen + Math.random().toString(36).slice(2, 7);
    }
    if (def.namespaced && this.store.tryGet(NAMESPACES, undefined, String(meta['namespace'])) === undefined)
      throw notFound('namespaces', '', String(meta['namespace']));
    delete meta['deletionTimestamp'];
    return this.store.create(def, obj);
  }

  get(def: ResourceDef, namespace: string | undefined, name: string): KObject {
    return this.store.get(def, namespace, name);
  }

  /** PUT on the main resource (`status` false) or on the status subresource. */
  update(
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    body: Json,
    status: boolean,
    owned = false,
  ): KObject {
    const next = this.asObject(def, body, namespace, name, owned);
    return this.commitUpdate(def, this.store.get(def, namespace, name), next, status);
  }

  patch(
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    body: Json,
    status: boolean,
  ): KObject {
    if (type === 'apply')
      throw new ApiError(
        415,
        'UnsupportedMediaType',
        'server-side apply is not supported by this API server',
      );
    const old = this.store.get(def, namespace, name);
    let patched: Json;
    try {
      patched = applyPatch(type, old, body);
    } catch (err) {
      if (err instanceof PatchError)
        throw err.status === 400 ? badRequest(err.message) : invalid(def.kind, name, err.message);
      throw err;
    }
    const next = this.asObject(def, patched, namespace, name);
    return this.commitUpdate(def, old, next, status);
  }

  private commitUpdate(def: ResourceDef, old: KObject, next: KObject, status: boolean): KObject {
    const expectedRv = next.metadata.resourceVersion;
    if (def.hasStatus) {
      if (status) {
        // Status strategies: only the status changes (spec and metadata are the stored ones).
        const merged: KObject = { ...old, metadata: { ...old.metadata }, status: next['status'] ?? {} };
        return this.store.update(def, merged, expectedRv);
      }
      if (old['status'] !== undefined) next['status'] = old['status'];
      else delete next['status'];
    }
    if (!status) def.validateUpdate?.(old, next);
    if (JSON.stringify(old['spec'] ?? null) !== JSON.stringify(next['spec'] ?? null))
      next.metadata['generation'] = Number(old.metadata['generation'] ?? 1) + 1;
    else if (old.metadata['generation'] !== undefined)
      next.metadata['generation'] = old.metadata['generation'];
    const updated = this.store.update(def, next, expectedRv);
    return this.finishDeletionIfReleased(def, updated);
  }

  /** An object pending deletion goes once its last finalizer is removed and no grace period runs. */
  private finishDeletionIfReleased(def: ResourceDef, obj: KObject): KObject {
    const finalizers = obj.metadata['finalizers'];
    const pending = obj.metadata['deletionTimestamp'] !== undefined;
    const empty = !Array.isArray(finalizers) || finalizers.length === 0;
    if (pending && empty && obj.metadata['deletionGracePeriodSeconds'] === 0)
      return this.store.remove(
        def,
        def.namespaced ? String(obj.metadata['namespace']) : undefined,
        obj.metadata.name,
      );
    return obj;
  }

  delete(def: ResourceDef, namespace: string | undefined, name: string, opts: DeleteOptions): KObject {
    const old = this.store.get(def, namespace, name);
    const pre = opts.preconditions;
    if (pre?.uid !== undefined && pre.uid !== old.metadata.uid)
      throw conflict(
        def.plural,
        def.group,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`,
      );
    if (pre?.resourceVersion !== undefined && pre.resourceVersion !== old.metadata.resourceVersion)
      throw conflict(
        def.plural,
        def.group,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`,
      );
    let grace = 0;
    if (def === PODS) {
      // pod strategy CheckGracefulDelete: unscheduled or terminated pods go at once; bound pods wait
      // for their kubelet (here: for a delete with gracePeriodSeconds=0).
      const phase = getPath(old, 'status.phase');
      const bound = typeof getPath(old, 'spec.nodeName') === 'string' && getPath(old, 'spec.nodeName') !== '';
      const specGrace = getPath(old, 'spec.terminationGracePeriodSeconds');
      grace = opts.gracePeriodSeconds ?? (typeof specGrace === 'number' ? specGrace : 30);
      if (!bound || phase === 'Succeeded' || phase === 'Failed') grace = 0;
    }
    const finalizers = old.metadata['finalizers'];
    const hasFinalizers = Array.isArray(finalizers) && finalizers.length > 0;
    if (grace > 0 || hasFinalizers) {
      const next = clone(old);
      const already = old.metadata['deletionTimestamp'];
      next.metadata['deletionTimestamp'] =
        typeof already === 'string' ? already : rfc3339(new Date(this.store.now().getTime() + grace * 1000));
      next.metadata['deletionGracePeriodSeconds'] = grace;
      if (grace === 0 && !hasFinalizers) return this.store.remove(def, namespace, name);
      return this.store.update(def, next, undefined);
    }
    return this.store.remove(def, namespace, name);
  }

  /**
   * `POST pods/{name}/binding` with the rules of pkg/registry/core/pod/storage BindingREST: name in
   * URL and body agree; metadata.uid / resourceVersion are preconditions; a pod being deleted, already
   * bound or still gated cannot be bound (409). On success: spec.nodeName, annotations, PodScheduled=True.
   */
  bind(namespace: string, urlName: string | undefined, body: Json): KObject {
    if (!isObject(body)) throw badRequest('the body of the request must be a JSON Binding object');
    const meta = isObject(body['metadata']) ? body['metadata'] : {};
    const name = typeof meta['name'] === 'string' ? meta['name'] : undefined;
    if (urlName !== undefined && name !== undefined && name !== urlName)
      throw badRequest('name in URL does not match name in Binding object');
    const podName = urlName ?? name;
    if (podName === undefined || podName === '')
      throw invalid('Binding', '', 'metadata.name: Required value');
    const target = isObject(body['target']) ? body['target'] : {};
    const node = target['name'];
    if (typeof node !== 'string' || node === '')
      throw invalid('Binding', podName, 'target.name: Required value');
    const kind = target['kind'];
    if (kind !== undefined && kind !== null && kind !== '' && kind !== 'Node')
      throw invalid(
        'Binding',
        podName,
        `target.kind: Invalid value: "${String(kind)}": must be empty or 'Node'`,
      );
    const pod = this.store.get(PODS, namespace, podName);
    const uid = meta['uid'];
    if (typeof uid === 'string' && uid !== '' && uid !== pod.metadata.uid)
      throw conflict(
        'pods',
        '',
        podName,
        `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${pod.metadata.uid}`,
      );
    const rv = meta['resourceVersion'];
    if (typeof rv === 'string' && rv !== '' && rv !== pod.metadata.resourceVersion)
      throw conflict('pods', '', podName, OPTIMISTIC_PRECONDITION(rv, pod.metadata.resourceVersion));
    if (pod.metadata['deletionTimestamp'] !== undefined)
      throw conflict(
        'pods/binding',
        '',
        podName,
        `pod ${podName} is being deleted, cannot be assigned to a host`,
      );
    const current = getPath(pod, 'spec.nodeName');
    if (typeof current === 'string' && current !== '')
      throw conflict('pods/binding', '', podName, `pod ${podName} is already assigned to node "${current}"`);
    const gates = getPath(pod, 'spec.schedulingGates');
    if (Array.isArray(gates) && gates.length > 0)
      throw conflict('pods/binding', '', podName, `pod ${podName} has non-empty .spec.schedulingGates`);

    // Copy-on-write of the parts that change (stored objects are never mutated; the rest is shared).
    const next: KObject = {
      ...pod,
      metadata: { ...pod.metadata },
      spec: { ...(isObject(pod['spec']) ? pod['spec'] : {}), nodeName: node },
    };
    const annotations = meta['annotations'];
    if (isObject(annotations)) {
      const old = next.metadata['annotations'];
      next.metadata['annotations'] = { ...(isObject(old) ? old : {}), ...annotations };
    }
    const status: JsonObject = { ...(isObject(pod['status']) ? pod['status'] : {}) };
    next['status'] = status;
    const conditions: Json[] = Array.isArray(status['conditions'])
      ? status['conditions'].filter((c) => !(isObject(c) && c['type'] === 'PodScheduled'))
      : [];
    conditions.push({
      type: 'PodScheduled',
      status: 'True',
      lastProbeTime: null,
      lastTransitionTime: rfc3339(this.store.now()),
    });
    status['conditions'] = conditions;
    const bound = this.store.update(PODS, next, undefined, true);
    this.bindings.push({
      namespace,
      name: podName,
      uid: pod.metadata.uid,
      node,
      at: Date.now(),
      resourceVersion: bound.metadata.resourceVersion,
    });
    return bound;
  }

  /** Seeds the namespaces every cluster has. */
  seedNamespaces(): void {
    for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease'])
      if (this.store.tryGet(NAMESPACES, undefined, name) === undefined)
        this.create(NAMESPACES, undefined, { metadata: { name } });
  }
}

function OPTIMISTIC_PRECONDITION(expected: string, actual: string): string {
  return `Precondition failed: ResourceVersion in precondition: ${expected}, ResourceVersion in object meta: ${actual}`;
}

export function statusSuccess(): JsonObject {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
}
