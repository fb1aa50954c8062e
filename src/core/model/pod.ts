import type { Resources } from './resources.js';

export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';

export interface Toleration {
  readonly key?: string;
  /** `Exists` matches any value; `Equal` (the default) matches `value`. */
  readonly operator?: 'Exists' | 'Equal';
  readonly value?: string;
  /** Absent = tolerates every effect. */
  readonly effect?: TaintEffect;
}

/**
 * A pod as the core sees it: plain read-only data, converted at the edge (from a Kubernetes Pod by
 * k8s/, from a workload record by sim/).
 */
export interface PodView {
  /** Stable identity (the Kubernetes UID, or the simulator's pod id). */
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  /** Effective request, computed as Kubernetes does (see `effectiveRequest`). */
  readonly request: Resources;
  /** True when any container asks for an EPC resource (whatever the amount, even one page). */
  readonly sgx: boolean;
  readonly priority: number;
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
}

/** Per-container amounts, as read from a pod spec (already converted to core units). */
export interface ContainerRequest {
  readonly request: Resources;
}
