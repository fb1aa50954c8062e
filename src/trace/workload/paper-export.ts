import type { WorkloadRecord } from './record.js';
import { DEFAULT_EPC_BYTES_PER_UNIT, DEFAULT_MEMORY_BYTES_PER_UNIT } from './record.js';

/**
 * One line of the paper's CSV for a record: `start_us,end_us,job_id,requested_fraction,used_fraction`.
 * Times are whole microseconds (start = submit, end = start + duration); the fractions are the
 * trace's own when the record carries them, else recovered from the bytes with the default scales.
 * Numbers are printed as JavaScript prints them, so the same record is always the same line.
 */
export function recordToPaperCsv(r: WorkloadRecord): string {
  const startUs = Math.round(r.submit * 1e6);
  const endUs = startUs + Math.round(r.duration * 1e6);
  const requested = r.requestFraction ?? fractionOf(r, 'request');
  const used = r.usedFraction ?? fractionOf(r, 'used');
  return `${startUs},${endUs},${r.jobId},${requested},${used}`;
}

function fractionOf(r: WorkloadRecord, which: 'request' | 'used'): number {
  const bytes = r.sgx
    ? which === 'request'
      ? r.epcRequestBytes
      : r.epcUsedBytes
    : which === 'request'
      ? r.memoryRequestBytes
      : r.memoryUsedBytes;
  return bytes / (r.sgx ? DEFAULT_EPC_BYTES_PER_UNIT : DEFAULT_MEMORY_BYTES_PER_UNIT);
}
