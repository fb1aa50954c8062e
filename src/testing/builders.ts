/**
 * Builders that make tests read like the domain:
 *   makePod('p').epc('32Mi').build()
 *   makeNode('n').sgx('93.5Mi').memory('64Gi').build()
 * Quantities are Kubernetes quantity strings (or exact numbers in the core unit: bytes, millicores).
 */
import {
  buildProfile,
  ClusterSnapshot,
  createRng,
  formatConfigIssues,
  parseBytes,
  parseMillis,
  parseProfileConfig,
} from '../core/index.js';
import type {
  MeasuredUsage,
  PolicyName,
  Profile,
  ScheduleContext,
  NodeSpec,
  PodView,
  Resources,
  Taint,
  TaintEffect,
  Toleration,
} from '../core/index.js';

type Amount = string | number;

const bytes = (a: Amount): number => (typeof a === 'number' ? a : parseBytes(a));
const millis = (a: Amount): number => (typeof a === 'number' ? a : parseMillis(a));

export class PodBuilder {
  private cpuMillis = 0;
  private memoryBytes = 0;
  private epcBytes = 0;
  private sgxPod = false;
  private prio = 0;
  private ns = 'default';
  private uidValue: string;
  private readonly selector: Record<string, string> = {};
  private readonly tolerationList: Toleration[] = [];

  constructor(private readonly podName: string) {
    this.uidValue = podName;
  }

  /** EPC request (bytes quantity); makes it an SGX pod, even at 0. */
  epc(amount: Amount): this {
    this.epcBytes = bytes(amount);
    this.sgxPod = true;
    return this;
  }
  memory(amount: Amount): this {
    this.memoryBytes = bytes(amount);
    return this;
  }
  cpu(amount: Amount): this {
    this.cpuMillis = millis(amount);
    return this;
  }
  uid(uid: string): this {
    this.uidValue = uid;
    return this;
  }
  namespace(ns: string): this {
    this.ns = ns;
    return this;
  }
  priority(p: number): this {
    this.prio = p;
    return this;
  }
  nodeSelector(key: string, value: string): this {
    this.selector[key] = value;
    return this;
  }
  tolerate(toleration: Toleration): this {
    this.tolerationList.push(toleration);
    return this;
  }
  build(): PodView {
    return {
      uid: this.uidValue,
      namespace: this.ns,
      name: this.podName,
      request: { cpuMillis: this.cpuMillis, memoryBytes: this.memoryBytes, epcBytes: this.epcBytes },
      sgx: this.sgxPod,
      priority: this.prio,
      nodeSelector: { ...this.selector },
      tolerations: [...this.tolerationList],
    };
  }
}

export class NodeBuilder {
  private cpuMillis = 8000;
  private memoryBytes = 32 * 1024 ** 3;
  private epcBytes = 0;
  private sgxNode = false;
  private cordoned = false;
  private readonly labelMap: Record<string, string> = {};
  private readonly taintList: Taint[] = [];

  constructor(private readonly nodeName: string) {}

  /** Makes it an SGX node with this much usable EPC (capacity = allocatable). */
  sgx(epc: Amount): this {
    this.epcBytes = bytes(epc);
    this.sgxNode = true;
    return this;
  }
  memory(amount: Amount): this {
    this.memoryBytes = bytes(amount);
    return this;
  }
  cpu(amount: Amount): this {
    this.cpuMillis = millis(amount);
    return this;
  }
  label(key: string, value: string): this {
    this.labelMap[key] = value;
    return this;
  }
  taint(key: string, effect: TaintEffect = 'NoSchedule', value?: string): this {
    this.taintList.push(value === undefined ? { key, effect } : { key, value, effect });
    return this;
  }
  unschedulable(flag = true): this {
    this.cordoned = flag;
    return this;
  }
  build(): NodeSpec {
    const capacity: Resources = {
      cpuMillis: this.cpuMillis,
      memoryBytes: this.memoryBytes,
      epcBytes: this.epcBytes,
    };
    return {
      name: this.nodeName,
      capacity,
      allocatable: capacity,
      labels: { ...this.labelMap },
      taints: [...this.taintList],
      unschedulable: this.cordoned,
      sgx: this.sgxNode,
    };
  }
}

export function makePod(name: string): PodBuilder {
  return new PodBuilder(name);
}

export function makeNode(name: string): NodeBuilder {
  return new NodeBuilder(name);
}

/** Measured usage taken at `at` (both EPC and memory). */
export function measured(epc: Amount, memory: Amount = 0, at = 0): MeasuredUsage {
  return { epcBytes: bytes(epc), epcAt: at, memoryBytes: bytes(memory), memoryAt: at };
}

/** A built profile from a partial config; throws with the config issues when it is invalid. */
export function makeProfile(policy: PolicyName, overrides: Readonly<Record<string, unknown>> = {}): Profile {
  const parsed = parseProfileConfig({ policy, ...overrides });
  if (!parsed.ok) throw new Error(formatConfigIssues(parsed.issues));
  return buildProfile(parsed.value);
}

/** A snapshot of these nodes (builders or specs). */
export function makeCluster(...nodes: readonly (NodeBuilder | NodeSpec)[]): ClusterSnapshot {
  return new ClusterSnapshot(nodes.map((n) => (n instanceof NodeBuilder ? n.build() : n)));
}

/** A schedule context with a fresh seeded rng. */
export function makeContext(seed = 1, now = 0): ScheduleContext {
  return { rng: createRng(seed), now };
}
