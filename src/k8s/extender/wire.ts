/**
 * kube-scheduler's extender wire format (k8s.io/kube-scheduler/extender/v1), parsed and validated at
 * the edge. The Go structs carry no json tags, so keys are the Go field names in PascalCase, and Go's
 * decoder matches them case-insensitively: we accept any casing and always answer in PascalCase,
 * with nil fields written as `null` exactly as Go marshals them. The embedded Pod and Node objects are
 * ordinary Kubernetes JSON (camelCase), usually without apiVersion/kind, with `null` for nil slices.
 */

/** A JSON object as it came off the wire. */
export type JsonObject = { readonly [key: string]: unknown };

/** kube-scheduler's MaxExtenderPriority: prioritize answers must stay within 0..10 (it does not clamp). */
export const MAX_EXTENDER_PRIORITY = 10;

export interface ExtenderArgs {
  /** The pod being scheduled, as Kubernetes JSON. */
  readonly pod: JsonObject;
  /** Full-NodeList mode (`nodeCacheCapable: false`): the candidate Node objects, in request order. */
  readonly nodes?: readonly JsonObject[];
  /** Node-cache mode (`nodeCacheCapable: true`): the candidate node names, in request order. */
  readonly nodeNames?: readonly string[];
}

export interface ExtenderBindingArgs {
  readonly podName: string;
  readonly podNamespace: string;
  readonly podUID: string;
  readonly node: string;
}

export interface HostPriority {
  readonly Host: string;
  readonly Score: number;
}

export type Parsed<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

const fail = (error: string): { ok: false; error: string } => ({ ok: false, error });

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads `key` as Go's decoder would: the exact key first, else the first key equal ignoring case. */
export function goField(obj: JsonObject, key: string): unknown {
  if (Object.prototype.hasOwnProperty.call(obj, key)) return obj[key];
  const lower = key.toLowerCase();
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return obj[k];
  return undefined;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function metadataName(obj: JsonObject): string | undefined {
  const meta = obj['metadata'];
  if (!isObject(meta)) return undefined;
  const name = meta['name'];
  return typeof name === 'string' && name !== '' ? name : undefined;
}

function validatePod(pod: unknown): string | undefined {
  if (!isObject(pod)) return `Pod: expected a Pod object, got ${describe(pod)}`;
  if (metadataName(pod) === undefined) return 'Pod.metadata.name: expected a non-empty string';
  const spec = pod['spec'];
  if (spec === undefined || spec === null) return undefined; // a pod without spec requests nothing
  if (!isObject(spec)) return `Pod.spec: expected an object, got ${describe(spec)}`;
  for (const list of ['containers', 'initContainers'] as const) {
    const containers = spec[list];
    if (containers === undefined || containers === null) continue;
    if (!Array.isArray(containers)) return `Pod.spec.${list}: expected an array, got ${describe(containers)}`;
    for (const [i, c] of containers.entries()) {
      if (!isObject(c)) return `Pod.spec.${list}[${i}]: expected an object, got ${describe(c)}`;
      const resources = c['resources'];
      if (resources !== undefined && resources !== null && !isObject(resources)) {
        return `Pod.spec.${list}[${i}].resources: expected an object, got ${describe(resources)}`;
      }
    }
  }
  return undefined;
}

/** Parses the body of a `filter` or `prioritize` call. */
export function parseExtenderArgs(body: unknown): Parsed<ExtenderArgs> {
  if (!isObject(body)) return fail(`ExtenderArgs: expected a JSON object, got ${describe(body)}`);
  const pod = goField(body, 'Pod');
  const podError = validatePod(pod);
  if (podError !== undefined) return fail(podError);
  const podObj = pod as JsonObject;

  // kube-scheduler sends NodeNames when nodeCacheCapable, Nodes otherwise; if both came we trust the
  // names (the cheaper, authoritative form in cache mode) and answer in the same form.
  const names = goField(body, 'NodeNames');
  if (names !== undefined && names !== null) {
    if (!Array.isArray(names)) return fail(`NodeNames: expected an array of strings, got ${describe(names)}`);
    const seen = new Set<string>();
    for (const [i, n] of names.entries()) {
      if (typeof n !== 'string' || n === '') return fail(`NodeNames[${i}]: expected a non-empty string`);
      if (seen.has(n)) return fail(`NodeNames[${i}]: node '${n}' is listed twice`);
      seen.add(n);
    }
    return { ok: true, value: { pod: podObj, nodeNames: names as string[] } };
  }
  const list = goField(body, 'Nodes');
  if (list !== undefined && list !== null) {
    if (!isObject(list)) return fail(`Nodes: expected a NodeList object, got ${describe(list)}`);
    const items = list['items'] ?? goField(list, 'items');
    if (items === null || items === undefined) return { ok: true, value: { pod: podObj, nodes: [] } };
    if (!Array.isArray(items)) return fail(`Nodes.items: expected an array, got ${describe(items)}`);
    const seen = new Set<string>();
    for (const [i, n] of items.entries()) {
      if (!isObject(n)) return fail(`Nodes.items[${i}]: expected a Node object, got ${describe(n)}`);
      const name = metadataName(n);
      if (name === undefined) return fail(`Nodes.items[${i}].metadata.name: expected a non-empty string`);
      if (seen.has(name)) return fail(`Nodes.items[${i}]: node '${name}' is listed twice`);
      seen.add(name);
    }
    return { ok: true, value: { pod: podObj, nodes: items as JsonObject[] } };
  }
  return fail('ExtenderArgs: neither NodeNames (nodeCacheCapable) nor Nodes was given');
}

/** Parses the body of a `bind` call. */
export function parseBindingArgs(body: unknown): Parsed<ExtenderBindingArgs> {
  if (!isObject(body)) return fail(`ExtenderBindingArgs: expected a JSON object, got ${describe(body)}`);
  const out: Record<string, string> = {};
  for (const key of ['PodName', 'PodNamespace', 'PodUID', 'Node'] as const) {
    const v = goField(body, key);
    if (typeof v !== 'string' || (v === '' && key !== 'PodUID')) {
      return fail(`ExtenderBindingArgs.${key}: expected a non-empty string, got ${describe(v)}`);
    }
    out[key] = v;
  }
  return {
    ok: true,
    value: {
      podName: out['PodName']!,
      podNamespace: out['PodNamespace']!,
      podUID: out['PodUID']!,
      node: out['Node']!,
    },
  };
}

/** The outcome of a filter call, before serialisation. */
export interface FilterOutcome {
  /** Names of the nodes that pass, in request order. */
  readonly passed: readonly string[];
  /** May fit once resources free up (e.g. not enough free EPC now): preemption may help. */
  readonly failed: ReadonlyMap<string, string>;
  /** Will not fit whatever happens (no SGX, taint, selector): preemption is pointless. */
  readonly unresolvable: ReadonlyMap<string, string>;
}

function toRecord(m: ReadonlyMap<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of m) out[k] = v;
  return out;
}

/**
 * ExtenderFilterResult, answered in the form the request came in: NodeNames for NodeNames (the
 * scheduler checks each returned name was in its input), otherwise a NodeList echoing the request's
 * own Node objects (the scheduler uses the returned items as they are). Field order follows the Go
 * struct; an empty map is `{}`, as Go writes a non-nil empty map.
 */
export function filterResultJson(args: ExtenderArgs, outcome: FilterOutcome): string {
  let nodes: { metadata: JsonObject; items: JsonObject[] } | null = null;
  let nodeNames: string[] | null = null;
  if (args.nodeNames !== undefined) {
    nodeNames = [...outcome.passed];
  } else {
    const pass = new Set(outcome.passed);
    const items = (args.nodes ?? []).filter((n) => pass.has(metadataName(n) ?? ''));
    nodes = { metadata: {}, items };
  }
  return JSON.stringify({
    Nodes: nodes,
    NodeNames: nodeNames,
    FailedNodes: toRecord(outcome.failed),
    FailedAndUnresolvableNodes: toRecord(outcome.unresolvable),
    Error: '',
  });
}

/** ExtenderFilterResult carrying only an error: kube-scheduler fails the pod's cycle with this text. */
export function filterErrorJson(error: string): string {
  return JSON.stringify({
    Nodes: null,
    NodeNames: null,
    FailedNodes: null,
    FailedAndUnresolvableNodes: null,
    Error: error,
  });
}

/** HostPriorityList: a bare JSON array of {Host, Score}, Score an integer in 0..10. */
export function priorityListJson(list: readonly HostPriority[]): string {
  return JSON.stringify(list.map((h) => ({ Host: h.Host, Score: h.Score })));
}

/** ExtenderBindingResult. */
export function bindingResultJson(error: string): string {
  return JSON.stringify({ Error: error });
}

/**
 * Maps a core score in 0..100 to the extender scale 0..10. Rounded to the nearest integer (the Go
 * type is int64) and clamped, because kube-scheduler multiplies by weight x 10 without clamping.
 */
export function toExtenderScore(score100: number): number {
  if (!Number.isFinite(score100) || score100 <= 0) return 0;
  return Math.min(MAX_EXTENDER_PRIORITY, Math.round(score100 / (100 / MAX_EXTENDER_PRIORITY)));
}

/** The node names of the request, in request order, whichever form it used. */
export function candidateNames(args: ExtenderArgs): readonly string[] {
  if (args.nodeNames !== undefined) return args.nodeNames;
  return (args.nodes ?? []).map((n) => metadataName(n)!);
}
