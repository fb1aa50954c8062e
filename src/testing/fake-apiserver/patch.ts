/**
 * The three patch formats the API server accepts on JSON resources:
 * - JSON Patch (RFC 6902, `application/json-patch+json`), with RFC 6901 pointers (`~1` is `/`, `~0` is `~`);
 * - JSON Merge Patch (RFC 7386, `application/merge-patch+json`): lists are replaced whole;
 * - strategic merge patch (`application/strategic-merge-patch+json`): lists that Kubernetes declares
 *   with a patch merge key (conditions by `type`, containers by `name`, ...) are merged element-wise,
 *   so patching one pod condition leaves the others alone. `$patch: delete|replace` directives and
 *   `$setElementOrder/` hints are understood; other lists are replaced, as the API server does.
 */
import { type Json, type JsonObject, isObject, clone } from './json.js';

export class PatchError extends Error {
  constructor(
    message: string,
    /** HTTP status the API server answers with: 422 for a failed test or a bad path, 400 for bad syntax. */
    readonly status: 400 | 422,
  ) {
    super(message);
  }
}

// ---- RFC 6902 ----

function decodePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/'))
    throw new PatchError(`invalid JSON pointer '${pointer}': must start with '/'`, 422);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(
  doc: Json,
  tokens: string[],
  pointer: string,
): { parent: JsonObject | Json[]; key: string } {
  let cur: Json = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(t)] ?? null;
    else if (isObject(cur)) cur = cur[t] ?? null;
    else cur = null;
    if (cur === null) throw new PatchError(`JSON patch path '${pointer}': parent does not exist`, 422);
  }
  if (!Array.isArray(cur) && !isObject(cur))
    throw new PatchError(`JSON patch path '${pointer}': parent is not a container`, 422);
  return { parent: cur, key: tokens[tokens.length - 1]! };
}

function arrayIndex(arr: Json[], key: string, pointer: string, forInsert: boolean): number {
  if (forInsert && key === '-') return arr.length;
  if (!/^(0|[1-9][0-9]*)$/.test(key))
    throw new PatchError(`JSON patch path '${pointer}': bad array index`, 422);
  const i = Number(key);
  if (i > arr.length || (!forInsert && i === arr.length))
    throw new PatchError(`JSON patch path '${pointer}': index out of range`, 422);
  return i;
}

function getAt(doc: Json, pointer: string): Json {
  let cur: Json | undefined = doc;
  for (const t of decodePointer(pointer)) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isObject(cur)) cur = Object.prototype.hasOwnProperty.call(cur, t) ? cur[t] : undefined;
    else cur = undefined;
    if (cur === undefined) throw new PatchError(`JSON patch path '${pointer}' does not exist`, 422);
  }
  return cur;
}

function removeAt(doc: Json, pointer: string): Json {
  const tokens = decodePointer(pointer);
  if (tokens.length === 0) throw new PatchError('cannot remove the whole document', 422);
  const { parent, key } = parentOf(doc, tokens, pointer);
  if (Array.isArray(parent)) {
    const i = arrayIndex(parent, key, pointer, false);
    return parent.splice(i, 1)[0]!;
  }
  if (!Object.prototype.hasOwnProperty.call(parent, key))
    throw new PatchError(`JSON patch path '${pointer}' does not exist`, 422);
  const old = parent[key]!;
  Reflect.deleteProperty(parent, key);
  return old;
}

function addAt(doc: Json, pointer: string, value: Json): Json {
  const tokens = decodePointer(pointer);
  if (tokens.length === 0) return value;
  const { parent, key } = parentOf(doc, tokens, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, pointer, true), 0, value);
  else parent[key] = value;
  return doc;
}

function deepEqual(a: Json, b: Json): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(v: Json): Json {
  if (Array.isArray(v)) return v.map(canonical);
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const k of Object.keys(v).sort()) out[k] = canonical(v[k]!);
    return out;
  }
  return v;
}

export function applyJsonPatch(target: Json, patch: Json): Json {
  if (!Array.isArray(patch)) throw new PatchError('a JSON patch must be an array of operations', 400);
  let doc = clone(target);
  for (const op of patch) {
    if (!isObject(op) || typeof op['op'] !== 'string' || typeof op['path'] !== 'string')
      throw new PatchError('each JSON patch operation needs string fields op and path', 400);
    const path = op['path'];
    const value = op['value'];
    const from = typeof op['from'] === 'string' ? op['from'] : undefined;
    switch (op['op']) {
      case 'add':
        if (value === undefined) throw new PatchError(`JSON patch add at '${path}' has no value`, 400);
        doc = addAt(doc, path, clone(value));
        break;
      case 'remove':
        removeAt(doc, path);
        break;
      case 'replace':
        if (value === undefined) throw new PatchError(`JSON patch replace at '${path}' has no value`, 400);
        if (decodePointer(path).length === 0) doc = clone(value);
        else {
          removeAt(doc, path);
          doc = addAt(doc, path, clone(value));
        }
        break;
      case 'move': {
        if (from === undefined) throw new PatchError(`JSON patch move to '${path}' has no from`, 400);
        const v = removeAt(doc, from);
        doc = addAt(doc, path, v);
        break;
      }
      case 'copy':
        if (from === undefined) throw new PatchError(`JSON patch copy to '${path}' has no from`, 400);
        doc = addAt(doc, path, clone(getAt(doc, from)));
        break;
      case 'test':
        if (value === undefined || !deepEqual(getAt(doc, path), value))
          throw new PatchError(`JSON patch test failed at '${path}'`, 422);
        break;
      default:
        throw new PatchError(`unknown JSON patch operation '${String(op['op'])}'`, 400);
    }
  }
  return doc;
}

// ---- RFC 7386 ----

export function applyMergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) Reflect.deleteProperty(out, k);
    else out[k] = applyMergePatch(out[k] ?? null, v);
  }
  return out;
}

// ---- strategic merge patch ----

/**
 * Patch merge keys of the core/v1 lists declared `patchStrategy:"merge"` (kubernetes/api
 * core/v1/types.go), by field name. Lists of primitives declared merge (finalizers) are unioned.
 */
const MERGE_KEYS: Readonly<Record<string, string>> = {
  conditions: 'type',
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  env: 'name',
  ports: 'containerPort',
  addresses: 'type',
  taints: 'key',
  ownerReferences: 'uid',
  imagePullSecrets: 'name',
  resourceClaims: 'name',
  schedulingGates: 'name',
};
const MERGED_PRIMITIVE_LISTS = new Set(['finalizers']);

function mergeList(field: string, target: Json[], patch: Json[]): Json[] {
  const key = MERGE_KEYS[field];
  if (MERGED_PRIMITIVE_LISTS.has(field)) {
    const out = [...target];
    for (const v of patch) if (!out.some((o) => deepEqual(o, v))) out.push(v);
    return out;
  }
  if (key === undefined) return patch.map((v) => stripDirectives(v));
  const out = target.map((v) => v);
  for (const item of patch) {
    if (!isObject(item))
      throw new PatchError(`strategic merge patch: list '${field}' needs objects with '${key}'`, 400);
    if (item['$patch'] === 'replace')
      return patch.filter((p) => !(isObject(p) && p['$patch'] === 'replace')).map(stripDirectives);
    const id = item[key];
    const at = out.findIndex((o) => isObject(o) && deepEqual(o[key] ?? null, id ?? null));
    if (item['$patch'] === 'delete') {
      if (at >= 0) out.splice(at, 1);
    } else if (at >= 0) out[at] = applyStrategicMergePatch(out[at]!, item);
    else out.push(stripDirectives(item));
  }
  return out;
}

function stripDirectives(v: Json): Json {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) {
    if (k.startsWith('$')) continue;
    if (x === null) continue;
    out[k] = stripDirectives(x);
  }
  return out;
}

export function applyStrategicMergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  if (patch['$patch'] === 'replace') return stripDirectives(patch);
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$setElementOrder/') || k === '$patch' || k === '$retainKeys') continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const cur = out[field];
      if (Array.isArray(cur) && Array.isArray(v))
        out[field] = cur.filter((c) => !v.some((d) => deepEqual(c, d)));
      continue;
    }
    if (v === null) Reflect.deleteProperty(out, k);
    else if (Array.isArray(v)) out[k] = mergeList(k, Array.isArray(out[k]) ? (out[k] as Json[]) : [], v);
    else if (isObject(v)) {
      if (v['$patch'] === 'delete') Reflect.deleteProperty(out, k);
      else out[k] = applyStrategicMergePatch(out[k] ?? null, v);
    } else out[k] = v;
  }
  return out;
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export function patchTypeOf(contentType: string | undefined): PatchType | undefined {
  const ct = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  switch (ct) {
    case 'application/json-patch+json':
      return 'json';
    case 'application/merge-patch+json':
      return 'merge';
    case 'application/strategic-merge-patch+json':
      return 'strategic';
    case 'application/apply-patch+yaml':
      return 'apply';
    default:
      return undefined;
  }
}

export function applyPatch(type: Exclude<PatchType, 'apply'>, target: Json, patch: Json): Json {
  switch (type) {
    case 'json':
      return applyJsonPatch(target, patch);
    case 'merge':
      return applyMergePatch(target, patch);
    case 'strategic':
      return applyStrategicMergePatch(target, patch);
  }
}
