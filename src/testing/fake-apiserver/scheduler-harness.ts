/** Shared set-up of the scheduler's tests: a scheduler on a fake API server with fast timings. */
import { buildProfile, formatConfigIssues, parseProfileConfig } from '../../core/index.js';
import type { Profile } from '../../core/index.js';
import type { FakeApiServer } from './index.js';
import { memoryLogger } from '../../k8s/client/log.js';
import { Scheduler, type SchedulerOptions } from '../../k8s/scheduler/scheduler.js';
import { SchedulerMetrics } from '../../k8s/scheduler/metrics.js';

export function profileOf(input: Record<string, unknown>): Profile {
  const parsed = parseProfileConfig(input);
  if (!parsed.ok) throw new Error(formatConfigIssues(parsed.issues));
  return buildProfile(parsed.value);
}

export function testScheduler(
  api: FakeApiServer,
  extra: Partial<SchedulerOptions> = {},
): Scheduler & { log: ReturnType<typeof memoryLogger> } {
  const log = memoryLogger();
  const s = new Scheduler({
    kc: api.makeKubeConfig(),
    schedulerName: 'sgx-scheduler',
    profile: profileOf({ policy: 'binpack', usage: 'requests' }),
    convert: { epcResource: 'sgx.intel.com/epc' },
    log,
    identity: 'replica-a',
    metrics: new SchedulerMetrics({ defaultMetrics: false }),
    initialBackoffMs: 100,
    maxBackoffMs: 400,
    informerBackoffMs: 50,
    ...extra,
  });
  return Object.assign(s, { log });
}

/** node name -> pods bound there, from the server's binding log. */
export function placements(api: FakeApiServer): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const b of api.state.bindings) m.set(b.node, [...(m.get(b.node) ?? []), b.name]);
  return m;
}

export function assertBoundOnce(api: FakeApiServer): void {
  const seen = new Set<string>();
  for (const b of api.state.bindings) {
    const k = `${b.namespace}/${b.name}/${b.uid}`;
    if (seen.has(k)) throw new Error(`pod ${k} was bound twice`);
    seen.add(k);
  }
}
