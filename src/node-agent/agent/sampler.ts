import type { EnforcementState, EpcLimit, LimitEnforcer } from '../enforcement/limit-enforcer.js';
import type { Problem } from '../host/problems.js';
import type { NodeAgentMetrics, PodMetricRow } from '../metrics/agent-metrics.js';
import type { UsageSource } from '../usage/usage-source.js';
import type { Logger } from './log.js';
import type { NodePod, UnrequestedEpcPolicy } from './node-pod.js';

export interface SamplerOptions {
  readonly usage: UsageSource;
  readonly enforcer: LimitEnforcer;
  /** The pods bound to this node now (from the API server watch). */
  readonly pods: () => readonly NodePod[];
  readonly metrics: NodeAgentMetrics;
  readonly log: Logger;
  readonly unrequested: UnrequestedEpcPolicy;
  readonly now?: () => number;
}

export interface SampleReport {
  readonly measured: boolean;
  readonly rows: readonly PodMetricRow[];
  readonly nodeUsageBytes: number;
  readonly unmatchedCgroups: number;
  readonly enforcement: EnforcementState;
  readonly problems: readonly Problem[];
}

/**
 * One probe cycle: read every pod's EPC usage, hold every pod to its limit, publish the metrics.
 * The paper's probe did the first part every 7 s; its modified driver did the second at enclave
 * initialisation. A failing file never stops the cycle: it is logged (once until it recovers) and
 * counted.
 */
export class Sampler {
  private readonly o: SamplerOptions;
  private readonly now: () => number;
  /** Problems already logged, keyed by path and reason, so that a broken file logs once, not every cycle. */
  private logged = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<SampleReport> | undefined;
  lastSampleAtMs: number | undefined;

  constructor(options: SamplerOptions) {
    this.o = options;
    this.now = options.now ?? Date.now;
  }

  /** Runs one cycle; concurrent calls share the cycle in flight. */
  sampleOnce(): Promise<SampleReport> {
    this.running ??= this.cycle().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async cycle(): Promise<SampleReport> {
    const started = this.now();
    const pods = this.o.pods();
    const byUid = new Map(pods.map((p) => [p.uid, p]));
    const limits = new Map<string, EpcLimit>();
    for (const p of pods) {
      if (p.epcLimitBytes > 0) limits.set(p.uid, p.epcLimitBytes);
      else if (this.o.unrequested === 'zero') limits.set(p.uid, 0);
      else limits.set(p.uid, 'max');
    }

    // Independent reads and writes of different files: run both at once.
    const [usage, enforcement] = await Promise.all([
      this.o.usage.sample(),
      this.o.enforcer.reconcile(limits),
    ]);

    const rows: PodMetricRow[] = [];
    for (const p of pods) {
      const used = usage.measured ? (usage.podBytes.get(p.uid) ?? 0) : undefined;
      if (p.epcLimitBytes === 0 && (used === undefined || used === 0)) continue;
      rows.push({
        namespace: p.namespace,
        pod: p.name,
        uid: p.uid,
        usageBytes: used,
        limitBytes: p.epcLimitBytes,
        enforced: enforcement.enforced.has(p.uid),
      });
    }
    let nodeUsageBytes = 0;
    let unmatchedCgroups = 0;
    for (const [uid, bytes] of usage.podBytes) {
      nodeUsageBytes += bytes;
      if (byUid.has(uid)) continue;
      // A pod cgroup no known pod owns (being deleted, or the pod list lags): its EPC is real, so
      // it is published under its UID alone.
      unmatchedCgroups++;
      rows.push({ namespace: '', pod: '', uid, usageBytes: bytes, limitBytes: undefined, enforced: false });
    }

    const problems = [...usage.problems, ...enforcement.problems];
    this.report(problems);
    const finished = this.now();
    this.o.metrics.recordSample({
      measured: usage.measured,
      rows,
      nodeUsageBytes,
      unmatchedCgroups,
      enforcement: enforcement.state,
      writes: enforcement.writes,
      finishedAtMs: finished,
      durationMs: finished - started,
    });
    if (enforcement.writes.success > 0) {
      this.o.log('info', 'EPC limits written', { writes: enforcement.writes.success });
    }
    this.lastSampleAtMs = finished;
    return {
      measured: usage.measured,
      rows,
      nodeUsageBytes,
      unmatchedCgroups,
      enforcement: enforcement.state,
      problems,
    };
  }

  private report(problems: readonly Problem[]): void {
    const now = new Set<string>();
    for (const p of problems) {
      this.o.metrics.recordUsageProblem(p);
      const key = `${p.path}\u0000${p.reason}`;
      now.add(key);
      if (!this.logged.has(key)) {
        this.o.log('warn', `cannot use ${p.file}`, { path: p.path, reason: p.reason, detail: p.detail });
      }
    }
    for (const key of this.logged) {
      if (!now.has(key)) this.o.log('info', 'host file usable again', { path: key.split('\u0000')[0] });
    }
    this.logged = now;
  }

  /** Samples now and then every `intervalMs`; errors are logged, never thrown. */
  start(intervalMs: number): void {
    const tick = (): void => {
      this.sampleOnce().catch((err: unknown) => {
        this.o.log('error', 'sample failed', { error: err instanceof Error ? err.message : String(err) });
      });
    };
    tick();
    this.timer = setInterval(tick, intervalMs);
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
