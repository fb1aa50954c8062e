/**
 * Kubernetes objects for tests, as plain JSON the fake API server stores:
 *   k8sNode('sgx-1', { cpu: '4', memory: '8Gi', epc: '93.5Mi' })
 *   k8sPod('enclave', { epc: '32Mi', scheduler: 'sgx-scheduler' })
 */
import type { JsonObject } from './json.js';

export interface NodeOptions {
  readonly cpu?: string;
  readonly memory?: string;
  readonly pods?: string;
  /** EPC quantity of `epcResource` (default `sgx.intel.com/epc`); absent = not an SGX node. */
  readonly epc?: string;
  readonly epcResource?: string;
  readonly labels?: Record<string, string>;
  readonly unschedulable?: boolean;
  readonly taints?: { key: string; value?: string; effect: string }[];
}

export function k8sNode(name: string, o: NodeOptions = {}): JsonObject {
  const resources: JsonObject = { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: o.pods ?? '110' };
  if (o.epc !== undefined) resources[o.epcResource ?? 'sgx.intel.com/epc'] = o.epc;
  const spec: JsonObject = {};
  if (o.unschedulable === true) spec['unschedulable'] = true;
  if (o.taints !== undefined) spec['taints'] = o.taints.map((t) => ({ ...t }));
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...o.labels } },
    spec,
    status: {
      capacity: resources,
      allocatable: { ...resources },
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  };
}

export interface PodOptions {
  readonly namespace?: string;
  readonly scheduler?: string;
  readonly cpu?: string;
  readonly memory?: string;
  readonly epc?: string;
  readonly epcResource?: string;
  readonly nodeName?: string;
  readonly phase?: string;
  readonly gates?: string[];
  readonly nodeSelector?: Record<string, string>;
  readonly priority?: number;
}

export function k8sPod(name: string, o: PodOptions = {}): JsonObject {
  const requests: JsonObject = {};
  const limits: JsonObject = {};
  if (o.cpu !== undefined) requests['cpu'] = o.cpu;
  if (o.memory !== undefined) requests['memory'] = o.memory;
  if (o.epc !== undefined) {
    // Extended resources: request and limit equal, as the API server demands.
    requests[o.epcResource ?? 'sgx.intel.com/epc'] = o.epc;
    limits[o.epcResource ?? 'sgx.intel.com/epc'] = o.epc;
  }
  const spec: JsonObject = {
    schedulerName: o.scheduler ?? 'sgx-scheduler',
    containers: [{ name: 'main', image: 'registry.example/app:1', resources: { requests, limits } }],
  };
  if (o.nodeName !== undefined) spec['nodeName'] = o.nodeName;
  if (o.gates !== undefined) spec['schedulingGates'] = o.gates.map((g) => ({ name: g }));
  if (o.nodeSelector !== undefined) spec['nodeSelector'] = { ...o.nodeSelector };
  if (o.priority !== undefined) spec['priority'] = o.priority;
  const pod: JsonObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: o.namespace ?? 'default' },
    spec,
  };
  if (o.phase !== undefined) pod['status'] = { phase: o.phase };
  return pod;
}
