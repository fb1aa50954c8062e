import { createRng } from '../../core/index.js';
import type { ResolvedMapping, WorkloadRecord } from './record.js';
import { PAGE_BYTES } from './record.js';

/**
 * A pod-to-be in trace terms, whatever format it was read from: times in microseconds, amounts as
 * the trace's normalised fractions. The mapping turns it into a `WorkloadRecord`.
 */
export interface Span {
  readonly id: string;
  readonly jobId: string;
  readonly taskIndex: number;
  readonly submitUs: number;
  readonly startUs: number;
  readonly endUs: number;
  readonly censored: boolean;
  readonly initial: boolean;
  readonly priority: number;
  readonly schedulingClass: number;
  /** NaN when the trace has none (treated as 0). */
  readonly cpuFraction: number;
  readonly requestFraction: number;
  /** Measured usage; undefined or NaN when the trace has none (the usage model applies). */
  readonly usedFraction: number | undefined;
  /** Position in the input, for a stable order among equal submit times. */
  readonly order: number;
  /** For the paper CSV: its line index (thinning goes by line there). */
  readonly lineIndex?: number;
}

/** 32-bit FNV-1a of a string, mixed with a seed: independent per-job and per-record draws. */
export function seedFor(seed: number, salt: number, key: string): number {
  let h = (0x811c9dc5 ^ Math.imul(seed | 0, 0x9e3779b1) ^ salt) >>> 0;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // Final avalanche (murmur3 fmix32) so that near keys give unrelated seeds.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

const SGX_SALT = 0x5347; // "SG"
const USAGE_SALT = 0x5553; // "US"

/**
 * Whether a job is SGX: one draw per job from a generator seeded with (seed, job id), so the answer
 * does not depend on the order jobs are met, on the window or on thinning.
 */
export function isSgxJob(jobId: string, share: number, seed: number): boolean {
  if (share <= 0) return false;
  if (share >= 1) return true;
  return createRng(seedFor(seed, SGX_SALT, jobId)).next() < share;
}

/** A normalised fraction in bytes, rounded down to whole pages (the paper's int() of pages). */
export function fractionToBytes(fraction: number, bytesPerUnit: number): number {
  if (!(fraction > 0)) return 0;
  return Math.floor((fraction * bytesPerUnit) / PAGE_BYTES) * PAGE_BYTES;
}

/** The used fraction of a span: measured when the trace has it, else the usage model's. */
export function usedFractionOf(span: Span, m: ResolvedMapping): number {
  const measured = span.usedFraction;
  if (measured !== undefined && !Number.isNaN(measured)) return measured;
  const request = span.requestFraction;
  switch (m.usage.kind) {
    case 'request':
      return request;
    case 'ratio':
      return request * m.usage.ratio;
    case 'uniform': {
      const u = createRng(seedFor(m.seed, USAGE_SALT, span.id)).next();
      return request * (m.usage.min + (m.usage.max - m.usage.min) * u);
    }
  }
}

/** The record of a span under a mapping. The window is applied by the caller. */
export function mapSpan(span: Span, m: ResolvedMapping, windowStartUs: number): WorkloadRecord {
  const sgx = isSgxJob(span.jobId, m.sgxShare, m.seed);
  const requestFraction = Number.isNaN(span.requestFraction) ? 0 : span.requestFraction;
  const usedFraction = usedFractionOf({ ...span, requestFraction }, m);
  // An initial pod (running before the window) arrives at the window start with what is left to run.
  const submitUs = span.initial ? Math.max(windowStartUs, span.submitUs) : span.submitUs;
  const runFromUs = span.initial ? Math.max(span.startUs, windowStartUs) : span.startUs;
  const record: WorkloadRecord = {
    id: span.id,
    jobId: span.jobId,
    taskIndex: span.taskIndex,
    submit: submitUs / 1e6,
    duration: Math.max(0, span.endUs - runFromUs) / 1e6,
    sgx,
    epcRequestBytes: sgx ? fractionToBytes(requestFraction, m.epcBytesPerUnit) : 0,
    epcUsedBytes: sgx ? fractionToBytes(usedFraction, m.epcBytesPerUnit) : 0,
    memoryRequestBytes: sgx ? 0 : fractionToBytes(requestFraction, m.memoryBytesPerUnit),
    memoryUsedBytes: sgx ? 0 : fractionToBytes(usedFraction, m.memoryBytesPerUnit),
    cpuRequestMillis: Number.isNaN(span.cpuFraction) ? 0 : Math.round(span.cpuFraction * m.cpuMillisPerUnit),
    priority: span.priority,
    schedulingClass: Math.max(0, span.schedulingClass),
    censored: span.censored,
    ...(span.initial ? { initial: true } : {}),
    requestFraction,
    usedFraction,
  };
  return record;
}
