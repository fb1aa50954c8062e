import type { Problem } from '../host/problems.js';

/** One reading of per-pod EPC usage. */
export interface UsageSample {
  /** False when this source cannot measure anything on this host: usage is unknown, not zero. */
  readonly measured: boolean;
  /** EPC bytes in use, by pod UID. Pods whose file could not be read are absent (and in `problems`). */
  readonly podBytes: ReadonlyMap<string, number>;
  readonly problems: readonly Problem[];
}

/**
 * Where per-pod EPC usage comes from. Today: the misc cgroup (`misc.current`, kernels carrying the
 * `sgx_epc` resource) or nothing. Other sources, such as a legacy driver's per-process counters summed
 * per pod, implement the same interface.
 */
export interface UsageSource {
  /** Short name for logs and `discover` output, e.g. `misc-cgroup`. */
  readonly name: string;
  sample(): Promise<UsageSample>;
}

/** The source for kernels without per-pod EPC accounting: always unmeasured, never an error. */
export class UnmeasuredUsageSource implements UsageSource {
  readonly name = 'none';
  sample(): Promise<UsageSample> {
    return Promise.resolve({ measured: false, podBytes: new Map(), problems: [] });
  }
}
