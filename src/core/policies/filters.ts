/**
 * The filters every profile runs, in kube-scheduler's spirit: one small function per concern, a
 * status code saying whether waiting can help, structured reasons. The snapshot's indexes use the
 * same functions for the static checks and the same arithmetic (framework/fit.ts) for the fit.
 *
 * Order (the first failing filter decides a node's status, as in kube-scheduler):
 * node unschedulable -> SGX capability -> taints -> nodeSelector -> resource fit.
 */
import type { NodeSpec, NodeView, Taint } from '../model/node.js';
import type { PodView, Toleration } from '../model/pod.js';
import type { FilterPlugin, PreFilterPlugin, Reason, ScheduleContext, Status } from '../framework/types.js';
import type { UsageParams } from '../framework/fit.js';
import {
  admissionBound,
  amountOf,
  DIM_KIND,
  freeAmount,
  requestedDims,
  usedAmount,
} from '../framework/fit.js';

export const SUCCESS: Status = Object.freeze({ code: 'Success', reasons: Object.freeze([]) });

function unresolvable(reason: Reason): Status {
  return { code: 'UnschedulableAndUnresolvable', reasons: [reason] };
}

function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect !== undefined && t.effect !== taint.effect) return false;
  if (t.key === undefined || t.key === '') {
    // An empty key with Exists tolerates every taint.
    return t.operator === 'Exists';
  }
  if (t.key !== taint.key) return false;
  return t.operator === 'Exists' || (t.value ?? '') === (taint.value ?? '');
}

/** The first NoSchedule/NoExecute taint the pod does not tolerate (PreferNoSchedule never filters). */
export function untoleratedTaint(spec: NodeSpec, pod: PodView): Taint | undefined {
  for (const taint of spec.taints) {
    if (taint.effect === 'PreferNoSchedule') continue;
    if (!pod.tolerations.some((t) => tolerates(t, taint))) return taint;
  }
  return undefined;
}

export function formatTaint(t: Taint): string {
  return `${t.key}${t.value === undefined ? '' : `=${t.value}`}:${t.effect}`;
}

/** True when the node needs per-pod static checks (cordoned or carrying filtering taints). */
export function isBlockedSpec(spec: NodeSpec): boolean {
  return spec.unschedulable || spec.taints.some((t) => t.effect !== 'PreferNoSchedule');
}

/**
 * Every check that depends on the node's spec only, not on its usage: cordon, SGX capability,
 * taints, nodeSelector. Returns the failing status, or undefined when the node passes.
 */
export function staticRejection(spec: NodeSpec, pod: PodView): Status | undefined {
  if (spec.unschedulable) return unresolvable({ kind: 'node-unschedulable' });
  if (pod.sgx && !spec.sgx) return unresolvable({ kind: 'no-sgx' });
  if (spec.taints.length > 0) {
    const taint = untoleratedTaint(spec, pod);
    if (taint !== undefined) return unresolvable({ kind: 'taint-not-tolerated', taint: formatTaint(taint) });
  }
  for (const key in pod.nodeSelector) {
    const want = pod.nodeSelector[key];
    if (spec.labels[key] !== want)
      return unresolvable({ kind: 'node-selector-mismatch', label: `${key}=${want}` });
  }
  return undefined;
}

/** Resource fit of one node under a usage view: every requested dimension must satisfy the rule. */
export function fitStatus(node: NodeView, pod: PodView, params: UsageParams, now: number): Status {
  let reasons: Reason[] | undefined;
  for (const d of requestedDims(pod)) {
    const requested = amountOf(pod.request, d);
    const allocatable = amountOf(node.allocatable, d);
    const used = usedAmount(d, amountOf(node.requested, d), node.measured, params, now);
    if (!(requested < freeAmount(allocatable, used, params))) {
      (reasons ??= []).push({
        kind: 'insufficient',
        resource: DIM_KIND[d]!,
        requested,
        used,
        capacity: admissionBound(allocatable, params),
      });
    }
  }
  return reasons === undefined ? SUCCESS : { code: 'Unschedulable', reasons };
}

/** The filter plugins of a profile, for `explain` and `filterNode`. */
export function filterPlugins(params: UsageParams): FilterPlugin[] {
  return [
    {
      name: 'NodeStatic',
      filter: (pod: PodView, node: NodeView): Status => staticRejection(node, pod) ?? SUCCESS,
    },
    {
      name: 'ResourceFit',
      filter: (pod: PodView, node: NodeView, ctx: ScheduleContext): Status =>
        fitStatus(node, pod, params, ctx.now),
    },
  ];
}

function invalid(message: string): Status {
  return { code: 'Error', reasons: [{ kind: 'other', message }] };
}

function badAmount(value: number): boolean {
  return !Number.isSafeInteger(value) || value < 0;
}

/**
 * The pod's own data must make sense before any node is judged: whole, non-negative amounts, and
 * an EPC request only on a pod marked as an SGX pod (the edge converters set both together). A
 * violation is an `Error` naming the pod and the field, not a silent misplacement.
 */
export function podSanity(pod: PodView): Status {
  const r = pod.request;
  // Field by field (no array per call: this runs for every scheduling attempt).
  const bad = badAmount(r.cpuMillis)
    ? 'cpuMillis'
    : badAmount(r.memoryBytes)
      ? 'memoryBytes'
      : badAmount(r.epcBytes)
        ? 'epcBytes'
        : null;
  if (bad !== null) {
    return invalid(
      `pod ${pod.namespace}/${pod.name}: request.${bad} must be a whole number from 0 to 2^53 - 1, got ${r[bad]}`,
    );
  }
  if (r.epcBytes > 0 && !pod.sgx) {
    return invalid(`pod ${pod.namespace}/${pod.name}: requests EPC but is not marked as an SGX pod`);
  }
  return SUCCESS;
}

export function preFilterPlugins(): PreFilterPlugin[] {
  return [{ name: 'PodSanity', preFilter: podSanity }];
}
