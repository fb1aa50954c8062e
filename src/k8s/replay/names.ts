/**
 * Names, labels and annotations of replayed pods. Pod names are deterministic (run id + record id),
 * so a re-run after a crash gets 409 AlreadyExists for what was already created instead of a
 * duplicate, and `cleanup` finds a run's pods by its run-id label alone.
 */
import { createHash } from 'node:crypto';

const PREFIX = 'replay.sgx-orchestrator.io';

/** Label carrying the run id: the only selector `cleanup` and `collect` use. */
export const RUN_LABEL = `${PREFIX}/run`;
/** Label `sgx` / `standard` / `attacker`, for kubectl users. */
export const KIND_LABEL = `${PREFIX}/kind`;
/** Label naming the tool that created the pod. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'sgx-orchestrator-replay';

/** Annotations: what `collect` needs to turn the pod back into a result row. */
export const ANNOTATIONS = {
  /** Workload record id (`job_id` of the results). */
  record: `${PREFIX}/record`,
  /** Planned arrival, trace seconds from the window start. */
  submit: `${PREFIX}/submit`,
  /** Nominal duration, trace seconds. */
  duration: `${PREFIX}/duration`,
  requestedPages: `${PREFIX}/requested-pages`,
  actualPages: `${PREFIX}/actual-pages`,
  /** Wall-clock milliseconds (Unix) of trace time `submit = 0` for this run. */
  origin: `${PREFIX}/origin-ms`,
  /** Trace seconds per wall-clock second. */
  compression: `${PREFIX}/time-compression`,
  /** The replayer's clock (Unix ms) when it sent the create: the API server stamps whole seconds. */
  createdAt: `${PREFIX}/created-at-ms`,
} as const;

/** Kubernetes label values (and so run ids): at most 63 characters, alphanumeric ends. */
const LABEL_VALUE = /^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$/;

/** Why a run id is not usable, or null when it is (a DNS label of at most 40 characters). */
export function runIdProblem(runId: string): string | null {
  return LABEL_VALUE.test(runId)
    ? null
    : `run id ${JSON.stringify(runId)} must be 1-40 lowercase letters, digits or '-', starting and ending with a letter or digit`;
}

/** A fresh run id from the wall clock: `replay-20261128-031500`. */
export function newRunId(now: Date): string {
  const iso = now.toISOString();
  return `replay-${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}`;
}

/**
 * The pod name of a record: `<run>-<record id>` lowercased with other characters turned into '-',
 * shortened with a hash of the full id when it would exceed 63 characters (kept below the DNS
 * label limit so the name also works as a hostname).
 */
export function podName(runId: string, recordId: string): string {
  const cleaned = recordId
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const full = `${runId}-${cleaned === '' ? 'x' : cleaned}`;
  if (full.length <= 63 && cleaned === recordId) return full;
  const hash = createHash('sha256').update(recordId).digest('hex').slice(0, 8);
  const room = 63 - runId.length - hash.length - 2;
  const head = cleaned.slice(0, Math.max(0, room)).replace(/-+$/, '');
  return head === '' ? `${runId}-${hash}` : `${runId}-${head}-${hash}`;
}

/** Label selector of a run's pods. */
export function runSelector(runId: string): string {
  return `${RUN_LABEL}=${runId}`;
}
