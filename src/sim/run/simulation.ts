import {
  ClusterSnapshot,
  PAGE_BYTES,
  buildProfile,
  createRng,
  formatConfigIssues,
  parseProfileConfig,
  schedule,
} from '../../core/index.js';
import type {
  Decision,
  NodeSpec,
  PodView,
  Profile,
  Reason,
  Resources,
  Rng,
  SearchCursor,
} from '../../core/index.js';
import { EventQueue, VirtualClock } from '../engine/index.js';
import type { Cluster, SimNode } from '../cluster/cluster.js';
import { pagingModel } from '../model/paging.js';
import type { PagingModel } from '../model/paging.js';
import { restartBackoff } from '../model/backoff.js';
import { ProbeWindow } from '../model/probe-window.js';
import type { FailureReason, PodOutcome, PodRow, RefusalReason } from '../results/types.js';
import { PodResultsThread } from '../results/pod-results-thread.js';
import {
  FAILURE_REASONS,
  ID_PARTS,
  OUTCOMES,
  P_ACTUAL_PAGES,
  P_ATTACKER,
  P_ATTEMPTS,
  P_DURATION,
  P_END,
  P_FAILURE,
  P_ID_A,
  P_ID_B,
  P_ID_C,
  P_ID_KIND,
  P_NODE,
  P_OUTCOME,
  P_REQUESTED_PAGES,
  P_RESTARTS,
  P_SGX,
  P_SLOWDOWN,
  P_START,
  P_SUBMIT,
} from '../results/pod-record.js';
import { SimInputError } from './job.js';
import { sortedJobStream } from './stream.js';
import type { ArrivalSink, JobSource, JobStream } from './stream.js';
import type { SimJob } from './job.js';
import type { RunConfig } from './config.js';
import { nodesToScoreOf } from './config.js';
import { RunRecorder } from './recorder.js';
import { MEASURED_EPC, MEASURED_MEM, NodeTable, REQUESTED_MEM, STRIDE } from './node-table.js';
import type { RefusalTally, RunOutcome } from './recorder.js';

// Event kinds of the simulation (the engine only sees numbers).
const START = 1; // a bound pod's container starts (or restarts after a back-off): a = slot, b = generation
const FINISH = 2; // a running pod's work is done: a = slot, b = generation
const SCHED = 3; // periodic scheduler pass
const PROBE = 4; // probe sample
const SAMPLE = 5; // utilisation sample
const ARRIVE = 6; // a pod enters the pending queue: a = slot, b = generation

const enum State {
  /** Read from the input, its ARRIVE event still to come. */
  Incoming,
  Pending,
  Bound,
  Running,
  Backoff,
  Done,
}

const NO_LABELS: Readonly<Record<string, string>> = Object.freeze({});
/** A duration handle is slot * HANDLE_SPAN + the pod's number modulo HANDLE_SPAN (exact below 2^53). */
const HANDLE_SPAN = 2 ** 32;
const MAX_HANDLE_SLOTS = 2 ** 21;
const NO_TOLERATIONS: readonly never[] = Object.freeze([]);
/** No refusals yet in a pass (shared: a pass that places its pod allocates no tally). */
const NO_REFUSALS: readonly RefusalTally[] = Object.freeze([]);
/** What a pooled pod object points to between its pods (see `Pod`). */
const DONE_JOB: SimJob = Object.freeze({
  id: '',
  submit: 0,
  duration: 0,
  sgx: false,
  requestBytes: 0,
  usageBytes: 0,
  cpuMillis: 0,
});

// A pod's numbers, at `slot * POD_STRIDE + field` in `PodColumns.f`.
const F_FIRST_START = 0;
const F_RUN_START = 1;
const F_PROGRESS = 2;
const F_LAST_UPDATE = 3;
const F_SLOW = 4;
const F_RESIDENT = 5;
const F_DURATION = 6;
const F_INTENSITY = 7;
const F_CPU = 8;
const F_MEMORY = 9;
const F_EPC = 10;
const F_USAGE = 11;
const F_SUBMIT = 12;
/** The job id's whole-number parts (`SimJob.idParts`), when it has them: F_ID, F_ID + 1, F_ID + 2. */
const F_ID = 13;
const POD_STRIDE = 16;

/**
 * The numbers of the pods alive, by slot, in one Float64Array. A number kept in an object field is
 * a separate heap object in V8 unless it is a small integer, and a pod lives for hours of simulated
 * time: on a month-long replay its boxed numbers made up most of what the young-generation collector
 * copied. One holder per simulation, so that the array can grow under the pods that point to it.
 */
class PodColumns {
  f = new Float64Array(1024 * POD_STRIDE);

  ensure(slot: number): void {
    const need = (slot + 1) * POD_STRIDE;
    if (need <= this.f.length) return;
    const grown = new Float64Array(Math.max(need, this.f.length * 2));
    grown.set(this.f);
    this.f = grown;
  }
}

/**
 * A pod while it is alive in the simulation. It is also the `PodView` the core sees, and its own
 * `request`. One object per slot for the whole run: when a pod reaches its final state its slot is
 * recycled and the next pod there reuses the object (`reset`), so that pods, which live for hours of
 * simulated time, are not allocated, copied and promoted by the collector one by one (a month has 25
 * million of them). Its numbers live in the simulation's `PodColumns`.
 */
class Pod implements PodView, Resources {
  state = State.Pending;
  node: NodeState | null = null;
  /** Scheduler passes run before it arrived: attempts = passes at bind - this. */
  passesAtArrival = 0;
  attempts = 0;
  restarts = 0;
  /**
   * Generation of the pod's pending events, from a counter shared by all pods: an event carries the
   * generation it was pushed with and is ignored when the pod (or the next pod in its recycled
   * slot) has moved on.
   */
  gen = 0;
  /** Index in its node's `sgxRunning` list. */
  runIndex = -1;
  /** Its position on its node in the snapshot (`assumeNewAt`). */
  nodePos = -1;
  /** The probe tick that takes its first sample (probe model; -1: not sampled this run). */
  firstTick = -1;
  /** Its number among the input's pods (modulo `HANDLE_SPAN`), and whether the input owes its duration. */
  arrival = -1;
  awaitingDuration = false;
  /**
   * Whether its job is an SGX job. The job's fields a pod's events read are copied into the pod (this
   * flag, and usage and submit time among its numbers), so that an event does not also reach for the
   * job object, out of cache by then: the job is read again only for the pod's result row.
   */
  sgx = false;
  /** Whether its job id's parts are among its numbers (see `podRecord`). */
  idInParts = false;
  private readonly at: number;

  constructor(
    readonly slot: number,
    readonly uid: string,
    private readonly cols: PodColumns,
    public job: SimJob,
    public attacker: boolean,
  ) {
    this.at = slot * POD_STRIDE;
    cols.ensure(slot); // a slot gets its object once: later pods there reuse its row
    this.reset(job, attacker);
  }

  /** Makes this object the next pod of its slot (every field as a new pod's). */
  reset(job: SimJob, attacker: boolean): void {
    this.job = job;
    this.attacker = attacker;
    this.sgx = job.sgx;
    this.state = State.Pending;
    this.node = null;
    this.passesAtArrival = 0;
    this.attempts = 0;
    this.restarts = 0;
    this.runIndex = -1;
    this.nodePos = -1;
    this.firstTick = -1;
    this.arrival = -1;
    this.awaitingDuration = false;
    const f = this.cols.f;
    const at = this.at;
    f[at + F_FIRST_START] = -1;
    f[at + F_RUN_START] = 0;
    f[at + F_PROGRESS] = 0;
    f[at + F_LAST_UPDATE] = 0;
    f[at + F_SLOW] = 1;
    f[at + F_RESIDENT] = 0;
    f[at + F_DURATION] = job.duration;
    f[at + F_INTENSITY] = job.intensity ?? 1;
    f[at + F_CPU] = job.cpuMillis;
    f[at + F_MEMORY] = job.sgx ? 0 : job.requestBytes;
    f[at + F_EPC] = job.sgx ? job.requestBytes : 0;
    f[at + F_USAGE] = job.usageBytes;
    f[at + F_SUBMIT] = job.submit;
    // Read now, while the input has just written the job: not at the pod's end, hours later.
    this.idInParts = job.idParts?.(f, at + F_ID) === true;
  }

  get namespace(): string {
    return 'default';
  }
  get priority(): number {
    return 0;
  }
  get nodeSelector(): Readonly<Record<string, string>> {
    return NO_LABELS;
  }
  get tolerations(): readonly never[] {
    return NO_TOLERATIONS;
  }

  /**
   * The workload id, built only when read: from the id's parts when the job gave them (`SimJob.idParts`:
   * the id is their decimal text joined by '-'), since such a job is handed back to its input at once.
   */
  get name(): string {
    if (!this.idInParts) return this.job.id;
    const f = this.cols.f;
    const at = this.at + F_ID;
    return `${f[at]}-${f[at + 1]}-${f[at + 2]}`;
  }

  get request(): Resources {
    return this;
  }
  get cpuMillis(): number {
    return this.cols.f[this.at + F_CPU]!;
  }
  get memoryBytes(): number {
    return this.cols.f[this.at + F_MEMORY]!;
  }
  get epcBytes(): number {
    return this.cols.f[this.at + F_EPC]!;
  }
  get intensity(): number {
    return this.cols.f[this.at + F_INTENSITY]!;
  }
  /** The job's request: its EPC for an SGX job, else its memory. */
  get requestBytes(): number {
    return this.cols.f[this.at + (this.sgx ? F_EPC : F_MEMORY)]!;
  }
  /** What its enclave (SGX) or its memory really uses, in bytes. */
  get usageBytes(): number {
    return this.cols.f[this.at + F_USAGE]!;
  }
  get submit(): number {
    return this.cols.f[this.at + F_SUBMIT]!;
  }

  /** First start (seconds), -1 before. */
  get firstStart(): number {
    return this.cols.f[this.at + F_FIRST_START]!;
  }
  set firstStart(v: number) {
    this.cols.f[this.at + F_FIRST_START] = v;
  }
  get runStart(): number {
    return this.cols.f[this.at + F_RUN_START]!;
  }
  set runStart(v: number) {
    this.cols.f[this.at + F_RUN_START] = v;
  }
  /** Nominal seconds of work done up to `lastUpdate`. */
  get progress(): number {
    return this.cols.f[this.at + F_PROGRESS]!;
  }
  set progress(v: number) {
    this.cols.f[this.at + F_PROGRESS] = v;
  }
  get lastUpdate(): number {
    return this.cols.f[this.at + F_LAST_UPDATE]!;
  }
  set lastUpdate(v: number) {
    this.cols.f[this.at + F_LAST_UPDATE] = v;
  }
  /** Current slowdown factor (>= 1). */
  get slow(): number {
    return this.cols.f[this.at + F_SLOW]!;
  }
  set slow(v: number) {
    this.cols.f[this.at + F_SLOW] = v;
  }
  /** EPC it holds resident while running (its working set, or its limit under cgroup). */
  get resident(): number {
    return this.cols.f[this.at + F_RESIDENT]!;
  }
  set resident(v: number) {
    this.cols.f[this.at + F_RESIDENT] = v;
  }
  /** Nominal run time: the job's, or NaN until the input tells it (a streamed Borg placement). */
  get duration(): number {
    return this.cols.f[this.at + F_DURATION]!;
  }
  set duration(v: number) {
    this.cols.f[this.at + F_DURATION] = v;
  }
}

/** A node in the node models. Its amounts live in the simulation's `NodeTable` (see there why). */
class NodeState {
  /** Running SGX pods (swap-remove by `Pod.runIndex`). */
  readonly sgxRunning: Pod[] = [];
  memDirty = false;
  /** The node's slot in the snapshot (set once the snapshot is built). */
  slot = -1;
  private readonly at: number;
  constructor(
    readonly index: number,
    readonly spec: SimNode,
    private readonly table: NodeTable,
  ) {
    this.at = index * STRIDE;
  }

  /** EPC resident on the node: its running SGX pods' working sets (or limits under cgroup). */
  get residentEpc(): number {
    return this.table.residentEpc(this.index);
  }
  set residentEpc(v: number) {
    this.table.setResidentEpc(this.index, v);
  }
  get residentMem(): number {
    return this.table.residentMem(this.index);
  }
  set residentMem(v: number) {
    this.table.setResidentMem(this.index, v);
  }
  get requestedEpc(): number {
    return this.table.requestedEpc(this.index);
  }
  set requestedEpc(v: number) {
    this.table.setRequestedEpc(this.index, v);
  }
  get requestedMem(): number {
    return this.table.live[this.at + REQUESTED_MEM]!;
  }
  set requestedMem(v: number) {
    this.table.live[this.at + REQUESTED_MEM] = v;
  }
  /** The measured usage last handed to the snapshot (`pushMeasured`). */
  get measuredEpc(): number {
    return this.table.live[this.at + MEASURED_EPC]!;
  }
  set measuredEpc(v: number) {
    this.table.live[this.at + MEASURED_EPC] = v;
  }
  get measuredMem(): number {
    return this.table.live[this.at + MEASURED_MEM]!;
  }
  set measuredMem(v: number) {
    this.table.live[this.at + MEASURED_MEM] = v;
  }
}

export interface SimulationInput {
  readonly cluster: Cluster;
  /** Jobs in submit order (durations known)... */
  readonly jobs?: JobSource;
  /** ...or a stream read as simulated time advances (e.g. Borg task_events, see workload/). */
  readonly stream?: JobStream;
  readonly config: RunConfig;
  /** Called with every pod row as the pod reaches its final state (e.g. a streaming CSV writer). */
  readonly onPod?: (row: PodRow) => void;
  /** Keep rows in memory for the result (default: up to the JSON limit). */
  readonly keepRows?: boolean;
  /**
   * Hand every ended pod to a thread of its own (`PodResultsThread`), which counts the per-class
   * distributions and, with `podsCsvPath`, writes the pods CSV: for long runs (a streamed trace),
   * where that work took a sixth of the simulation's thread. Same summary.
   */
  readonly podsOnThread?: boolean;
  /**
   * Write every pod row to this `pods.csv` file, on the pods thread (implies `podsOnThread`). Same
   * bytes as `PodCsvWriter` given every row through `onPod`.
   */
  readonly podsCsvPath?: string;
  /**
   * Called at every utilisation sample (every `sampleSeconds` of simulated time) with how far the
   * run has got, for a progress display: a streamed month takes minutes. It must not throw.
   */
  readonly onProgress?: (p: RunProgress) => void;
}

/** How far a run has got (`SimulationInput.onProgress`). */
export interface RunProgress {
  /** Simulated seconds since the run's time 0. */
  readonly simulatedSeconds: number;
  /** Workload pods read from the input so far (attackers left out), and those final by now. */
  readonly podsArrived: number;
  readonly podsEnded: number;
}

/**
 * Replays a workload on a cluster through the scheduling core, event by event. See docs/simulator.md
 * for the life of a pod and the order of events.
 */
export async function simulate(input: SimulationInput): Promise<RunOutcome> {
  const sim = new Simulation(input);
  return sim.run();
}

class Simulation {
  private readonly config: RunConfig;
  private readonly queue = new EventQueue(4096);
  private readonly podColumns = new PodColumns();
  /** Hands a final pod's job back to its stream for reuse (see `JobStream.recycle`). */
  private recycle: ((job: SimJob) => void) | undefined;
  private readonly clock = new VirtualClock(0);
  private readonly snapshot: ClusterSnapshot;
  private readonly profile: Profile;
  private readonly rng: Rng;
  private readonly paging: PagingModel;
  private readonly nodes: NodeState[];
  private readonly nodeTable: NodeTable;
  private readonly byName = new Map<string, NodeState>();
  private readonly recorder: RunRecorder;
  /** The pods thread, when the input asks for it (`podsOnThread`, `podsCsvPath`). */
  private readonly podsOut: PodResultsThread | null;

  /**
   * The pod object of each slot (see `Pod`). A pod's uid is its slot's: unique among the pods in the
   * snapshot (a slot is reused only after its pod has left it).
   */
  private readonly pods: (Pod | undefined)[] = [];
  private readonly freeSlots: number[] = [];
  /**
   * Pending pods in arrival order, the first `pendingCount` of the array (its length is not cut after
   * a pass: a pass that empties the queue would free its storage, and the next arrival allocate it
   * again, once per event on a busy replay). Pods from `newFrom` on have not been tried since they came.
   */
  private readonly pending: Pod[] = [];
  private pendingCount = 0;
  private newFrom = 0;
  /** Pods the core called unresolvable: they never fit this cluster. */
  private readonly stuck: Pod[] = [];
  private readonly attackers: Pod[] = [];
  /** The probe's report per node (probe model; null when the probe is instant). */
  private readonly probe: ProbeWindow | null;
  private readonly memDirtyNodes: NodeState[] = [];
  /** What every decision of a pass is given (one object for the run: a pass runs per event). */
  private readonly ctx: { readonly rng: Rng; now: number; readonly cursor: SearchCursor };

  /** Bumped whenever capacity may have been freed: a pod that failed at this epoch still fails. */
  private epoch = 0;
  private lastPassEpoch = -1;
  private passes = 0;
  private dirty = false;
  /** START and FINISH events in the queue (stale ones included): work that can still change things. */
  private liveEvents = 0;
  /** Workload pods not yet in a final state. */
  private alive = 0;
  private arrivalsDone = false;
  /** Pods handed out so far: each pod's number, part of the handle its input may later give back. */
  private arrivals = 0;
  /** Pods the input delivered after their submit time, and pods whose end it told too late. */
  private lateArrivals = 0;
  private lateEnds = 0;
  private generation = 0;
  private events = 0;
  private pendingEpcBytes = 0;
  private pendingMemBytes = 0;
  private pendingSgx = 0;

  constructor(private readonly input: SimulationInput) {
    this.config = input.config;
    const sampled = nodesToScoreOf(input.config);
    const parsed = parseProfileConfig({
      ...(input.config.profile ?? {}),
      policy: input.config.policy,
      tolerance: input.config.tolerance,
      ...(sampled === undefined ? {} : { percentageOfNodesToScore: sampled }),
    });
    if (!parsed.ok)
      throw new RangeError(
        `scheduling profile for ${input.config.policy}: ${formatConfigIssues(parsed.issues)}`,
      );
    this.profile = buildProfile(parsed.value);
    this.rng = createRng(input.config.seed);
    this.ctx = { rng: this.rng, now: 0, cursor: { next: 0 } };
    this.paging = pagingModel(input.config.paging);
    this.nodeTable = new NodeTable(input.cluster.nodes);
    this.nodes = input.cluster.nodes.map((n, i) => new NodeState(i, n, this.nodeTable));
    for (const n of this.nodes) this.byName.set(n.spec.name, n);
    this.snapshot = new ClusterSnapshot(input.cluster.nodes.map(nodeSpec));
    for (const n of this.nodes) n.slot = this.snapshot.slotOf(n.spec.name);
    const probe = input.config.probe;
    this.probe =
      probe === null
        ? null
        : new ProbeWindow(Math.floor(probe.windowSeconds / probe.periodSeconds) + 1, this.nodes.length);
    this.recorder = new RunRecorder(input.cluster, input.config, input.onPod, input.keepRows ?? true);
    // Last: nothing after it can throw and leave the thread running.
    this.podsOut =
      input.podsCsvPath === undefined && input.podsOnThread !== true
        ? null
        : new PodResultsThread({
            csvPath: input.podsCsvPath ?? null,
            nodeNames: this.nodes.map((n) => n.spec.name),
            policy: this.profile.config.name,
          });
  }

  async run(): Promise<RunOutcome> {
    try {
      const end = await this.replay();
      const classes = await this.podsOut?.close();
      return this.recorder.finish(
        {
          makespan: end,
          passes: this.passes,
          events: this.events,
          lateArrivals: this.lateArrivals,
          lateEnds: this.lateEnds,
        },
        classes,
      );
    } finally {
      await this.podsOut?.stop();
    }
  }

  /** Runs the events to the end; returns the end time (every pod is final by then). */
  private async replay(): Promise<number> {
    const cfg = this.config;
    const horizon = cfg.horizon ?? Infinity;
    const stream = this.input.stream ?? sortedJobStream(this.input.jobs ?? []);
    this.recycle = stream.recycle?.bind(stream);
    const lookahead = stream.lookahead;
    let streamAt = -Infinity;
    const sink: ArrivalSink = {
      arrival: (job, awaitDuration) => this.incoming(job, awaitDuration),
      duration: (handle, d) => this.durationKnown(handle, d),
    };

    // Attackers: one per SGX node from time 0, bound directly (a DaemonSet-like placement, as the
    // paper's two attack pods pinned one per SGX node).
    if (cfg.attackerFraction > 0) this.launchAttackers();
    if (cfg.schedulerPeriod !== null) this.queue.push(0, SCHED);
    if (cfg.probe !== null) this.queue.push(cfg.probe.periodSeconds, PROBE);
    this.queue.push(0, SAMPLE);

    try {
      for (;;) {
        const t = this.queue.peekTime();
        if (!this.arrivalsDone) {
          // Keep the input at least `lookahead` seconds ahead of the next event, reading in slices of
          // a tenth of the lookahead (an hour at a time when nothing is scheduled).
          const target =
            t === Infinity
              ? Math.max(streamAt, this.clock.now) + Math.max(lookahead, 3600)
              : t + lookahead + lookahead / 10;
          if (streamAt < t + lookahead || t === Infinity) {
            this.arrivalsDone = !(await stream.advance(target, sink));
            streamAt = target;
            continue;
          }
        }
        if (t === Infinity || t > horizon) break;
        this.clock.advanceTo(t);
        this.events++;
        this.queue.pop();
        this.handle(this.queue.lastKind, this.queue.lastA);
        if (cfg.schedulerPeriod === null && this.dirty && this.queue.peekTime() > t) this.pass();
        if (this.podsOut !== null && this.podsOut.mustWait) await this.podsOut.wait();
        if (this.finished()) break;
      }
    } finally {
      await stream.close?.();
    }
    const end = Math.min(this.clock.now, horizon);
    this.sampleUtilisation(end, true);
    this.close(end);
    return end;
  }

  /** True when nothing can change any more: every workload pod is final, or the rest can never fit. */
  private finished(): boolean {
    if (!this.arrivalsDone) return false;
    if (this.alive === 0) return true;
    if (this.liveEvents > 0) return false;
    // Only pending pods are left: stop once a pass has seen them at the current epoch and no
    // measured usage can still drop (every probe window has settled).
    const settled = this.probe === null || this.probe.ghosts === 0;
    return this.lastPassEpoch === this.epoch && this.newFrom === this.pendingCount && settled && !this.dirty;
  }

  /**
   * Runs the event just popped. Pod events carry the pod's slot and the generation they were pushed
   * at: one whose pod has moved on (or whose slot holds another pod) is stale and does nothing. The
   * generation is read here from the queue, not passed on: a double argument is boxed per call.
   */
  private handle(kind: number, a: number): void {
    if (kind === START || kind === FINISH || kind === ARRIVE) {
      const pod = this.pods[a];
      // Every pod event was counted as live work when pushed, stale or not; attackers' never were.
      if (kind === ARRIVE || pod?.attacker !== true) this.liveEvents--;
      if (pod === undefined || pod.gen !== this.queue.lastB) return;
      if (kind === START) this.start(pod);
      else if (kind === FINISH) this.finish(pod);
      else this.arrive(pod);
      return;
    }
    switch (kind) {
      case SCHED:
        this.pass();
        this.queue.push(this.clock.now + this.config.schedulerPeriod!, SCHED);
        return;
      case PROBE:
        this.probeTick();
        this.queue.push(this.clock.now + this.config.probe!.periodSeconds, PROBE);
        return;
      case SAMPLE:
        if (this.config.schedulerPeriod === null) this.samplePending();
        this.sampleUtilisation(this.clock.now, false);
        this.queue.push(this.clock.now + this.config.sampleSeconds, SAMPLE);
        this.input.onProgress?.({
          simulatedSeconds: this.clock.now,
          podsArrived: this.arrivals,
          podsEnded: this.arrivals - this.alive,
        });
        return;
      default:
        throw new Error(`unknown event kind ${kind}`);
    }
  }

  // ---- arrivals and the pending queue ----

  private newPod(job: SimJob, attacker: boolean): Pod {
    const slot = this.freeSlots.length > 0 ? this.freeSlots.pop()! : this.pods.length;
    let pod = this.pods[slot];
    if (pod === undefined) {
      pod = new Pod(slot, String(slot), this.podColumns, job, attacker);
      this.pods[slot] = pod;
    } else pod.reset(job, attacker);
    pod.gen = ++this.generation;
    return pod;
  }

  /**
   * A job read from the input: it arrives at its submit time (now, if the input delivered it late).
   * A pod whose duration will come later gets a handle: its slot and the low bits of its number
   * (a slot is reused once its pod is done; the number tells a late duration for a gone pod).
   */
  private incoming(job: SimJob, awaitDuration: boolean): number {
    // Field by field (not a loop over names: this runs once per placement of a month-long trace).
    if (!(awaitDuration && Number.isNaN(job.duration))) checkFinite(job, 'duration', job.duration);
    checkWhole(job, 'requestBytes', job.requestBytes);
    checkWhole(job, 'usageBytes', job.usageBytes);
    checkWhole(job, 'cpuMillis', job.cpuMillis);
    const pod = this.newPod(job, false);
    pod.state = State.Incoming;
    pod.arrival = this.arrivals++ % HANDLE_SPAN;
    this.alive++;
    const now = this.clock.now;
    if (job.submit < now) this.lateArrivals++;
    this.pushLive(Math.max(job.submit, now), ARRIVE, pod);
    if (pod.idInParts) {
      // Everything the pod reads of its job is copied, its id included: the input may reuse the
      // object for its next job now rather than hours of simulated time later, when it is cold.
      pod.job = DONE_JOB;
      this.recycle?.(job);
    }
    if (!awaitDuration) return -1;
    if (pod.slot >= MAX_HANDLE_SLOTS)
      throw new RangeError(
        `more than ${MAX_HANDLE_SLOTS} pods alive at once: duration handles would be inexact`,
      );
    pod.awaitingDuration = true;
    return pod.slot * HANDLE_SPAN + pod.arrival;
  }

  /** The input learnt how long a pod runs (a Borg end event read within the lookahead). */
  private durationKnown(handle: number, d: number): void {
    const slot = Math.floor(handle / HANDLE_SPAN);
    const pod = this.pods[slot];
    // Gone (done, its slot free or reused): nothing to do.
    if (
      pod === undefined ||
      pod.state === State.Done ||
      pod.arrival !== handle - slot * HANDLE_SPAN ||
      !pod.awaitingDuration
    )
      return;
    pod.awaitingDuration = false;
    pod.duration = d;
    if (pod.state !== State.Running) return; // START will schedule its end
    const now = this.clock.now;
    const done = pod.progress + (now - pod.lastUpdate) / pod.slow;
    pod.progress = done;
    pod.lastUpdate = now;
    pod.gen = ++this.generation;
    if (d <= done) this.lateEnds++; // it should have ended already: end it now
    this.pushLive(now + Math.max(0, d - done) * pod.slow, FINISH, pod);
  }

  private arrive(pod: Pod): void {
    if (pod.state !== State.Incoming) return;
    pod.state = State.Pending;
    pod.passesAtArrival = this.passes;
    this.pending[this.pendingCount++] = pod;
    this.pendingEpcBytes += pod.request.epcBytes;
    this.pendingMemBytes += pod.request.memoryBytes;
    if (pod.sgx) this.pendingSgx++;
    this.dirty = true;
    this.recorder.arrived();
  }

  private launchAttackers(): void {
    for (const node of this.nodes) {
      if (!node.spec.sgx) continue;
      const usage = Math.floor((this.config.attackerFraction * node.spec.epcBytes) / PAGE_BYTES) * PAGE_BYTES;
      const job: SimJob = {
        id: `attacker-${node.spec.name}`,
        submit: 0,
        duration: Infinity,
        sgx: true,
        requestBytes: PAGE_BYTES,
        usageBytes: usage,
        cpuMillis: 0,
      };
      const pod = this.newPod(job, true);
      this.attackers.push(pod);
      this.bind(pod, node);
    }
  }

  /** One scheduler pass over the pending queue, in arrival order. */
  private pass(): void {
    this.passes++;
    this.dirty = false;
    const full = this.lastPassEpoch !== this.epoch;
    this.lastPassEpoch = this.epoch;
    const from = full ? 0 : this.newFrom;
    if (from === this.pendingCount) {
      // Nothing to try (half the passes of an event-driven replay: those after a pod ends while
      // no pod waits).
      this.newFrom = from;
      if (this.config.schedulerPeriod !== null) this.samplePending();
      return;
    }
    const pending = this.pending;
    let keep = from;
    const ctx = this.ctx;
    ctx.now = this.clock.now * 1000;
    // Capacity only shrinks during a pass, so a pod that asks for at least as much as one that just
    // failed (same kind, every resource) fails too: skip the core for it and count the same reasons.
    let sgxFail: readonly RefusalTally[] = NO_REFUSALS;
    let sgxFailReq: Resources | undefined;
    let sgxSkipped = 0;
    let stdFail: readonly RefusalTally[] = NO_REFUSALS;
    let stdFailReq: Resources | undefined;
    let stdSkipped = 0;
    for (let i = from; i < this.pendingCount; i++) {
      const pod = pending[i]!;
      const req = pod.request;
      const failReq = pod.sgx ? sgxFailReq : stdFailReq;
      if (failReq !== undefined && dominates(req, failReq)) {
        if (pod.sgx) sgxSkipped++;
        else stdSkipped++;
        pending[keep++] = pod;
        continue;
      }
      const decision = schedule(this.snapshot, pod, this.profile, ctx);
      const error = (decision as { readonly error?: string }).error;
      if (error !== undefined) throw new SimInputError(pod.name, 'request', error);
      const node = decision.node === undefined ? undefined : this.byName.get(decision.node);
      if (node !== undefined) {
        pod.attempts = this.passes - pod.passesAtArrival;
        this.leavePending(pod);
        this.bind(pod, node);
        continue;
      }
      const tally = refusalsOf(decision);
      this.recorder.refused(tally, 1);
      if (!decision.unresolvable && (failReq === undefined || dominates(failReq, req))) {
        if (pod.sgx) {
          this.recorder.refused(sgxFail, sgxSkipped);
          sgxFail = tally;
          sgxFailReq = req;
          sgxSkipped = 0;
        } else {
          this.recorder.refused(stdFail, stdSkipped);
          stdFail = tally;
          stdFailReq = req;
          stdSkipped = 0;
        }
      }
      if (decision.unresolvable) {
        this.leavePending(pod);
        pod.attempts = this.passes - pod.passesAtArrival;
        this.stuck.push(pod);
        continue;
      }
      pending[keep++] = pod;
    }
    this.pendingCount = keep;
    this.newFrom = keep;
    this.recorder.refused(sgxFail, sgxSkipped);
    this.recorder.refused(stdFail, stdSkipped);
    if (this.config.schedulerPeriod !== null) this.samplePending();
  }

  private samplePending(): void {
    this.recorder.pendingSample(
      this.clock.now,
      this.pendingCount,
      this.pendingSgx,
      this.pendingEpcBytes,
      this.pendingMemBytes,
    );
  }

  private leavePending(pod: Pod): void {
    this.pendingEpcBytes -= pod.request.epcBytes;
    this.pendingMemBytes -= pod.request.memoryBytes;
    if (pod.sgx) this.pendingSgx--;
  }

  private bind(pod: Pod, node: NodeState): void {
    // A pod is bound once (a restart keeps its binding): the snapshot needs no uid lookup.
    pod.nodePos = this.snapshot.assumeNewAt(pod, node.slot);
    pod.state = State.Bound;
    pod.node = node;
    node.requestedEpc += pod.request.epcBytes;
    node.requestedMem += pod.request.memoryBytes;
    this.recorder.placed();
    this.pushLive(this.clock.now + this.config.startupDelay, START, pod);
  }

  private pushLive(time: number, kind: number, pod: Pod): void {
    // Attackers never end and keep their slot for the whole run, so their events are not "work".
    if (!pod.attacker) this.liveEvents++;
    this.queue.push(time, kind, pod.slot, pod.gen);
  }

  // ---- running ----

  private start(pod: Pod): void {
    if (pod.state !== State.Bound && pod.state !== State.Backoff) return;
    const node = pod.node!;
    const now = this.clock.now;
    if (this.config.enforcement === 'einit' && pod.sgx && pod.usageBytes > pod.requestBytes) {
      // The driver refuses EINIT: the container exits with an error and the kubelet restarts it
      // after a back-off. Its enclave size is fixed (SGX1), so it fails every time. `restarts`
      // counts the restarts made, as the kubelet's restartCount: the first start is not one, and a
      // pod given up after its last failure is not restarted again.
      if (!pod.attacker && pod.restarts >= this.config.maxRestarts) {
        this.release(pod);
        this.final(pod, 'failed', 'enclave-over-limit', now);
        return;
      }
      pod.restarts++;
      this.recorder.restarted();
      pod.state = State.Backoff;
      this.pushLive(now + restartBackoff(pod.restarts), START, pod);
      return;
    }
    pod.state = State.Running;
    pod.runStart = now;
    if (pod.firstStart < 0) pod.firstStart = now;
    pod.progress = 0;
    pod.lastUpdate = now;
    if (pod.sgx) {
      pod.resident =
        this.config.enforcement === 'cgroup' ? Math.min(pod.usageBytes, pod.requestBytes) : pod.usageBytes;
      const before = node.residentEpc;
      node.residentEpc += pod.resident;
      pod.runIndex = node.sgxRunning.length;
      node.sgxRunning.push(pod);
      pod.slow = this.slowdownOf(pod, node);
      this.rescale(node, before, pod);
      if (this.probe === null) this.pushMeasured(node, node.residentEpc);
      else pod.firstTick = this.probe.start(node.index, pod.resident);
    } else {
      pod.resident = 0;
      node.residentMem += pod.usageBytes;
      this.memChanged(node);
    }
    // Unknown duration (NaN): the input will tell, and `durationKnown` schedules the end.
    if (Number.isFinite(pod.duration)) this.pushLive(now + pod.duration * pod.slow, FINISH, pod);
  }

  private finish(pod: Pod): void {
    if (pod.state !== State.Running) return;
    const now = this.clock.now;
    this.release(pod);
    this.final(pod, 'finished', null, now);
  }

  /** Takes a bound or running pod off its node, in the snapshot and in the node models. */
  private release(pod: Pod): void {
    const node = pod.node!;
    this.snapshot.forgetAt(pod, node.slot, pod.nodePos);
    node.requestedEpc -= pod.request.epcBytes;
    node.requestedMem -= pod.request.memoryBytes;
    if (pod.state === State.Running) {
      if (pod.sgx) {
        const before = node.residentEpc;
        node.residentEpc -= pod.resident;
        const list = node.sgxRunning;
        const last = list.pop()!;
        if (last !== pod) {
          list[pod.runIndex] = last;
          last.runIndex = pod.runIndex;
        }
        pod.runIndex = -1;
        this.rescale(node, before, null);
        if (this.probe === null) this.pushMeasured(node, node.residentEpc);
        else if (pod.firstTick >= 0) {
          this.probe.stop(node.index, pod.resident, pod.firstTick);
          pod.firstTick = -1;
        }
      } else {
        node.residentMem -= pod.usageBytes;
        this.memChanged(node);
      }
    }
    this.epoch++;
    this.dirty = true;
  }

  private final(pod: Pod, outcome: PodOutcome, reason: FailureReason | null, end: number | null): void {
    pod.state = State.Done;
    pod.gen = ++this.generation;
    if (!pod.attacker) this.alive--;
    const job = pod.job;
    // The row's numbers, NaN where the row has null (no start, no end, no slowdown).
    const duration = Number.isFinite(pod.duration)
      ? pod.duration
      : (end ?? this.clock.now) - Math.max(0, pod.firstStart);
    const start = pod.firstStart >= 0 ? pod.firstStart : NaN;
    const endAt = end ?? NaN;
    const slowdown =
      outcome === 'finished' && end !== null && pod.duration > 0 && Number.isFinite(pod.duration)
        ? (end - pod.runStart) / pod.duration
        : NaN;
    // Counted here, or by the pods thread from the record.
    if (this.podsOut !== null) this.podRecord(pod, outcome, reason, duration, start, endAt, slowdown);
    else if (!pod.attacker) this.recorder.count(pod.sgx, outcome, pod.submit, start, endAt, slowdown);
    // A row object only for whoever reads rows: a replay handing its pods to the pods thread and
    // keeping no rows builds none.
    if (this.recorder.wantsRows) {
      this.recorder.row({
        jobId: pod.name,
        duration,
        requestedPages: Math.ceil(pod.requestBytes / PAGE_BYTES),
        actualPages: Math.ceil(pod.usageBytes / PAGE_BYTES),
        isSgx: pod.sgx,
        submit: pod.submit,
        start: pod.firstStart >= 0 ? pod.firstStart : null,
        end,
        node: pod.node === null ? null : pod.node.spec.name,
        attempts: pod.attempts,
        restarts: pod.restarts,
        slowdown: Number.isNaN(slowdown) ? null : slowdown,
        policy: this.profile.config.name,
        outcome,
        failureReason: reason,
        attacker: pod.attacker,
      });
    }
    pod.job = DONE_JOB; // the job is the input's: not kept alive by a pooled object
    // (Unless it went back at arrival: see `incoming`.)
    if (!pod.attacker && job !== DONE_JOB) this.recycle?.(job);
    this.freeSlots.push(pod.slot);
  }

  /** The pod's row as numbers, for the pods thread (`pod-record.ts`). */
  private podRecord(
    pod: Pod,
    outcome: PodOutcome,
    reason: FailureReason | null,
    duration: number,
    start: number,
    end: number,
    slowdown: number,
  ): void {
    const out = this.podsOut!;
    const r = out.records;
    const at = out.next();
    if (pod.idInParts) {
      const f = this.podColumns.f;
      const from = pod.slot * POD_STRIDE + F_ID;
      r[at + P_ID_KIND] = ID_PARTS;
      r[at + P_ID_A] = f[from]!;
      r[at + P_ID_B] = f[from + 1]!;
      r[at + P_ID_C] = f[from + 2]!;
    } else out.idString(at, pod.job.id);
    r[at + P_DURATION] = duration;
    r[at + P_REQUESTED_PAGES] = Math.ceil(pod.requestBytes / PAGE_BYTES);
    r[at + P_ACTUAL_PAGES] = Math.ceil(pod.usageBytes / PAGE_BYTES);
    r[at + P_SGX] = pod.sgx ? 1 : 0;
    r[at + P_SUBMIT] = pod.submit;
    r[at + P_START] = start;
    r[at + P_END] = end;
    r[at + P_NODE] = pod.node === null ? -1 : pod.node.index;
    r[at + P_ATTEMPTS] = pod.attempts;
    r[at + P_RESTARTS] = pod.restarts;
    r[at + P_SLOWDOWN] = slowdown;
    r[at + P_OUTCOME] = OUTCOMES.indexOf(outcome);
    r[at + P_FAILURE] = reason === null ? -1 : FAILURE_REASONS.indexOf(reason);
    r[at + P_ATTACKER] = pod.attacker ? 1 : 0;
    out.done();
  }

  /** The slowdown of one running SGX pod on its node, by the enforcement mode. */
  private slowdownOf(pod: Pod, node: NodeState): number {
    const epc = node.spec.epcBytes;
    const nodeFactor = this.paging.slowdown(epc > 0 ? node.residentEpc / epc : Infinity, pod.intensity);
    if (this.config.enforcement !== 'cgroup') return nodeFactor;
    // cgroup: the pod pages against its own limit; its neighbours only feel global overcommit.
    const limit = pod.requestBytes;
    const own =
      pod.usageBytes > limit
        ? this.paging.slowdown(limit > 0 ? pod.usageBytes / limit : Infinity, pod.intensity)
        : 1;
    return Math.max(own, nodeFactor);
  }

  /**
   * The node's resident EPC changed from `before`: every running SGX pod there whose slowdown
   * changes gets its remaining work rescaled (progress so far is banked at the old rate).
   */
  private rescale(node: NodeState, before: number, skip: Pod | null): void {
    const epc = node.spec.epcBytes;
    if (before <= epc && node.residentEpc <= epc) return; // no overcommit before or after: nothing pages
    const now = this.clock.now;
    for (const pod of node.sgxRunning) {
      if (pod === skip) continue;
      const slow = this.slowdownOf(pod, node);
      if (slow === pod.slow) continue;
      pod.progress += (now - pod.lastUpdate) / pod.slow;
      pod.lastUpdate = now;
      pod.slow = slow;
      if (!Number.isFinite(pod.duration)) continue;
      pod.gen = ++this.generation;
      const remaining = Math.max(0, pod.duration - pod.progress);
      this.pushLive(now + remaining * slow, FINISH, pod);
    }
  }

  // ---- measured usage (probe model) ----

  private memChanged(node: NodeState): void {
    if (this.probe === null) {
      this.pushMeasured(node, node.residentEpc);
    } else if (!node.memDirty) {
      node.memDirty = true;
      this.memDirtyNodes.push(node);
    }
  }

  /** One probe tick: reports the nodes whose EPC report changed, and memory that changed. */
  private probeTick(): void {
    const probe = this.probe!;
    probe.tick();
    for (let i = 0; i < probe.changedCount; i++) {
      const node = this.nodes[probe.changed[i]!]!;
      const epc = probe.epc[node.index]!;
      if (epc !== node.measuredEpc || node.memDirty) this.pushMeasured(node, epc);
    }
    for (const node of this.memDirtyNodes) if (node.memDirty) this.pushMeasured(node, node.measuredEpc);
    this.memDirtyNodes.length = 0;
  }

  /**
   * Hands a node's measured usage to the snapshot: EPC as given (the probe's windowed sum, or the
   * true resident EPC when the probe is instant), memory as currently resident.
   */
  private pushMeasured(node: NodeState, epc: number): void {
    const mem = node.residentMem;
    if (epc < node.measuredEpc || mem < node.measuredMem) {
      // Lower measured usage can make room for a pod that failed before.
      this.epoch++;
      this.dirty = true;
    }
    node.measuredEpc = epc;
    node.measuredMem = mem;
    node.memDirty = false;
    const at = this.clock.now * 1000;
    this.snapshot.setMeasuredAt(node.slot, epc, at, mem, at);
  }

  private sampleUtilisation(t: number, last: boolean): void {
    this.recorder.utilisationSample(t, this.nodeTable, last);
  }

  /** Gives every pod still alive its final state. */
  private close(end: number): void {
    for (let i = 0; i < this.pendingCount; i++) {
      const pod = this.pending[i]!;
      pod.attempts = this.passes - pod.passesAtArrival;
      this.final(pod, 'never-placed', null, null);
    }
    for (const pod of this.stuck) this.final(pod, 'never-placed', null, null);
    for (const pod of this.pods) {
      if (pod === undefined || pod.attacker) continue;
      if (pod.state === State.Pending || pod.state === State.Done) continue;
      this.final(pod, 'failed', 'cut-at-horizon', null);
    }
    for (const pod of this.attackers) {
      if (pod.state === State.Done) continue;
      this.final(
        pod,
        pod.state === State.Running ? 'finished' : 'failed',
        pod.state === State.Running ? null : 'enclave-over-limit',
        end,
      );
    }
  }
}

function checkFinite(job: SimJob, field: keyof SimJob, v: number): void {
  if (!(v >= 0) || !Number.isFinite(v))
    throw new SimInputError(job.id, field, `expected a finite number >= 0, got ${v}`);
}

// Amounts are summed per node and compared with capacities: only whole numbers below 2^53 are exact
// in a double (a larger one such as 1e30 is whole but stands for many values).
function checkWhole(job: SimJob, field: keyof SimJob, v: number): void {
  checkFinite(job, field, v);
  if (!Number.isSafeInteger(v))
    throw new SimInputError(
      job.id,
      field,
      `expected a whole number from 0 to 2^53 - 1 (bytes or millicores), got ${v}`,
    );
}

/** The reasons of a failed decision, one entry per distinct reason kind. */
function refusalsOf(decision: Decision): RefusalTally[] {
  const out: RefusalTally[] = [];
  for (const s of decision.unschedulable) {
    const reason = refusalReason(s.reason);
    const i = out.findIndex((t) => t.reason === reason);
    if (i < 0) out.push({ reason, nodes: s.nodes });
    else out[i] = { reason, nodes: out[i]!.nodes + s.nodes };
  }
  return out;
}

/** True when `a` asks for at least as much as `b` of every resource. */
function dominates(a: Resources, b: Resources): boolean {
  return a.epcBytes >= b.epcBytes && a.memoryBytes >= b.memoryBytes && a.cpuMillis >= b.cpuMillis;
}

function nodeSpec(n: SimNode): NodeSpec {
  const capacity = { cpuMillis: n.cpuMillis, memoryBytes: n.memoryBytes, epcBytes: n.epcBytes };
  return {
    name: n.name,
    capacity,
    allocatable: capacity,
    labels: n.labels,
    taints: n.taints,
    unschedulable: false,
    sgx: n.sgx,
  };
}

function refusalReason(r: Reason): RefusalReason {
  switch (r.kind) {
    case 'insufficient':
      return r.resource === 'epc'
        ? 'insufficient-epc'
        : r.resource === 'memory'
          ? 'insufficient-memory'
          : 'insufficient-cpu';
    case 'no-sgx':
    case 'node-unschedulable':
    case 'taint-not-tolerated':
    case 'node-selector-mismatch':
    case 'other':
      return r.kind;
    default: {
      const never: never = r;
      return never;
    }
  }
}
