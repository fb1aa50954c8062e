import { isScoredPolicy } from '../../core/index.js';
import type { EnforcementMode } from '../results/types.js';
import { DEFAULT_PAGING } from '../model/paging.js';
import type { PagingModelConfig } from '../model/paging.js';

/**
 * Everything that parameterises one run apart from the cluster and the workload. Plain data, so
 * that it can cross to a worker thread and be recorded in the results.
 */
export interface RunConfig {
  readonly runId: string;
  /** Policy name for the core (`binpack`, `spread`, `sgx-unaware`, ...). */
  readonly policy: string;
  /** Extra profile fields for the core's `parseProfileConfig` (e.g. `{ usage: 'requests' }`). */
  readonly profile?: Readonly<Record<string, unknown>>;
  /** Admission tolerance (1.0 live; the paper's offline simulator used 0.8). */
  readonly tolerance: number;
  /**
   * kube-scheduler's `percentageOfNodesToScore` for the scored policies (ignored by binpack, spread
   * and random): 0 = its adaptive share, 1..100. Absent: every feasible node is scored.
   */
  readonly percentageOfNodesToScore?: number;
  readonly seed: number;
  readonly enforcement: EnforcementMode;
  /** Fraction of each SGX node's usable EPC one attacker pod uses (0 = no attack). */
  readonly attackerFraction: number;
  /** Seconds between scheduler passes (paper: 5), or null for a pass after every batch of events. */
  readonly schedulerPeriod: number | null;
  /** Probe: sample every `periodSeconds`, report each pod's max over `windowSeconds`; null = instant. */
  readonly probe: { readonly periodSeconds: number; readonly windowSeconds: number } | null;
  /** Seconds from binding to running. */
  readonly startupDelay: number;
  readonly paging: PagingModelConfig;
  /** `einit`: restarts before a pod whose enclave exceeds its limit is given up (Job backoffLimit). */
  readonly maxRestarts: number;
  /** Stop at this simulated time (seconds); null = run until every pod has ended or cannot be placed. */
  readonly horizon: number | null;
  /** Utilisation sampling period (seconds). */
  readonly sampleSeconds: number;
  /** Per-node utilisation series only for clusters of at most this many nodes. */
  readonly perNodeLimit: number;
}

/** The paper's settings (5 s scheduler loop, 7 s probe over 25 s, tolerance 1.0 as live). */
export const DEFAULT_RUN_CONFIG: RunConfig = {
  runId: 'run',
  policy: 'binpack',
  tolerance: 1,
  seed: 1,
  enforcement: 'none',
  attackerFraction: 0,
  schedulerPeriod: 5,
  probe: { periodSeconds: 7, windowSeconds: 25 },
  startupDelay: 1,
  paging: DEFAULT_PAGING,
  maxRestarts: 6,
  horizon: null,
  sampleSeconds: 30,
  perNodeLimit: 64,
};

/**
 * The `percentageOfNodesToScore` a run's profile uses: `percentageOfNodesToScore` of the run for a
 * scored policy (binpack, spread and random ignore it), else the one given in `profile`, else none
 * (every feasible node is scored). The simulation builds its profile with it and the run's
 * metadata records it, so the two cannot disagree.
 */
export function nodesToScoreOf(c: RunConfig): number | undefined {
  const fromRun = isScoredPolicy(c.policy) ? c.percentageOfNodesToScore : undefined;
  const v = fromRun ?? c.profile?.['percentageOfNodesToScore'];
  return typeof v === 'number' ? v : undefined;
}

// Ranges of the run settings. A simulation keeps a sample per scheduler pass, per probe tick slot
// and per utilisation period over the simulated span: a period of a millisecond, or a start-up
// delay of years that stretches the span, made a run of the bundled hour exhaust the memory. The
// bounds leave every setting of a real cluster room.

/** Shortest scheduler period, probe period (seconds). */
export const MIN_PERIOD_SECONDS = 0.1;
/** Longest scheduler period, probe period or window, start-up delay (seconds): a day. */
export const MAX_DELAY_SECONDS = 86_400;
/** Shortest utilisation sampling period (seconds). */
export const MIN_SAMPLE_SECONDS = 1;
/** Most probe samples a window spans (each node keeps one slot per sample in the window). */
export const MAX_PROBE_SLOTS = 1_000;
/** Largest PRM size (MiB): 1 TiB, twice the 512 GiB per socket of today's Xeon Scalable. */
export const MAX_EPC_MIB = 1_048_576;
/** Seeds are 32-bit (the core's mulberry32 generator): larger ones would repeat smaller ones. */
export const MAX_SEED = 2 ** 32 - 1;

/** What is wrong with a probe's period and window (seconds), or undefined when they are usable. */
export function probeProblem(periodSeconds: number, windowSeconds: number): string | undefined {
  if (!(periodSeconds >= MIN_PERIOD_SECONDS && periodSeconds <= MAX_DELAY_SECONDS))
    return `the period must be ${MIN_PERIOD_SECONDS} to ${MAX_DELAY_SECONDS} s, got ${periodSeconds}`;
  if (!(windowSeconds >= 0 && windowSeconds <= MAX_DELAY_SECONDS))
    return `the window must be 0 to ${MAX_DELAY_SECONDS} s, got ${windowSeconds}`;
  if (windowSeconds / periodSeconds > MAX_PROBE_SLOTS)
    return `a window of at most ${MAX_PROBE_SLOTS} periods, got ${windowSeconds} s over ${periodSeconds} s periods`;
  return undefined;
}
