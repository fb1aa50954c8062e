/**
 * The admission arithmetic shared by the filters (on node views) and the snapshot's indexes (on
 * typed arrays), so that both compute exactly the same thing.
 *
 * Every amount is an exact integer number. The paper's rule is `used + request < capacity *
 * tolerance` (strict); the stock scheduler's is `requested + request <= allocatable`. Both become
 * `request < free` with an integer `free`, which is what the indexes store:
 *   strict:    free = ceil(allocatable * tolerance) - used
 *   inclusive: free = floor(allocatable * tolerance) + 1 - used
 */
import type { MeasuredUsage } from '../model/node.js';
import type { PodView } from '../model/pod.js';
import type { ResourceKind, Resources } from '../model/resources.js';

/** Dimension numbers used by the typed-array indexes. */
export const CPU = 0;
export const MEMORY = 1;
export const EPC = 2;
export type Dim = typeof CPU | typeof MEMORY | typeof EPC;
export const DIMS: readonly Dim[] = [CPU, MEMORY, EPC];
export const DIM_KIND: readonly ResourceKind[] = ['cpu', 'memory', 'epc'];

export function amountOf(r: Resources, d: Dim): number {
  return d === CPU ? r.cpuMillis : d === MEMORY ? r.memoryBytes : r.epcBytes;
}

export function dimOf(kind: ResourceKind): Dim {
  return kind === 'cpu' ? CPU : kind === 'memory' ? MEMORY : EPC;
}

/** kube-scheduler's defaults for pods that request no CPU / memory (scoring only). */
export const NON_ZERO_CPU_MILLIS = 100;
export const NON_ZERO_MEMORY_BYTES = 200 * 1024 * 1024;

export function nonZeroRequest(r: Resources): Resources {
  return {
    cpuMillis: r.cpuMillis === 0 ? NON_ZERO_CPU_MILLIS : r.cpuMillis,
    memoryBytes: r.memoryBytes === 0 ? NON_ZERO_MEMORY_BYTES : r.memoryBytes,
    epcBytes: r.epcBytes,
  };
}

/** The parameters of a usage view: how a profile counts what is used on a node. */
export interface UsageParams {
  readonly measured: boolean;
  readonly tolerance: number;
  readonly strict: boolean;
  /** Undefined: measured values never go stale. */
  readonly maxAge: number | undefined;
}

/** The one definition of staleness: a sample taken at `at` is fresh while `now <= at + maxAge`. */
export function isFresh(at: number, now: number, maxAge: number | undefined): boolean {
  return maxAge === undefined || !(at + maxAge < now);
}

/**
 * What a node counts as used in dimension `d`: its requests, or `max(measured, requests)` when the
 * profile uses measured usage and the sample is fresh (CPU has no measurement).
 */
export function usedAmount(
  d: Dim,
  requested: number,
  measured: MeasuredUsage | undefined,
  params: UsageParams,
  now: number,
): number {
  if (!params.measured || measured === undefined || d === CPU) return requested;
  if (d === MEMORY) {
    return isFresh(measured.memoryAt, now, params.maxAge)
      ? Math.max(requested, measured.memoryBytes)
      : requested;
  }
  return isFresh(measured.epcAt, now, params.maxAge) ? Math.max(requested, measured.epcBytes) : requested;
}

/** True when the node has a measurement the profile would use but cannot because it is stale. */
export function hasStaleMeasurement(
  measured: MeasuredUsage | undefined,
  params: UsageParams,
  now: number,
): boolean {
  if (!params.measured || measured === undefined) return false;
  return !isFresh(measured.epcAt, now, params.maxAge) || !isFresh(measured.memoryAt, now, params.maxAge);
}

/** Capacity times tolerance, the bound reported in reasons. */
export function admissionBound(allocatable: number, params: UsageParams): number {
  return allocatable * params.tolerance;
}

/** The integer `free` such that a request fits exactly when `request < free`. */
export function freeAmount(allocatable: number, used: number, params: UsageParams): number {
  const bound = allocatable * params.tolerance;
  return (params.strict ? Math.ceil(bound) : Math.floor(bound) + 1) - used;
}

/** The dimensions a pod actually asks for (zero requests are not checked, as in kube-scheduler). */
const DIM_SETS: readonly (readonly Dim[])[] = Array.from({ length: 8 }, (_, mask) =>
  Object.freeze(DIMS.filter((d) => (mask & (1 << d)) !== 0)),
);

export function requestedDims(pod: PodView): readonly Dim[] {
  const r = pod.request;
  // One shared array per combination: this runs once per decision.
  return DIM_SETS[(r.cpuMillis > 0 ? 1 : 0) | (r.memoryBytes > 0 ? 2 : 0) | (r.epcBytes > 0 ? 4 : 0)]!;
}
