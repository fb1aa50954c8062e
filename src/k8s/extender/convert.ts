/**
 * Pods and nodes from the extender's wire JSON to the core's views. The JSON is the plain Kubernetes
 * form kube-scheduler embeds (camelCase, `null` for nil slices, no apiVersion/kind, quantities as
 * strings), so this reads it defensively and names the field of any value it cannot use.
 */
import {
  effectiveRequest,
  epcBytesFromResource,
  EPC_RESOURCE_NAMES,
  isEpcResourceName,
  parseBytes,
  parseMillis,
  ZERO_RESOURCES,
} from '../../core/index.js';
import type {
  ContainerRequest,
  EpcResourceName,
  NodeSpec,
  PodView,
  Resources,
  Taint,
  TaintEffect,
  Toleration,
} from '../../core/index.js';
import type { JsonObject } from './wire.js';

/** A field that could not be read: `path` says where (`Pod.spec.containers[0].resources.requests.cpu`). */
export class ConversionError extends Error {
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`${path}: ${detail}`);
    this.name = 'ConversionError';
  }
}

export interface ConvertOptions {
  /**
   * The EPC resource nodes advertise. Nodes are read with this name first, then any other known EPC
   * name, so a mixed cluster (Intel's plugin on some nodes, ours on others) still works.
   */
  readonly epcResource: EpcResourceName;
  /** A node label that marks SGX nodes even before their EPC resource is advertised, e.g. NFD's. */
  readonly sgxLabel?: { readonly key: string; readonly value: string };
}

function obj(v: unknown): JsonObject | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as JsonObject) : undefined;
}

function list(v: unknown, path: string): readonly unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new ConversionError(path, 'expected an array');
  return v;
}

function strings(v: unknown, path: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  const o = obj(v);
  if (o === undefined) throw new ConversionError(path, 'expected a map of strings');
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(o)) {
    if (typeof val !== 'string') throw new ConversionError(`${path}.${k}`, 'expected a string');
    out[k] = val;
  }
  return out;
}

function quantityText(v: unknown, path: string): string {
  // Go marshals resource.Quantity as a string; accept plain numbers from hand-written requests.
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  throw new ConversionError(path, 'expected a quantity string such as "500m" or "64Mi"');
}

/** A ResourceList: names to quantity strings. */
function quantities(v: unknown, path: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  const o = obj(v);
  if (o === undefined) throw new ConversionError(path, 'expected a map of resource names to quantities');
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(o)) out[k] = quantityText(val, `${path}.${k}`);
  return out;
}

function amount(parse: (text: string) => number, text: string, path: string): number {
  try {
    return parse(text);
  } catch (err) {
    throw new ConversionError(path, err instanceof Error ? err.message : String(err));
  }
}

/** Reads a ResourceList (cpu, memory, any EPC name) into core units; `epc` says whether EPC was named. */
function resourceList(
  v: unknown,
  path: string,
  preferredEpc?: EpcResourceName,
): { resources: Resources; epc: boolean } {
  const map = quantities(v, path);
  const cpu = map['cpu'];
  const memory = map['memory'];
  let epcName: EpcResourceName | undefined;
  if (preferredEpc !== undefined && map[preferredEpc] !== undefined) epcName = preferredEpc;
  else epcName = EPC_RESOURCE_NAMES.find((n) => map[n] !== undefined);
  const resources: Resources = {
    cpuMillis: cpu === undefined ? 0 : amount(parseMillis, cpu, `${path}.cpu`),
    memoryBytes: memory === undefined ? 0 : amount(parseBytes, memory, `${path}.memory`),
    epcBytes:
      epcName === undefined
        ? 0
        : amount((t) => epcBytesFromResource(epcName, t), map[epcName]!, `${path}["${epcName}"]`),
  };
  return { resources, epc: epcName !== undefined };
}

function containerRequest(c: unknown, path: string): { request: ContainerRequest; sgx: boolean } {
  const container = obj(c);
  if (container === undefined) throw new ConversionError(path, 'expected a container object');
  const res = obj(container['resources']);
  if (res === undefined) return { request: { request: ZERO_RESOURCES }, sgx: false };
  // The API server defaults requests to limits for resources given only as limits (always the
  // case for extended resources); read limits where requests are silent, as that defaulting does.
  const requests = quantities(res['requests'], `${path}.resources.requests`);
  const limits = quantities(res['limits'], `${path}.resources.limits`);
  for (const [k, val] of Object.entries(limits)) if (requests[k] === undefined) requests[k] = val;
  const { resources, epc } = resourceList(requests, `${path}.resources.requests`);
  return { request: { request: resources }, sgx: epc };
}

function tolerations(v: unknown, path: string): Toleration[] {
  return list(v, path).map((t, i) => {
    const o = obj(t);
    if (o === undefined) throw new ConversionError(`${path}[${i}]`, 'expected a toleration object');
    const out: { key?: string; operator?: 'Exists' | 'Equal'; value?: string; effect?: TaintEffect } = {};
    if (typeof o['key'] === 'string' && o['key'] !== '') out.key = o['key'];
    if (o['operator'] === 'Exists' || o['operator'] === 'Equal') out.operator = o['operator'];
    if (typeof o['value'] === 'string') out.value = o['value'];
    if (o['effect'] === 'NoSchedule' || o['effect'] === 'PreferNoSchedule' || o['effect'] === 'NoExecute') {
      out.effect = o['effect'];
    }
    return out;
  });
}

/** A Pod as kube-scheduler sends it, as the core's PodView. Throws ConversionError naming the field. */
export function podFromJson(pod: JsonObject): PodView {
  const meta = obj(pod['metadata']) ?? {};
  const spec = obj(pod['spec']) ?? {};
  const name = typeof meta['name'] === 'string' ? meta['name'] : '';
  const namespace =
    typeof meta['namespace'] === 'string' && meta['namespace'] !== '' ? meta['namespace'] : 'default';
  const uid = typeof meta['uid'] === 'string' && meta['uid'] !== '' ? meta['uid'] : `${namespace}/${name}`;
  let sgx = false;
  const containers = list(spec['containers'], 'Pod.spec.containers').map((c, i) => {
    const r = containerRequest(c, `Pod.spec.containers[${i}]`);
    sgx ||= r.sgx;
    return r.request;
  });
  const initContainers = list(spec['initContainers'], 'Pod.spec.initContainers').map((c, i) => {
    const r = containerRequest(c, `Pod.spec.initContainers[${i}]`);
    sgx ||= r.sgx;
    return r.request;
  });
  const overhead =
    spec['overhead'] === undefined || spec['overhead'] === null
      ? undefined
      : resourceList(spec['overhead'], 'Pod.spec.overhead').resources;
  const request = effectiveRequest({
    containers,
    initContainers,
    ...(overhead === undefined ? {} : { overhead }),
  });
  const priority = typeof spec['priority'] === 'number' ? spec['priority'] : 0;
  return {
    uid,
    namespace,
    name,
    request,
    sgx,
    priority,
    nodeSelector: strings(spec['nodeSelector'], 'Pod.spec.nodeSelector'),
    tolerations: tolerations(spec['tolerations'], 'Pod.spec.tolerations'),
  };
}

function taints(v: unknown, path: string): Taint[] {
  return list(v, path).map((t, i) => {
    const o = obj(t);
    const effect = o?.['effect'];
    if (o === undefined || typeof o['key'] !== 'string') {
      throw new ConversionError(`${path}[${i}]`, 'expected a taint with a key');
    }
    if (effect !== 'NoSchedule' && effect !== 'PreferNoSchedule' && effect !== 'NoExecute') {
      throw new ConversionError(`${path}[${i}].effect`, 'expected NoSchedule, PreferNoSchedule or NoExecute');
    }
    return typeof o['value'] === 'string' && o['value'] !== ''
      ? { key: o['key'], value: o['value'], effect }
      : { key: o['key'], effect };
  });
}

/** A Node as the core's NodeSpec. `label` names the object in errors (e.g. `Nodes.items[3]`). */
export function nodeFromJson(node: JsonObject, opts: ConvertOptions, label = 'Node'): NodeSpec {
  const meta = obj(node['metadata']) ?? {};
  const spec = obj(node['spec']) ?? {};
  const status = obj(node['status']) ?? {};
  const name = typeof meta['name'] === 'string' ? meta['name'] : '';
  const cap = resourceList(status['capacity'], `${label}.status.capacity`, opts.epcResource);
  // A node that reports no allocatable yet (just registered) has nothing to give.
  const alloc =
    status['allocatable'] === undefined || status['allocatable'] === null
      ? { resources: ZERO_RESOURCES, epc: false }
      : resourceList(status['allocatable'], `${label}.status.allocatable`, opts.epcResource);
  const labels = strings(meta['labels'], `${label}.metadata.labels`);
  const labelled = opts.sgxLabel !== undefined && labels[opts.sgxLabel.key] === opts.sgxLabel.value;
  return {
    name,
    capacity: cap.resources,
    allocatable: alloc.resources,
    labels,
    taints: taints(spec['taints'], `${label}.spec.taints`),
    unschedulable: spec['unschedulable'] === true,
    sgx: (cap.epc && cap.resources.epcBytes > 0) || labelled,
  };
}

/** Parses `--epc-resource`. */
export function parseEpcResource(name: string): EpcResourceName {
  if (!isEpcResourceName(name)) {
    throw new Error(`unknown EPC resource '${name}': expected one of ${EPC_RESOURCE_NAMES.join(', ')}`);
  }
  return name;
}
