import type { WorkloadRecord } from '../../trace/index.js';
import type { SimJob } from '../run/job.js';

/**
 * Turns workload records (trace seconds, EPC and memory amounts side by side) into simulation jobs
 * (seconds from the window start, one request and one usage in the pod's own resource).
 *
 * `origin` is the trace time of simulated time 0: the window start, or the first record's submit
 * when the whole input is replayed. A sync source gives a sync sequence (no promise per job).
 */
export function jobsFromRecords(records: Iterable<WorkloadRecord>, origin: number | null): Iterable<SimJob>;
export function jobsFromRecords(
  records: AsyncIterable<WorkloadRecord>,
  origin: number | null,
): AsyncIterable<SimJob>;
export function jobsFromRecords(
  records: AsyncIterable<WorkloadRecord> | Iterable<WorkloadRecord>,
  origin: number | null,
): AsyncIterable<SimJob> | Iterable<SimJob> {
  if (Symbol.iterator in records) return syncJobs(records, origin);
  return asyncJobs(records, origin);
}

function* syncJobs(records: Iterable<WorkloadRecord>, origin: number | null): Generator<SimJob> {
  let zero = origin;
  for (const r of records) {
    zero ??= r.submit;
    yield recordToJob(r, zero);
  }
}

async function* asyncJobs(
  records: AsyncIterable<WorkloadRecord>,
  origin: number | null,
): AsyncGenerator<SimJob> {
  let zero = origin;
  for await (const r of records) {
    zero ??= r.submit;
    yield recordToJob(r, zero);
  }
}

export function recordToJob(r: WorkloadRecord, origin: number): SimJob {
  return {
    id: r.id,
    submit: Math.max(0, r.submit - origin),
    duration: r.duration,
    sgx: r.sgx,
    requestBytes: r.sgx ? r.epcRequestBytes : r.memoryRequestBytes,
    usageBytes: r.sgx ? r.epcUsedBytes : r.memoryUsedBytes,
    cpuMillis: r.cpuRequestMillis,
  };
}
