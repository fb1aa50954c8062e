/**
 * One replay invocation from start to end: build the plan, open (or resume) the state file, check
 * that a resumed run has the same settings, create the pods, and leave the state complete.
 */
import { createHash } from 'node:crypto';
import type { ReplayApi } from './api.js';
import type { Clock } from './clock.js';
import type { ManifestOptions } from './manifest.js';
import type { ReplayItem, ReplayPlan } from './plan.js';
import { TokenBucket } from './rate-limit.js';
import { runReplay } from './replayer.js';
import type { ReplayOutcome, ReplayProgress } from './replayer.js';
import { STATE_VERSION, StateFileError, StateRecorder, readState, writeState } from './state.js';
import type { ReplayState, RunDescription } from './state.js';

export interface SessionOptions {
  readonly plan: ReplayPlan;
  /** Manifest settings without the origin (fixed by the session). */
  readonly manifest: Omit<ManifestOptions, 'originMs'>;
  readonly description: RunDescription;
  readonly api: Pick<ReplayApi, 'createPod'>;
  readonly clock: Clock;
  /** Null: keep the state in memory only (tests). */
  readonly statePath: string | null;
  readonly rate: { readonly qps: number; readonly burst: number };
  readonly concurrency?: number;
  /** Seconds of wall clock between starting and the first arrival (default 2: room to set up). */
  readonly leadSeconds?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: ReplayProgress) => void;
  /** Called once the state is known: fresh start or resume, and how much is already done. */
  readonly onStart?: (info: { resumed: boolean; alreadyCreated: number; originMs: number }) => void;
}

export interface SessionOutcome extends ReplayOutcome {
  readonly state: ReplayState;
}

/** Hash of everything that decides which pods exist and what they contain. */
export function fingerprint(
  items: readonly ReplayItem[],
  manifest: Omit<ManifestOptions, 'originMs'>,
): string {
  const h = createHash('sha256');
  h.update(
    JSON.stringify({
      ...manifest,
      sgxTemplate: manifest.sgxTemplate.body,
      standardTemplate: manifest.standardTemplate.body,
    }),
  );
  for (const i of items) h.update(JSON.stringify(i));
  return h.digest('hex').slice(0, 16);
}

export async function replaySession(o: SessionOptions): Promise<SessionOutcome> {
  const fp = fingerprint(o.plan.items, o.manifest);
  const previous = o.statePath === null ? undefined : readState(o.statePath);
  if (previous !== undefined) {
    if (previous.runId !== o.manifest.runId)
      throw new StateFileError(
        `${o.statePath}: belongs to run ${previous.runId}, not ${o.manifest.runId}; pass --state-file for this run`,
      );
    if (previous.fingerprint !== fp)
      throw new StateFileError(
        `${o.statePath}: run ${previous.runId} was started with other settings (workload, mapping, templates, namespace or compression differ); ` +
          'resume it with the same flags, or start a new run with another --run-id',
      );
  }
  const originMs = previous?.originMs ?? o.clock.now() + (o.leadSeconds ?? 2) * 1000;
  const initial: ReplayState = previous ?? {
    version: STATE_VERSION,
    runId: o.manifest.runId,
    fingerprint: fp,
    namespace: o.manifest.namespace,
    compression: o.manifest.compression,
    originMs,
    total: o.plan.items.length,
    description: o.description,
    created: [],
    complete: false,
  };
  if (previous === undefined && o.statePath !== null) writeState(o.statePath, initial);
  o.onStart?.({ resumed: previous !== undefined, alreadyCreated: initial.created.length, originMs });
  const state = new StateRecorder(o.statePath, initial);
  const outcome = await runReplay({
    items: o.plan.items,
    manifest: { ...o.manifest, originMs },
    api: o.api,
    state,
    clock: o.clock,
    limiter: new TokenBucket(o.rate.qps, o.rate.burst, o.clock),
    ...(o.concurrency === undefined ? {} : { concurrency: o.concurrency }),
    ...(o.signal === undefined ? {} : { signal: o.signal }),
    ...(o.onProgress === undefined ? {} : { onProgress: o.onProgress }),
  });
  return { ...outcome, state: state.snapshot() };
}
