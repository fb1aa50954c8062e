/**
 * Deletes the pods of one replay run, found by the run-id label only (never by name pattern, so
 * nothing that the replay did not create is touched), rate limited like the replay itself.
 */
import type { ReplayApi } from './api.js';
import { RUN_LABEL, runSelector } from './names.js';
import type { TokenBucket } from './rate-limit.js';

export interface CleanupOutcome {
  readonly found: number;
  readonly deleted: number;
  /** Already gone between the list and the delete. */
  readonly gone: number;
}

export async function cleanupRun(
  api: Pick<ReplayApi, 'listPods' | 'deletePod'>,
  o: {
    namespace: string;
    runId: string;
    limiter: TokenBucket;
    signal?: AbortSignal;
    onProgress?: (done: number, total: number) => void;
  },
): Promise<CleanupOutcome> {
  const pods = await api.listPods(o.namespace, runSelector(o.runId));
  let deleted = 0;
  let gone = 0;
  for (const p of pods) {
    // The list honours the selector; this guards against a server that would not.
    if (p.metadata.labels?.[RUN_LABEL] !== o.runId) continue;
    if (o.signal?.aborted === true) break;
    await o.limiter.take(o.signal);
    if ((await api.deletePod(o.namespace, p.metadata.name)) === 'deleted') deleted++;
    else gone++;
    o.onProgress?.(deleted + gone, pods.length);
  }
  return { found: pods.length, deleted, gone };
}
