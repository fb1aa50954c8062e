/**
 * One unit of work the simulation replays: a pod to submit. Built from a trace's workload records
 * (see ../workload) or directly by tests. Times are seconds from the start of the replayed window.
 */
export interface SimJob {
  /** Workload id (`job_id` in the results). */
  readonly id: string;
  /** When the pod enters the pending queue; jobs must come in non-decreasing `submit` order. */
  readonly submit: number;
  /** How long it runs alone, without paging (seconds, >= 0). */
  readonly duration: number;
  /** An SGX pod: its request is EPC; a standard pod's request is memory. */
  readonly sgx: boolean;
  /** Requested EPC bytes (SGX pod, which is also its limit) or memory bytes (standard pod). */
  readonly requestBytes: number;
  /** What it really uses: enclave size (SGX) or memory working set (standard), bytes. */
  readonly usageBytes: number;
  /** Requested CPU, millicores (0 when the workload does not model CPU). */
  readonly cpuMillis: number;
  /** Memory intensity for the paging model (1 = memory-bound; default 1). */
  readonly intensity?: number;
  /**
   * For an id made of three whole numbers joined by '-' (a Borg placement: job id, task index and
   * start in microseconds): writes them at `out[at]`, `out[at + 1]`, `out[at + 2]` and returns true,
   * so that the thread writing the pods CSV formats the id, not the simulation's, and so that the
   * simulation keeps nothing of the job after its arrival (a stream gets it back at once:
   * `JobStream.recycle`). Optional.
   */
  idParts?(out: Float64Array, at: number): boolean;
}

/** A job that breaks the input contract (order, negative amounts): names the job and the field. */
export class SimInputError extends Error {
  constructor(
    readonly jobId: string,
    readonly field: string,
    message: string,
  ) {
    super(`job ${jobId}: ${field}: ${message}`);
    this.name = 'SimInputError';
  }
}
