/**
 * Live trace replay: the simulator's workload created as pods on a real cluster at the trace's
 * arrival times (optionally compressed), resumable and idempotent, with clean-up and a collector
 * that reads the pods back into the simulator's results format.
 */
export { ANNOTATIONS, KIND_LABEL, RUN_LABEL, newRunId, podName, runIdProblem, runSelector } from './names.js';
export type { AttackSpec, ItemKind, PlanOptions, ReplayItem, ReplayPlan } from './plan.js';
export { buildPlan } from './plan.js';
export type { Json, PodTemplate, TemplateValues } from './template.js';
export {
  DEFAULT_SGX_TEMPLATE,
  DEFAULT_STANDARD_TEMPLATE,
  TEMPLATE_PLACEHOLDERS,
  TemplateError,
  checkTemplate,
  loadTemplate,
  renderTemplate,
} from './template.js';
export type { ManifestOptions } from './manifest.js';
export { epcQuantity, liveSeconds, podManifest } from './manifest.js';
export type { Clock } from './clock.js';
export { systemClock } from './clock.js';
export { TokenBucket } from './rate-limit.js';
export type { ReplayState, RunDescription } from './state.js';
export { STATE_VERSION, StateFileError, StateRecorder, readState, writeState } from './state.js';
export type { PodEventRecord, RawNode, RawPod, ReplayApi } from './api.js';
export { RestReplayApi } from './api.js';
export type { ReplayOutcome, ReplayProgress, ReplayRunOptions } from './replayer.js';
export { ReplayError, runReplay } from './replayer.js';
export type { CleanupOutcome } from './cleanup.js';
export { cleanupRun } from './cleanup.js';
export type { CollectOptions, CollectOutcome, CollectedPod } from './collect.js';
export { collectPod, collectRun, simNodeOf } from './collect.js';
export type { SessionOptions, SessionOutcome } from './session.js';
export { fingerprint, replaySession } from './session.js';
