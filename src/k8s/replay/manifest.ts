/**
 * Pod manifests of replay items: the template rendered, then the fields the replay owns set on top.
 * SGX pods (and attackers) request the EPC resource with limit = request (extended resources cannot
 * be overcommitted), and one enclave device; standard pods request memory without a limit, as the paper's runner did (a
 * limit would let the kernel kill pods whose use exceeds their request).
 */
import { EPC_RESOURCE_UNITS } from '../../core/index.js';
import type { EpcResourceName } from '../../core/index.js';
import type { ReplayItem } from './plan.js';
import { ANNOTATIONS, KIND_LABEL, MANAGED_BY, MANAGED_BY_LABEL, RUN_LABEL } from './names.js';
import { renderTemplate } from './template.js';
import type { Json, PodTemplate } from './template.js';

const PAGE_BYTES = 4096;

export interface ManifestOptions {
  readonly runId: string;
  readonly namespace: string;
  readonly schedulerName: string;
  /** Extra labels on every pod. */
  readonly labels: Readonly<Record<string, string>>;
  readonly epcResource: EpcResourceName;
  /**
   * The enclave device's resource, one requested by every SGX pod and attacker (the node agent's
   * device plugin, like Intel's, mounts /dev/sgx_enclave only into a container that asks for it;
   * Intel's admission webhook adds the request itself); null: not requested.
   */
  readonly enclaveResource: string | null;
  readonly sgxImage: string;
  readonly standardImage: string;
  readonly sgxTemplate: PodTemplate;
  readonly standardTemplate: PodTemplate;
  /** Trace seconds per wall-clock second (1 = real time). */
  readonly compression: number;
  /** Wall-clock ms of trace time 0; null in a dry run (not known yet). */
  readonly originMs: number | null;
}

/** EPC bytes as a quantity of the resource, in its own unit, rounded up to whole units. */
export function epcQuantity(resource: EpcResourceName, bytes: number): string {
  return String(Math.ceil(bytes / EPC_RESOURCE_UNITS[resource]));
}

/** Wall-clock run time of an item, whole seconds, at least 1 (stress-ng's --timeout takes seconds). */
export function liveSeconds(durationTrace: number, compression: number): number {
  return Math.max(1, Math.ceil(durationTrace / compression - 1e-9));
}

function asMap(v: Json | undefined): { [k: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {};
}

function stringMap(v: Json | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(asMap(v))) if (typeof x === 'string') out[k] = x;
  return out;
}

/** The Pod manifest of one item (plain JSON, ready to POST or print). */
export function podManifest(item: ReplayItem, o: ManifestOptions): { [k: string]: Json } {
  const sgx = item.kind !== 'standard';
  const template = sgx ? o.sgxTemplate : o.standardTemplate;
  const pod = renderTemplate(template, {
    name: item.name,
    namespace: o.namespace,
    runId: o.runId,
    recordId: item.recordId,
    kind: item.kind,
    image: sgx ? o.sgxImage : o.standardImage,
    durationSeconds: item.duration,
    timeoutSeconds: liveSeconds(item.duration, o.compression),
    liveDurationSeconds: item.duration / o.compression,
    usageBytes: item.usageBytes,
    usagePages: Math.ceil(item.usageBytes / PAGE_BYTES),
    requestBytes: item.requestBytes,
    requestPages: Math.ceil(item.requestBytes / PAGE_BYTES),
  });
  const meta = asMap(pod['metadata']);
  const annotations: Record<string, string> = {
    ...stringMap(meta['annotations']),
    [ANNOTATIONS.record]: item.recordId,
    [ANNOTATIONS.submit]: String(Math.round(item.submit * 1e6) / 1e6),
    [ANNOTATIONS.duration]: String(item.duration),
    [ANNOTATIONS.requestedPages]: String(Math.ceil(item.requestBytes / PAGE_BYTES)),
    [ANNOTATIONS.actualPages]: String(Math.ceil(item.usageBytes / PAGE_BYTES)),
    [ANNOTATIONS.compression]: String(o.compression),
    ...(o.originMs === null ? {} : { [ANNOTATIONS.origin]: String(o.originMs) }),
  };
  pod['apiVersion'] = 'v1';
  pod['kind'] = 'Pod';
  pod['metadata'] = {
    ...meta,
    name: item.name,
    namespace: o.namespace,
    labels: {
      ...stringMap(meta['labels']),
      ...o.labels,
      [RUN_LABEL]: o.runId,
      [KIND_LABEL]: item.kind,
      [MANAGED_BY_LABEL]: MANAGED_BY,
    },
    annotations,
  };
  const spec = asMap(pod['spec']);
  spec['schedulerName'] = o.schedulerName;
  if (item.nodeName !== undefined) spec['nodeName'] = item.nodeName;
  const containers = Array.isArray(spec['containers']) ? spec['containers'] : [];
  const first = asMap(containers[0]);
  const resources = asMap(first['resources']);
  const requests: Record<string, Json> = { ...asMap(resources['requests']) };
  const limits: Record<string, Json> = { ...asMap(resources['limits']) };
  if (sgx) {
    const q = epcQuantity(o.epcResource, item.requestBytes);
    requests[o.epcResource] = q;
    limits[o.epcResource] = q;
    if (o.enclaveResource !== null) {
      requests[o.enclaveResource] = '1';
      limits[o.enclaveResource] = '1';
    }
  } else {
    requests['memory'] = String(item.requestBytes);
  }
  if (item.cpuMillis > 0) requests['cpu'] = `${item.cpuMillis}m`;
  first['resources'] =
    Object.keys(limits).length > 0 ? { ...resources, requests, limits } : { ...resources, requests };
  containers[0] = first;
  spec['containers'] = containers;
  pod['spec'] = spec;
  return pod;
}
