/**
 * The simulated path of the shared scenarios: the steps become simulator jobs (one step every
 * STEP_SECONDS of simulated time), replayed with the paper's probe model (a sample every 7 s, each
 * pod's largest sample over 25 s) and a scheduler pass after every batch of events, as the live
 * scheduler decides as pods come. Returns, per pod, where and when it was placed.
 */
import { DEFAULT_RUN_CONFIG, simulate } from '../../sim/index.js';
import type { Cluster, RunConfig, SimJob } from '../../sim/index.js';
import { MIB, STEP_SECONDS, type Scenario } from './scenarios.js';

export interface SimPlacement {
  readonly node: string | null;
  /** Simulated seconds at which it started running (binding + start-up delay), null if never. */
  readonly start: number | null;
}

export const STARTUP_DELAY_SECONDS = 1;

export function simCluster(s: Scenario): Cluster {
  return {
    name: s.name,
    description: s.summary,
    nodes: s.nodes.map((n) => ({
      name: n.name,
      sgx: true,
      epcBytes: n.epcMiB * MIB,
      epcReservedMiB: null,
      memoryBytes: 64 * 1024 * MIB,
      cpuMillis: 64_000,
      labels: {},
      taints: [],
    })),
  };
}

/** The scenario's pods as simulator jobs; a pod that ends runs until its `end` step. */
export function simJobs(s: Scenario): SimJob[] {
  if (!s.paths.includes('sim')) throw new Error(`scenario ${s.name} has no simulated path`);
  const endAt = new Map<string, number>();
  s.steps.forEach((step, i) => {
    if (step.kind === 'end') endAt.set(step.pod, i * STEP_SECONDS);
  });
  const forever = (s.steps.length + 2) * STEP_SECONDS;
  const jobs: SimJob[] = [];
  s.steps.forEach((step, i) => {
    if (step.kind !== 'submit') return;
    const submit = i * STEP_SECONDS;
    const end = endAt.get(step.pod.name);
    if (end !== undefined && step.expect === 'pending')
      throw new Error(`${s.name}: ${step.pod.name} ends but is not placed at once (its run time is unknown)`);
    jobs.push({
      id: step.pod.name,
      submit,
      // Bound at submission, running after the start-up delay, ending at its `end` step.
      duration: end === undefined ? forever : end - submit - STARTUP_DELAY_SECONDS,
      sgx: true,
      requestBytes: step.pod.requestMiB * MIB,
      usageBytes: step.pod.usageMiB * MIB,
      cpuMillis: 0,
    });
  });
  return jobs;
}

export async function runSimPath(
  s: Scenario,
  usage: 'measured' | 'requests' = 'measured',
): Promise<Map<string, SimPlacement>> {
  const config: RunConfig = {
    ...DEFAULT_RUN_CONFIG,
    runId: s.name,
    policy: s.policy,
    profile: { usage },
    schedulerPeriod: null,
    probe: { periodSeconds: 7, windowSeconds: 25 },
    startupDelay: STARTUP_DELAY_SECONDS,
    horizon: null,
  };
  const outcome = await simulate({ cluster: simCluster(s), jobs: simJobs(s), config, keepRows: true });
  const out = new Map<string, SimPlacement>();
  for (const row of outcome.pods ?? []) out.set(row.jobId, { node: row.node, start: row.start });
  return out;
}
