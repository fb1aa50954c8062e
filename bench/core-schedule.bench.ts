/**
 * Decisions per second of the scheduling core (`schedule` + applying the decision to the snapshot)
 * for binpack, spread and random at 1,000, 5,000 and 12,500 nodes, 10,000 pods arriving (and for
 * kube-scheduler's least- and most-allocated scorers, 5,000 pods, at 1,000 and 12,500, and for
 * sgx-unaware with kube-scheduler's sampled search at 12,500): a quarter
 * of the nodes are SGX nodes (93.5 MiB EPC), 30% of the pods are SGX pods, pods are bound as decided,
 * one in three arrivals also frees an earlier pod, and a node's measured usage is refreshed every
 * ten decisions (usage "measured", samples go stale after 500 ticks). kube-scheduler's CI floor for
 * its 5,000-node basic benchmark is 270 pods/s; our target is 20,000 decisions/s at 5,000 nodes.
 *
 * Run: npm run bench -- core
 */
import { availableParallelism, loadavg } from 'node:os';
import { buildProfile, ClusterSnapshot, createRng, parseProfileConfig, schedule } from '../src/core/index.js';
import type { NodeSpec, PodView, PolicyName, Profile } from '../src/core/index.js';

const MI = 1024 * 1024;
const GI = 1024 * MI;

function nodes(count: number): NodeSpec[] {
  const out: NodeSpec[] = [];
  for (let i = 0; i < count; i++) {
    const sgx = i % 4 === 0;
    const capacity = { cpuMillis: 8000, memoryBytes: 32 * GI, epcBytes: sgx ? 98_041_856 : 0 };
    out.push({
      name: `node-${String(i).padStart(5, '0')}`,
      capacity,
      allocatable: capacity,
      labels: {},
      taints: [],
      unschedulable: false,
      sgx,
    });
  }
  return out;
}

function pods(count: number, seed: number): PodView[] {
  const rng = createRng(seed);
  const out: PodView[] = [];
  for (let i = 0; i < count; i++) {
    const sgx = rng.next() < 0.3;
    out.push({
      uid: `pod-${i}`,
      namespace: 'default',
      name: `pod-${i}`,
      request: {
        cpuMillis: 100 * (1 + rng.int(20)),
        memoryBytes: sgx ? 64 * MI : 256 * MI * (1 + rng.int(16)),
        epcBytes: sgx ? MI * (1 + rng.int(64)) : 0,
      },
      sgx,
      priority: 0,
      nodeSelector: {},
      tolerations: [],
    });
  }
  return out;
}

function profile(policy: PolicyName, extra: Readonly<Record<string, unknown>> = {}): Profile {
  const parsed = parseProfileConfig({ policy, usage: 'measured', measuredMaxAge: 500, ...extra });
  if (!parsed.ok) throw new Error('bad profile');
  return buildProfile(parsed.value);
}

interface Result {
  readonly decisions: number;
  readonly placed: number;
  readonly seconds: number;
  /** CPU time of this process (includes GC threads); less disturbed than wall time on a busy host. */
  readonly cpuSeconds: number;
}

function run(
  policy: PolicyName,
  nodeCount: number,
  podCount: number,
  extra: Readonly<Record<string, unknown>> = {},
): Result {
  const specs = nodes(nodeCount);
  const arriving = pods(podCount, 7);
  const snapshot = new ClusterSnapshot(specs);
  const p = profile(policy, extra);
  const cursor = { next: 0 };
  const rng = createRng(1);
  const churn = createRng(2);
  const bound: string[] = [];
  let placed = 0;
  // Build the indexes and collect the set-up garbage before the clock starts.
  schedule(snapshot, arriving[0]!, p, { rng: createRng(0), now: 0 });
  (globalThis as { gc?: () => void }).gc?.();
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let i = 0; i < arriving.length; i++) {
    const pod = arriving[i]!;
    const decision = schedule(snapshot, pod, p, { rng, now: i, cursor });
    if (decision.node !== undefined) {
      snapshot.assume(pod, decision.node);
      bound.push(pod.uid);
      placed++;
    }
    if (i % 3 === 2 && bound.length > 0) {
      const k = churn.int(bound.length);
      snapshot.forget(bound[k]!);
      bound[k] = bound[bound.length - 1]!;
      bound.pop();
    }
    if (i % 10 === 0) {
      const node = specs[churn.int(specs.length)]!.name;
      const view = snapshot.node(node)!;
      snapshot.setMeasured(node, {
        epcBytes: Math.floor(view.requested.epcBytes * 1.1),
        epcAt: i,
        memoryBytes: Math.floor(view.requested.memoryBytes * 0.9),
        memoryAt: i,
      });
    }
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  return { decisions: arriving.length, placed, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

// Optional arguments narrow the run (for profiling): policy names and node counts.
const args = process.argv.slice(2);
const argPolicies = args.filter((a) => !/^\d+$/.test(a)) as PolicyName[];
const argSizes = args.filter((a) => /^\d+$/.test(a)).map(Number);
const POLICIES: PolicyName[] = argPolicies.length > 0 ? argPolicies : ['binpack', 'spread', 'random'];
const SIZES = argSizes.length > 0 ? argSizes : [1000, 5000, 12500];
const PODS = 10_000;

// Warm up the JIT on a small cluster so the first row is not penalised.
for (const policy of POLICIES) run(policy, 500, 3000);

const rows: string[][] = [
  ['policy', 'nodes', 'pods', 'placed', 'wall s', 'decisions/s', 'cpu s', 'decisions/cpu-s'],
];
const row = (policy: string, size: number, r: Result): string[] => [
  policy,
  size.toLocaleString('en-US'),
  r.decisions.toLocaleString('en-US'),
  r.placed.toLocaleString('en-US'),
  r.seconds.toFixed(3),
  Math.round(r.decisions / r.seconds).toLocaleString('en-US'),
  r.cpuSeconds.toFixed(3),
  Math.round(r.decisions / r.cpuSeconds).toLocaleString('en-US'),
];
for (const policy of POLICIES) {
  for (const size of SIZES) {
    (globalThis as { gc?: () => void }).gc?.();
    rows.push(row(policy, size, run(policy, size, PODS)));
  }
}
// The kube-style scorers score every feasible node (from the snapshot's node records, no view per
// node): linear in the nodes, shown for scale.
if (args.length === 0) {
  for (const policy of ['least-allocated', 'most-allocated'] as const) {
    for (const size of [1000, 12500]) rows.push(row(policy, size, run(policy, size, 5000)));
  }
  // kube-scheduler's sampled search (its adaptive share: 629 of 12,500 nodes).
  const sampled = { usage: 'requests', percentageOfNodesToScore: 0 };
  rows.push(row('sgx-unaware, sampled', 12500, run('sgx-unaware', 12500, 10_000, sampled)));
}

const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
console.log(`load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`);
for (const r of rows)
  console.log(r.map((cell, c) => (c < 1 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
