/**
 * The measured-usage scenarios, described once as data and run through two paths that must take
 * the same decisions:
 * - live: node agents on host trees -> a real Prometheus -> the scheduler (PromQL) -> the fake API
 *   server (measured-usage.live.test.ts);
 * - simulated: the simulator's probe model (a sample every 7 s, each pod's largest sample over
 *   25 s) feeding the same core (measured-usage.sim.test.ts).
 *
 * A scenario is a list of steps taken in order. Each step happens once the previous one has settled
 * (the live path waits until the scheduler's measured usage is what the pods on each node use; the
 * simulator spaces steps by `STEP_SECONDS`, longer than any probe window). Amounts are MiB of EPC.
 *
 * The simulator's probe never fails, so a scenario with a measurement outage (Prometheus stopped,
 * an agent hung) has no simulated counterpart: it is marked `paths: ['live']`.
 */

export interface ScenarioNode {
  readonly name: string;
  readonly epcMiB: number;
}

export interface ScenarioPod {
  readonly name: string;
  /** EPC the pod asks for (request = limit). */
  readonly requestMiB: number;
  /** EPC its enclaves really use once it runs (more than the request: the paper's attacker). */
  readonly usageMiB: number;
}

export type ScenarioStep =
  /** The pod is submitted; `expect`: the node it is bound to at once, or `pending` (fits nowhere). */
  | { readonly kind: 'submit'; readonly pod: ScenarioPod; readonly expect: string | 'pending' }
  /** The pod ends (its cgroup and its request go). */
  | { readonly kind: 'end'; readonly pod: string }
  /** A pending pod is bound to this node as a result of the steps before. */
  | { readonly kind: 'placed'; readonly pod: string; readonly node: string }
  /** Prometheus stops (until `prometheus-up`): the scheduler must fall back to requests. */
  | { readonly kind: 'prometheus-down' }
  | { readonly kind: 'prometheus-up' }
  /** Prometheus hangs (accepts connections, answers nothing) until `prometheus-resume`. */
  | { readonly kind: 'prometheus-hang' }
  | { readonly kind: 'prometheus-resume' }
  /** The node's agent hangs (neither samples nor answers scrapes): its last samples go stale. */
  | { readonly kind: 'agent-hang'; readonly node: string }
  | { readonly kind: 'agent-resume'; readonly node: string };

export type ScenarioPath = 'live' | 'sim';

export interface Scenario {
  readonly name: string;
  readonly summary: string;
  readonly paths: readonly ScenarioPath[];
  readonly policy: 'binpack';
  readonly nodes: readonly ScenarioNode[];
  readonly steps: readonly ScenarioStep[];
}

/** Simulated seconds between steps: more than the probe window (25 s) plus a probe period (7 s). */
export const STEP_SECONDS = 60;

const NODES: readonly ScenarioNode[] = [
  { name: 'sgx-a', epcMiB: 64 },
  { name: 'sgx-b', epcMiB: 64 },
];

const attacker: ScenarioPod = { name: 'attacker', requestMiB: 8, usageMiB: 56 };
const pod = (name: string, mib: number): ScenarioPod => ({ name, requestMiB: mib, usageMiB: mib });

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'attacker',
    summary:
      'a pod using 56 MiB of EPC while asking for 8 MiB fills sgx-a: the scheduler stops placing there ' +
      'although requests say 56 MiB are free, and places there again once the attacker ends',
    paths: ['live', 'sim'],
    policy: 'binpack',
    nodes: NODES,
    steps: [
      { kind: 'submit', pod: attacker, expect: 'sgx-a' },
      // By requests sgx-a has 8 MiB used: binpack would choose it. Measured: 56 + 16 >= 64.
      { kind: 'submit', pod: pod('victim-1', 16), expect: 'sgx-b' },
      // sgx-a: 56 measured + 48 >= 64; sgx-b: 16 + 48 >= 64. By requests sgx-a would fit (8 + 48).
      { kind: 'submit', pod: pod('victim-2', 48), expect: 'pending' },
      // Usage drops: once the attacker's samples leave the window, sgx-a has room again.
      { kind: 'end', pod: 'attacker' },
      { kind: 'placed', pod: 'victim-2', node: 'sgx-a' },
      { kind: 'submit', pod: pod('victim-3', 8), expect: 'sgx-a' },
    ],
  },
  {
    name: 'prometheus-outage',
    summary:
      'with Prometheus stopped, the last samples go stale and the scheduler falls back to requests ' +
      '(placing on sgx-a again, saying so); when Prometheus returns, measured usage steers again',
    paths: ['live'],
    policy: 'binpack',
    nodes: NODES,
    steps: [
      { kind: 'submit', pod: attacker, expect: 'sgx-a' },
      { kind: 'submit', pod: pod('victim-1', 16), expect: 'sgx-b' },
      { kind: 'prometheus-down' },
      // Requests only: sgx-a has 8 MiB used, binpack takes it.
      { kind: 'submit', pod: pod('victim-2', 16), expect: 'sgx-a' },
      { kind: 'prometheus-up' },
      // Measured again: sgx-a uses 56 + 16 = 72 MiB.
      { kind: 'submit', pod: pod('victim-3', 16), expect: 'sgx-b' },
    ],
  },
  {
    name: 'prometheus-hung',
    summary:
      'a Prometheus that accepts queries but never answers costs each poll its deadline only: ' +
      'scheduling goes on, on the last samples and then on requests once they are stale',
    paths: ['live'],
    policy: 'binpack',
    nodes: NODES,
    steps: [
      { kind: 'submit', pod: attacker, expect: 'sgx-a' },
      { kind: 'submit', pod: pod('victim-1', 16), expect: 'sgx-b' },
      { kind: 'prometheus-hang' },
      { kind: 'submit', pod: pod('victim-2', 16), expect: 'sgx-a' },
      { kind: 'prometheus-resume' },
      { kind: 'submit', pod: pod('victim-3', 16), expect: 'sgx-b' },
    ],
  },
  {
    name: 'stale-samples',
    summary:
      "a hung agent's samples (the last one showing the attacker) age past the bound and are ignored: " +
      'requests are used for that node only; fresh samples steer again once it resumes',
    paths: ['live'],
    policy: 'binpack',
    nodes: NODES,
    steps: [
      { kind: 'submit', pod: attacker, expect: 'sgx-a' },
      { kind: 'submit', pod: pod('victim-1', 16), expect: 'sgx-b' },
      { kind: 'agent-hang', node: 'sgx-a' },
      { kind: 'submit', pod: pod('victim-2', 16), expect: 'sgx-a' },
      { kind: 'agent-resume', node: 'sgx-a' },
      { kind: 'submit', pod: pod('victim-3', 16), expect: 'sgx-b' },
    ],
  },
];

export const MIB = 1024 * 1024;

/**
 * What each node's measured EPC settles to given where pods were placed and which have ended: the
 * sum of the usage of the pods running there. Both paths check against it.
 */
export function settledUsage(
  s: Scenario,
  placements: ReadonlyMap<string, string>,
  ended: ReadonlySet<string>,
): Map<string, number> {
  const out = new Map<string, number>(s.nodes.map((n) => [n.name, 0]));
  for (const step of s.steps) {
    if (step.kind !== 'submit') continue;
    const node = placements.get(step.pod.name);
    if (node === undefined || ended.has(step.pod.name)) continue;
    out.set(node, (out.get(node) ?? 0) + step.pod.usageMiB * MIB);
  }
  return out;
}

/** Every pod's expected node at the end (the last `submit` or `placed` that names one). */
export function expectedPlacements(s: Scenario): Map<string, string> {
  const out = new Map<string, string>();
  for (const step of s.steps) {
    if (step.kind === 'submit' && step.expect !== 'pending') out.set(step.pod.name, step.expect);
    if (step.kind === 'placed') out.set(step.pod, step.node);
  }
  return out;
}
