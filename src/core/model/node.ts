import type { Resources } from './resources.js';
import type { PodView, TaintEffect } from './pod.js';

export interface Taint {
  readonly key: string;
  readonly value?: string;
  readonly effect: TaintEffect;
}

/**
 * Measured usage of one node, as delivered by a probe pipeline (the simulator's probe model, or
 * Prometheus for the live scheduler). `at` is a timestamp in the caller's clock unit (milliseconds
 * live, simulated milliseconds in the simulator); the core only compares it with `ScheduleContext.now`.
 */
export interface MeasuredUsage {
  /** Sum over the node's pods of each pod's largest EPC sample in the window (paper: 25 s). */
  readonly epcBytes: number;
  readonly epcAt: number;
  /** Mean memory usage of the node over its window (paper: 2 min). */
  readonly memoryBytes: number;
  readonly memoryAt: number;
}

/** Static description of a node; its pods and usage are kept by the `ClusterSnapshot`. */
export interface NodeSpec {
  readonly name: string;
  readonly capacity: Resources;
  readonly allocatable: Resources;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
  readonly unschedulable: boolean;
  /** An SGX node: its capacity has the EPC resource, or the configured label says so. */
  readonly sgx: boolean;
}

/** A node with everything the policies read: its spec, its pods (bound or assumed) and its usage. */
export interface NodeView extends NodeSpec {
  /** The pods bound or assumed here, in no particular order. */
  readonly pods: readonly PodView[];
  /** Sum of the effective requests of `pods`, kept incrementally. */
  readonly requested: Resources;
  /**
   * The same sum with kube-scheduler's non-zero defaults (a pod asking for no CPU counts 100m, no
   * memory 200 MiB): what the kube-style scorers see, as kube-scheduler's `NonZeroRequested`.
   */
  readonly nonZeroRequested: Resources;
  readonly measured?: MeasuredUsage;
}
