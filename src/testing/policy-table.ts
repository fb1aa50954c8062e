/**
 * Runs a policy's table of cases: each case builds a cluster, places the pods already running,
 * sets measured usage, schedules one pod and checks the chosen node (or that none fits). Every case
 * also checks that the indexed `schedule` agrees with the plain scan `scheduleByScan`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatUnschedulable, schedule, scheduleByScan } from '../core/index.js';
import type { Decision, MeasuredUsage, PolicyName } from '../core/index.js';
import type { NodeBuilder, PodBuilder } from './builders.js';
import { makeCluster, makeContext, makeProfile } from './builders.js';

export interface PolicyCase {
  readonly name: string;
  readonly nodes: readonly NodeBuilder[];
  /** Pods already bound: [pod, node name]. */
  readonly running?: readonly (readonly [PodBuilder, string])[];
  readonly measured?: Readonly<Record<string, MeasuredUsage>>;
  readonly pod: PodBuilder;
  readonly config?: Readonly<Record<string, unknown>>;
  readonly seed?: number;
  readonly now?: number;
  /** The node expected, `undefined` when the pod must stay pending. */
  readonly want: string | undefined;
  /** Extra checks on the decision (reasons, notes). */
  readonly check?: (decision: Decision, message: string) => void;
}

export function decideCase(policy: PolicyName, c: PolicyCase): Decision {
  const snapshot = makeCluster(...c.nodes);
  for (const [pod, node] of c.running ?? []) snapshot.assume(pod.build(), node);
  for (const [node, usage] of Object.entries(c.measured ?? {})) snapshot.setMeasured(node, usage);
  const profile = makeProfile(policy, c.config ?? {});
  const pod = c.pod.build();
  const indexed = schedule(snapshot, pod, profile, makeContext(c.seed ?? 1, c.now ?? 0));
  const scanned = scheduleByScan(snapshot, pod, profile, makeContext(c.seed ?? 1, c.now ?? 0));
  assert.deepEqual(indexed, scanned, 'indexed and scanned decisions agree');
  return indexed;
}

export function policyTable(policy: PolicyName, cases: readonly PolicyCase[]): void {
  for (const c of cases) {
    test(`${policy}: ${c.name}`, () => {
      const d = decideCase(policy, c);
      const message = d.node === undefined ? formatUnschedulable(d.unschedulable) : `placed on ${d.node}`;
      assert.equal(d.node, c.want, message);
      c.check?.(d, message);
    });
  }
}
