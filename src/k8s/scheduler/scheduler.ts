/**
 * The SGX-aware scheduler: pods that name it in `spec.schedulerName` are placed by the core's
 * `schedule()` (the same seam the simulator replays) and bound through `pods/binding`.
 *
 * Cycle per pod: pop from the queue -> re-read the pod from the informer (skip if gone, bound, being
 * deleted, gated, or bound by us and not yet confirmed) -> decide -> assume on the node (it counts at
 * once) -> bind asynchronously with the UID as precondition. A refused binding (409/404) drops the
 * assumption and the attempt; the pod comes back only through the informer's view of it, so a pod
 * is never placed twice. No node fits -> PodScheduled=False with the grouped reasons, a
 * FailedScheduling event, back-off. Only the lease holder schedules; losing the lease stops it at once.
 */
import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToIo } from 'node:timers/promises';
import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import { createRng, formatUnschedulable, schedule } from '../../core/index.js';
import type { PodView, Profile } from '../../core/index.js';
import { ClusterCache } from '../client/cache.js';
import { type ConvertOptions, type PodState, isTerminal, podStateOf, tryPodView } from '../client/convert.js';
import { type Logger, errorText, httpStatusOf } from '../client/log.js';
import { type PodRef, type SchedulerApi, clientApi } from './api.js';
import { LeaderElector, leaseClient } from './leader.js';
import { SchedulerMetrics } from './metrics.js';
import { SchedulingQueue } from './queue.js';
import { UsagePoller, type UsagePollingOptions } from '../usage/poller.js';
import { BackgroundWriter } from './writer.js';

export interface LeaderElectionOptions {
  readonly namespace: string;
  readonly name: string;
  readonly leaseDurationMs?: number;
  readonly renewDeadlineMs?: number;
  readonly retryPeriodMs?: number;
}

export interface SchedulerOptions {
  readonly kc: KubeConfig;
  readonly schedulerName: string;
  readonly profile: Profile;
  readonly convert: ConvertOptions;
  readonly log: Logger;
  /** This replica's name in the lease and in events' reportingInstance. */
  readonly identity: string;
  /** Absent: this replica leads alone from the start. */
  readonly leaderElection?: LeaderElectionOptions;
  readonly usage?: UsagePollingOptions;
  readonly metrics?: SchedulerMetrics;
  /** Replaces the API writes (tests). */
  readonly api?: SchedulerApi;
  /** Seed of tie-breaking: the same pod, cluster and seed give the same node. */
  readonly seed?: number;
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Bindings in flight at once (kube-scheduler binds in parallel goroutines too). */
  readonly maxBindsInFlight?: number;
  readonly informerBackoffMs?: number;
}

/** FNV-1a of the pod UID mixed with the seed and the attempt: reproducible per pod. */
function podSeed(seed: number, uid: string, attempt: number): number {
  let h = (0x811c9dc5 ^ seed ^ Math.imul(attempt, 0x9e3779b1)) >>> 0;
  for (let i = 0; i < uid.length; i++) h = Math.imul(h ^ uid.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** An unchanged FailedScheduling event is repeated at most this often per pod. */
const FAILED_EVENT_INTERVAL_MS = 60_000;

function splitKey(key: string): [string, string] {
  const i = key.indexOf('/');
  return [key.slice(0, i), key.slice(i + 1)];
}

export class Scheduler {
  readonly cache: ClusterCache;
  readonly metrics: SchedulerMetrics;
  private readonly queue: SchedulingQueue;
  private readonly api: SchedulerApi;
  private readonly elector: LeaderElector | undefined;
  private readonly poller: UsagePoller | undefined;
  private readonly writer: BackgroundWriter;
  private readonly events: BackgroundWriter;
  private readonly gated = new Set<string>();
  private readonly binding = new Map<string, Promise<void>>();
  /**
   * Where the next sampled search starts (kube-scheduler's `nextStartNodeIndex`), for a profile
   * with `percentageOfNodesToScore`.
   */
  private readonly searchCursor = { next: 0 };
  private slotWaiters: (() => void)[] = [];
  private leading = false;
  private term = 0;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private readonly maxBinds: number;
  private sinceYield = 0;
  /** Last FailedScheduling event per pod UID (to repeat an unchanged one at most once a minute). */
  private readonly lastFailure = new Map<string, { message: string; at: number }>();

  constructor(private readonly o: SchedulerOptions) {
    this.metrics = o.metrics ?? new SchedulerMetrics();
    this.maxBinds = o.maxBindsInFlight ?? 128;
    this.queue = new SchedulingQueue({
      ...(o.initialBackoffMs === undefined ? {} : { initialBackoffMs: o.initialBackoffMs }),
      ...(o.maxBackoffMs === undefined ? {} : { maxBackoffMs: o.maxBackoffMs }),
    });
    this.api =
      o.api ?? clientApi(o.kc, { controller: o.schedulerName, instance: `${o.schedulerName}-${o.identity}` });
    this.cache = new ClusterCache({
      kc: o.kc,
      convert: o.convert,
      log: o.log,
      onPod: (state, _pod, event) => this.onPod(state, event === 'delete'),
      ...(o.informerBackoffMs === undefined ? {} : { initialBackoffMs: o.informerBackoffMs }),
    });
    this.writer = new BackgroundWriter({
      concurrency: 16,
      maxQueued: 10_000,
      log: o.log,
      onDrop: (kind) => this.metrics.droppedWrites.inc({ kind }),
    });
    // Events are best effort, as client-go's broadcaster: fewer at a time than the condition
    // patches, queued up to a bound, then dropped (and counted) while the API server is behind.
    this.events = new BackgroundWriter({
      concurrency: 8,
      maxQueued: 20_000,
      log: o.log,
      onDrop: (kind) => this.metrics.droppedWrites.inc({ kind }),
    });
    if (o.leaderElection !== undefined) {
      const le = o.leaderElection;
      this.elector = new LeaderElector({
        client: leaseClient(o.kc, le.namespace, le.name),
        identity: o.identity,
        ...(le.leaseDurationMs === undefined ? {} : { leaseDurationMs: le.leaseDurationMs }),
        ...(le.renewDeadlineMs === undefined ? {} : { renewDeadlineMs: le.renewDeadlineMs }),
        ...(le.retryPeriodMs === undefined ? {} : { retryPeriodMs: le.retryPeriodMs }),
        log: o.log,
        onStartedLeading: () => this.startLeading(),
        onStoppedLeading: () => this.stopLeading(),
      });
    }
    // Queue depths are read when Prometheus scrapes, not written per pod.
    this.metrics.onCollect(() => {
      const d = this.pendingDepth;
      this.metrics.pending.set({ queue: 'active' }, d.active);
      this.metrics.pending.set({ queue: 'backoff' }, d.backoff);
      this.metrics.pending.set({ queue: 'gated' }, d.gated);
      this.metrics.pending.set({ queue: 'binding' }, d.binding);
      this.metrics.informerRestarts.set(this.cache.informerRestarts);
    });
    if (o.usage !== undefined)
      this.poller = new UsagePoller({ ...o.usage, cache: this.cache, log: o.log, metrics: this.metrics });
  }

  /** Syncs the caches, then competes for the lease (or leads at once without leader election). */
  async start(): Promise<void> {
    this.o.log('info', 'starting scheduler', {
      scheduler: this.o.schedulerName,
      identity: this.o.identity,
      profile: this.o.profile.config.name,
      policy: this.o.profile.config.policy,
      usage: this.o.usage?.source.name ?? 'none',
      leaderElection:
        this.o.leaderElection === undefined
          ? false
          : `${this.o.leaderElection.namespace}/${this.o.leaderElection.name}`,
    });
    await this.cache.start();
    if (this.stopping) return;
    this.o.log('info', 'caches synced', {
      nodes: this.cache.snapshot.size,
      pods: this.cache.snapshot.podCount,
    });
    this.poller?.start();
    if (this.elector !== undefined) this.elector.start();
    else this.startLeading();
  }

  get ready(): boolean {
    return this.cache.synced && !this.stopping;
  }

  /** Leading and, with leader election, holding a lease renewed within the deadline. */
  get isLeader(): boolean {
    return this.leading && (this.elector === undefined || this.elector.isLeader());
  }

  /** Liveness: not stuck holding a lease it cannot renew (client-go's leader-election health check). */
  get healthy(): boolean {
    const since = this.elector?.sinceRenew();
    return since === undefined || since < (this.o.leaderElection?.leaseDurationMs ?? 15_000) + 20_000;
  }

  get pendingDepth(): { active: number; backoff: number; gated: number; binding: number } {
    return { ...this.queue.depth, gated: this.gated.size, binding: this.binding.size };
  }

  private isMinePending(s: PodState): boolean {
    return (
      s.schedulerName === this.o.schedulerName &&
      s.nodeName === undefined &&
      !s.deleting &&
      !isTerminal(s.phase)
    );
  }

  private onPod(s: PodState, deleted: boolean): void {
    if (deleted || !this.isMinePending(s)) {
      this.queue.delete(s.key);
      this.gated.delete(s.key);
      this.lastFailure.delete(s.uid);
      return;
    }
    if (s.gated) {
      this.queue.delete(s.key);
      this.gated.add(s.key);
      return;
    }
    this.gated.delete(s.key);
    if (this.leading && !this.binding.has(s.key)) this.queue.add(s.key, s.priority);
  }

  private startLeading(): void {
    this.term++;
    this.leading = true;
    this.metrics.leader.set(1);
    this.queue.clear();
    let n = 0;
    for (const pod of this.cache.pods()) {
      const s = podStateOf(pod);
      if (this.isMinePending(s) && !s.gated) {
        this.queue.add(s.key, s.priority);
        n++;
      }
    }
    this.o.log('info', 'scheduling', { identity: this.o.identity, pending: n });
    const term = this.term;
    this.loop = this.runLoop(term).catch((err: unknown) => {
      this.o.log('error', 'scheduling loop failed', { error: errorText(err) });
    });
  }

  private stopLeading(): void {
    if (!this.leading) return;
    this.leading = false;
    this.term++;
    this.metrics.leader.set(0);
    this.queue.interrupt();
    this.queue.clear();
    this.o.log('warn', 'stopped scheduling: not the leader', { identity: this.o.identity });
  }

  private async runLoop(term: number): Promise<void> {
    while (this.leading && this.term === term && !this.stopping) {
      const key = await this.queue.pop();
      if (key === undefined || !this.leading || this.term !== term || this.stopping) break;
      if (this.elector !== undefined && !this.elector.isLeader()) {
        // The renew deadline passed: no decisions until the lease is renewed or lost.
        this.queue.add(key);
        await new Promise((ok) => setTimeout(ok, 100));
        continue;
      }
      if (this.binding.size >= this.maxBinds) await new Promise<void>((ok) => this.slotWaiters.push(ok));
      this.scheduleOne(key);
      // Let watch events and binding answers in between pods (every few pods: a turn of the event
      // loop per pod costs more than the decision).
      if (++this.sinceYield >= 8) {
        this.sinceYield = 0;
        await yieldToIo();
      }
    }
  }

  /** One scheduling attempt (synchronous: the binding goes on in the background). */
  private scheduleOne(key: string): void {
    const [namespace, name] = splitKey(key);
    const pod = this.cache.pod(namespace, name);
    if (pod === undefined) return;
    const s = podStateOf(pod);
    if (!this.isMinePending(s) || s.gated || this.binding.has(key) || this.cache.isAssumed(s.uid)) return;
    const ref: PodRef = { namespace, name, uid: s.uid };
    const converted = tryPodView(pod);
    if (!converted.ok) {
      this.metrics.attempts.inc({ result: 'error' });
      this.reportFailure(pod, ref, 'SchedulerError', `cannot read the pod: ${converted.error}`);
      this.queue.backoff(key, s.priority);
      return;
    }
    const view = converted.view;
    const attempt = this.queue.attemptsOf(key);
    const t0 = performance.now();
    const decision = schedule(this.cache.snapshot, view, this.o.profile, {
      rng: createRng(podSeed(this.o.seed ?? 1, s.uid, attempt)),
      now: Date.now(),
      cursor: this.searchCursor,
    });
    const seconds = (performance.now() - t0) / 1000;
    if (decision.error !== undefined) {
      this.metrics.attempts.inc({ result: 'error' });
      this.metrics.attemptDuration.observe({ result: 'error' }, seconds);
      this.o.log('error', 'scheduling error', { pod: key, error: decision.error });
      this.reportFailure(pod, ref, 'SchedulerError', decision.error);
      this.queue.backoff(key, s.priority);
      return;
    }
    if (decision.node === undefined) {
      this.metrics.attempts.inc({ result: 'unschedulable' });
      this.metrics.attemptDuration.observe({ result: 'unschedulable' }, seconds);
      const message = `0/${this.cache.snapshot.size} nodes are available: ${formatUnschedulable(decision.unschedulable)}.`;
      const retryInMs = this.queue.backoff(key, s.priority);
      this.o.log('info', 'pod unschedulable', {
        pod: key,
        reasons: message,
        retryInMs,
        notes: decision.notes,
      });
      this.reportFailure(pod, ref, 'Unschedulable', message);
      return;
    }
    this.metrics.attemptDuration.observe({ result: 'scheduled' }, seconds);
    if (decision.notes.length > 0) this.o.log('debug', 'decision notes', { pod: key, notes: decision.notes });
    this.cache.assume(view, decision.node);
    const done = this.bind(key, ref, view, decision.node, s.priority).finally(() => {
      this.binding.delete(key);
      this.slotWaiters.shift()?.();
    });
    this.binding.set(key, done);
  }

  private async bind(key: string, ref: PodRef, view: PodView, node: string, priority: number): Promise<void> {
    if (!this.isLeader) {
      // Fencing: leadership ended between decision and binding.
      this.cache.forgetAssumed(view.uid);
      return;
    }
    const t0 = performance.now();
    try {
      await this.api.bind(ref, node);
    } catch (err) {
      this.cache.forgetAssumed(view.uid);
      const status = httpStatusOf(err);
      if (status === 409 || status === 404) {
        // Already bound, being deleted, or recreated with another UID: never a second placement of
        // this attempt. Whether the pod still needs a node is the informer's to say after back-off.
        this.metrics.bindConflicts.inc();
        this.o.log('info', 'binding refused, reconciling from the informer', {
          pod: key,
          node,
          error: errorText(err),
        });
      } else {
        this.metrics.bindErrors.inc();
        this.metrics.attempts.inc({ result: 'error' });
        this.o.log('warn', 'binding failed, retrying', { pod: key, node, error: errorText(err) });
      }
      if (!this.stopping) this.queue.backoff(key, priority);
      return;
    }
    const now = Date.now();
    this.metrics.bindDuration.observe((performance.now() - t0) / 1000);
    this.metrics.attempts.inc({ result: 'scheduled' });
    const since = this.queue.takeSince(key);
    if (since !== undefined) this.metrics.e2eDuration.observe((now - since) / 1000);
    this.o.log('debug', 'bound pod', { pod: key, node });
    this.events.submit('event', { pod: key }, () =>
      this.api.createEvent({
        pod: ref,
        type: 'Normal',
        reason: 'Scheduled',
        action: 'Binding',
        note: `Successfully assigned ${key} to ${node}`,
      }),
    );
  }

  private reportFailure(
    pod: V1Pod,
    ref: PodRef,
    reason: 'Unschedulable' | 'SchedulerError',
    message: string,
  ): void {
    const key = `${ref.namespace}/${ref.name}`;
    const current = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    // Like kube-scheduler: no write when the condition already says exactly this.
    if (current?.status !== 'False' || current.reason !== reason || current.message !== message)
      this.writer.submit('condition', { pod: key }, () =>
        this.api.setPodScheduled(ref, { status: 'False', reason, message }),
      );
    // One FailedScheduling event per pod and message per minute: a pod pending for hours retries
    // every 10 s, and the same words each time would only bury the other events.
    const now = Date.now();
    const last = this.lastFailure.get(ref.uid);
    if (last !== undefined && last.message === message && now - last.at < FAILED_EVENT_INTERVAL_MS) return;
    this.lastFailure.set(ref.uid, { message, at: now });
    this.events.submit('event', { pod: key }, () =>
      this.api.createEvent({
        pod: ref,
        type: 'Warning',
        reason: 'FailedScheduling',
        action: 'Scheduling',
        note: message,
      }),
    );
  }

  /** Graceful stop: no new attempts, bindings in flight finish, writes drain, the lease is released. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.o.log('info', 'stopping scheduler', {
      identity: this.o.identity,
      bindingsInFlight: this.binding.size,
    });
    this.queue.interrupt();
    for (const w of this.slotWaiters.splice(0)) w();
    await this.loop;
    await Promise.allSettled([...this.binding.values()]);
    await Promise.all([this.writer.drain(5000), this.events.drain(5000)]);
    await this.elector?.stop(true);
    this.leading = false;
    this.metrics.leader.set(0);
    await this.poller?.stop();
    this.queue.clear();
    await this.cache.stop();
    this.api.close?.();
    this.o.log('info', 'scheduler stopped', { identity: this.o.identity });
  }
}
