/**
 * The seam every scheduler calls: `schedule` (indexed), plus the pieces the extender and the
 * "why is my pod pending" tooling need: `filterNode`, `filterCandidates`, `scoreCandidates`,
 * `explain`, and `scheduleByScan`, the plain O(nodes) definition the indexed path must agree with.
 */
import type { ClusterSnapshot } from '../snapshot/cluster-snapshot.js';
import type { NodeEntry } from '../snapshot/node-entry.js';
import type { TierId, UsageIndex } from '../snapshot/usage-index.js';
import { SCORING_STRIDE } from '../snapshot/usage-index.js';
import type { GroupTree, TreeQuery } from '../snapshot/group-tree.js';
import { cpuLevelOf } from '../snapshot/group-tree.js';
import type { NodeView } from '../model/node.js';
import type { PodView } from '../model/pod.js';
import type { Profile } from './profile.js';
import { feasibleNodesToFind } from './profile.js';
import type { Decision, NodeVerdict, Reason, ReasonSummary, ScheduleContext, Status } from './types.js';
import type { UsedOf } from './policy.js';
import { SUCCESS, staticRejection } from '../policies/filters.js';
import type { Dim } from './fit.js';
import {
  admissionBound,
  amountOf,
  DIM_KIND,
  DIMS,
  hasStaleMeasurement,
  nonZeroRequest,
  requestedDims,
  usedAmount,
} from './fit.js';
import { pickIndex } from './rng.js';
import { ReasonGrouper } from './summary.js';

/**
 * Node groups searched together, in order (0 = standard nodes, 1 = SGX nodes); `id` names the
 * matching tree list of a `UsageIndex` (0: standard, 1: SGX, 2: both).
 */
interface Tier {
  readonly groups: readonly (0 | 1)[];
  readonly id: TierId;
}

const SGX_ONLY: readonly Tier[] = [{ groups: [1], id: 1 }];
const STANDARD_FIRST: readonly Tier[] = [
  { groups: [0], id: 0 },
  { groups: [1], id: 1 },
];
const ALL_TOGETHER: readonly Tier[] = [{ groups: [0, 1], id: 2 }];
const NO_NOTES: readonly string[] = Object.freeze([]);
const NO_SUMMARIES: readonly ReasonSummary[] = Object.freeze([]);

/** SGX pods go to SGX nodes; standard pods to standard nodes first when the profile says so. */
function tiersFor(pod: PodView, profile: Profile): readonly Tier[] {
  if (pod.sgx) return SGX_ONLY;
  return profile.config.keepStandardPodsOffSgx ? STANDARD_FIRST : ALL_TOGETHER;
}

function groupOf(node: NodeView): 0 | 1 {
  return node.sgx ? 1 : 0;
}

function hasSelector(pod: PodView): boolean {
  for (const _ in pod.nodeSelector) return true;
  return false;
}

/**
 * What the indexes need to know about the pod being placed. One object serves every decision
 * (`pointAt`, `release`), since a simulator asks for about a million: allocating one with its request
 * array per decision was about a fifth of what a replay allocated on its thread.
 */
class PodQuery implements TreeQuery {
  dims: readonly Dim[] = [];
  readonly req = new Float64Array(3);
  checkEveryLeaf = false;
  cpuLevel = -1;
  private snapshot: ClusterSnapshot | undefined = undefined;
  private pod: PodView | undefined = undefined;

  pointAt(snapshot: ClusterSnapshot, pod: PodView): this {
    const r = pod.request;
    this.snapshot = snapshot;
    this.pod = pod;
    this.dims = requestedDims(pod);
    this.req[0] = r.cpuMillis;
    this.req[1] = r.memoryBytes;
    this.req[2] = r.epcBytes;
    this.checkEveryLeaf = hasSelector(pod);
    this.cpuLevel = cpuLevelOf(r.cpuMillis);
    return this;
  }

  /** Drops the pod and snapshot, so that the shared object keeps neither alive. */
  release(): void {
    this.snapshot = undefined;
    this.pod = undefined;
  }

  leafOk(slot: number): boolean {
    return staticRejection(this.snapshot!.entryAt(slot)!.spec, this.pod!) === undefined;
  }

  nameOf(slot: number): string {
    return this.snapshot!.entryAt(slot)!.spec.name;
  }
}

const sharedQuery = new PodQuery();
/** True while a decision uses `sharedQuery` (a scorer that asked for a decision would get its own). */
let sharedQueryInUse = false;

/** A node's status computed from the index arrays (same result as the filter plugins on its view). */
function entryStatus(e: NodeEntry, pod: PodView, index: UsageIndex, profile: Profile): Status {
  const rejected = staticRejection(e.spec, pod);
  if (rejected !== undefined) return rejected;
  let reasons: Reason[] | undefined;
  for (const d of DIMS) {
    const requested = amountOf(pod.request, d);
    if (requested > 0 && !(requested < index.free[d][e.slot]!)) {
      (reasons ??= []).push({
        kind: 'insufficient',
        resource: DIM_KIND[d]!,
        requested,
        used: index.used[d][e.slot]!,
        capacity: admissionBound(amountOf(e.spec.allocatable, d), profile.params),
      });
    }
  }
  return reasons === undefined ? SUCCESS : { code: 'Unschedulable', reasons };
}

let lastNote:
  | { readonly maxAge: number | undefined; readonly count: number; readonly notes: readonly string[] }
  | undefined;

function staleNotes(profile: Profile, staleNodes: number): readonly string[] {
  if (!profile.params.measured || staleNodes === 0) return NO_NOTES;
  // The same note repeats for many decisions in a row: reuse it (a pure memo of the text).
  const maxAge = profile.params.maxAge;
  if (lastNote !== undefined && lastNote.maxAge === maxAge && lastNote.count === staleNodes)
    return lastNote.notes;
  lastNote = { maxAge, count: staleNodes, notes: Object.freeze(buildStaleNote(profile, staleNodes)) };
  return lastNote.notes;
}

function buildStaleNote(profile: Profile, staleNodes: number): string[] {
  return [
    `measured usage older than ${profile.params.maxAge} on ${staleNodes} ${staleNodes === 1 ? 'node' : 'nodes'}: requests used there instead`,
  ];
}

function placed(node: string, notes: readonly string[]): Decision {
  return { node, unschedulable: NO_SUMMARIES, unresolvable: false, notes };
}

function notPlaced(grouper: ReasonGrouper, notes: readonly string[]): Decision {
  return {
    node: undefined,
    unschedulable: grouper.summaries(),
    unresolvable: grouper.allUnresolvable(),
    notes,
  };
}

function failed(error: string, notes: readonly string[]): Decision {
  return { node: undefined, unschedulable: NO_SUMMARIES, unresolvable: false, notes, error };
}

type ScoreOutcome = { readonly totals: number[] } | { readonly error: string };

/**
 * The profile runner for scored profiles: every scorer on every feasible node, `normalize` if the
 * plugin has one, range check (an out-of-range score is an error, not a crash), weights, then the
 * highest total with ties broken by the rng (candidate order, as the scan defines it).
 */
function runScorers(
  profile: Profile,
  pod: PodView,
  feasible: readonly NodeView[],
  ctx: ScheduleContext,
): ScoreOutcome {
  const totals = new Array<number>(feasible.length).fill(0);
  for (const { plugin, weight } of profile.scorers) {
    const raw = new Float64Array(feasible.length);
    for (let i = 0; i < feasible.length; i++) raw[i] = plugin.score(pod, feasible[i]!, ctx);
    plugin.normalize?.(raw);
    for (let i = 0; i < feasible.length; i++) {
      const s = raw[i]!;
      if (!Number.isInteger(s) || s < 0 || s > 100) {
        return {
          error: `score plugin ${plugin.name} gave ${s} for node ${feasible[i]!.name} (expected an integer 0..100)`,
        };
      }
      totals[i]! += weight * s;
    }
  }
  return { totals };
}

function pickHighest(totals: readonly number[], ctx: ScheduleContext): number {
  let max = -Infinity;
  for (const t of totals) if (t > max) max = t;
  const ties: number[] = [];
  totals.forEach((t, i) => {
    if (t === max) ties.push(i);
  });
  return ties.length === 0 ? -1 : ties[pickIndex(ties.length, ctx.rng)]!;
}

/**
 * THE seam: picks a node for `pod` (or none, with reasons). Pure: it reads the snapshot and draws
 * from `ctx.rng`; the caller applies the decision (e.g. `snapshot.assume(pod, decision.node)`).
 * Binpack, spread and random select through the snapshot's indexes; the kube-style scorers score
 * every feasible node of the first tier that has one. When nothing fits, the grouped reasons are
 * computed with one pass over the nodes' index entries.
 */
export function schedule(
  snapshot: ClusterSnapshot,
  pod: PodView,
  profile: Profile,
  ctx: ScheduleContext,
): Decision {
  const index = snapshot.usageIndex(profile.params, ctx.now);
  const notes = staleNotes(profile, index.staleCount);
  const refused = preFilter(pod, profile);
  if (refused !== undefined) return refusedUpFront(refused, snapshot.size, notes);
  const shared = !sharedQueryInUse;
  const q = (shared ? sharedQuery : new PodQuery()).pointAt(snapshot, pod);
  if (shared) sharedQueryInUse = true;
  try {
    return selectNode(snapshot, pod, profile, ctx, index, q, notes);
  } finally {
    if (shared) {
      q.release();
      sharedQueryInUse = false;
    }
  }
}

/** `schedule` past the pre-filters: the first tier with a feasible node, or why none fits. */
function selectNode(
  snapshot: ClusterSnapshot,
  pod: PodView,
  profile: Profile,
  ctx: ScheduleContext,
  index: UsageIndex,
  q: PodQuery,
  notes: readonly string[],
): Decision {
  const tiers = tiersFor(pod, profile);
  const policy = profile.policy;
  for (const tier of tiers) {
    const trees = index.tierTrees[tier.id];
    if (policy !== undefined) {
      const pick = policy.selectIndexed(trees, q, pod, ctx.rng);
      if (pick !== undefined) return placed(q.nameOf(pick.tree.slots[pick.pos]!), notes);
      continue;
    }
    // Scored: every feasible node of the tier, or the share kube-scheduler would look at.
    const search = beginSearch(trees, profile, ctx);
    if (
      profile.scorers.every((s) => s.plugin.scoreAmounts !== undefined && s.plugin.normalize === undefined)
    ) {
      const slot = highestByAmounts(pod, profile, ctx, index, trees, q, search);
      if (slot !== SCORE_OUT_OF_RANGE) endSearch(search, profile, ctx);
      if (slot === NONE_FEASIBLE) continue;
      if (slot >= 0) return placed(q.nameOf(slot), notes);
      // A score out of range: the scan below finds it again and reports it as for any plugin.
    }
    const feasible: NodeView[] = [];
    visitFeasible(trees, q, search, (slot) => feasible.push(snapshot.entryAt(slot)!.view()));
    endSearch(search, profile, ctx);
    if (feasible.length === 0) continue;
    const outcome = runScorers(profile, pod, feasible, ctx);
    if ('error' in outcome) return failed(outcome.error, notes);
    return placed(feasible[pickHighest(outcome.totals, ctx)]!.name, notes);
  }
  return notPlaced(summarize(snapshot, pod, profile, index), notes);
}

/** `highestByAmounts` found no feasible node in the tier. */
const NONE_FEASIBLE = -1;
/** `highestByAmounts` met a score outside 0..100. */
const SCORE_OUT_OF_RANGE = -2;

/**
 * A scored search of one tier: its candidates are the nodes of its trees in order (flat positions
 * 0..count-1); it starts at `start`, wraps around, and stops once `limit` feasible nodes are found
 * (kube-scheduler's `numFeasibleNodesToFind`; every node without sampling), having looked at
 * `processed` positions. One object serves every decision: decisions do not nest.
 */
interface TierSearch {
  count: number;
  start: number;
  limit: number;
  processed: number;
}

const tierSearch: TierSearch = { count: 0, start: 0, limit: 0, processed: 0 };

function beginSearch(trees: readonly GroupTree[], profile: Profile, ctx: ScheduleContext): TierSearch {
  let count = 0;
  for (const tree of trees) count += tree.length;
  const s = tierSearch;
  s.count = count;
  s.limit = feasibleNodesToFind(profile.sampling, count);
  s.start = sampledStart(profile, ctx, count);
  s.processed = 0;
  return s;
}

/** Where a sampled search over `count` candidates starts: the caller's cursor, or the first. */
function sampledStart(profile: Profile, ctx: ScheduleContext, count: number): number {
  const cursor = ctx.cursor;
  if (profile.sampling === undefined || cursor === undefined || count === 0) return 0;
  const at = Math.trunc(cursor.next) % count;
  return at < 0 ? at + count : at;
}

function endSearch(s: TierSearch, profile: Profile, ctx: ScheduleContext): void {
  moveCursor(profile, ctx, s.start, s.processed, s.count);
}

/** Moves the caller's cursor past the `looked` candidates a search examined, as kube-scheduler does. */
function moveCursor(
  profile: Profile,
  ctx: ScheduleContext,
  start: number,
  looked: number,
  count: number,
): void {
  if (profile.sampling === undefined || ctx.cursor === undefined || count === 0) return;
  ctx.cursor.next = (start + looked) % count;
}

/** Calls `visit` with the slot of each feasible node the search finds, in search order. */
function visitFeasible(
  trees: readonly GroupTree[],
  q: PodQuery,
  s: TierSearch,
  visit: (slot: number) => void,
): void {
  let found = 0;
  let k = 0;
  for (; k < s.count && found < s.limit; k++) {
    let pos = s.start + k;
    if (pos >= s.count) pos -= s.count;
    let t = 0;
    while (pos >= trees[t]!.length) pos -= trees[t++]!.length;
    const tree = trees[t]!;
    if (!tree.feasibleAt(pos, q)) continue;
    found++;
    visit(tree.slots[pos]!);
  }
  s.processed = k;
}

/**
 * `runScorers` and `pickHighest` over the feasible nodes a search finds, for scorers that score
 * from numbers (`ScorePlugin.scoreAmounts`): the same totals, the same ties in the same order and
 * the same draw, read from the index's scoring rows (one cache line per node) instead of a
 * `NodeView` per node. The loop is `visitFeasible`'s, written out: it runs once per node of a
 * large cluster. Returns the chosen node's slot, `NONE_FEASIBLE`, or `SCORE_OUT_OF_RANGE` (nothing
 * drawn then).
 */
function highestByAmounts(
  pod: PodView,
  profile: Profile,
  ctx: ScheduleContext,
  index: UsageIndex,
  trees: readonly GroupTree[],
  q: PodQuery,
  search: TierSearch,
): number {
  const rows = index.scoringRows();
  const podNonZero = nonZeroRequest(pod.request);
  const allocatable = { cpuMillis: 0, memoryBytes: 0, epcBytes: 0 };
  const requested = { cpuMillis: 0, memoryBytes: 0, epcBytes: 0 };
  const scorers = profile.scorers;
  const ties = scratchTies;
  ties.length = 0;
  let best = -Infinity;
  const { count, start, limit } = search;
  let found = 0;
  let k = 0;
  for (; k < count && found < limit; k++) {
    let pos = start + k;
    if (pos >= count) pos -= count;
    let t = 0;
    while (pos >= trees[t]!.length) pos -= trees[t++]!.length;
    const tree = trees[t]!;
    if (!tree.feasibleAt(pos, q)) continue;
    found++;
    const slot = tree.slots[pos]!;
    const at = slot * SCORING_STRIDE;
    allocatable.cpuMillis = rows[at]!;
    allocatable.memoryBytes = rows[at + 1]!;
    allocatable.epcBytes = rows[at + 2]!;
    requested.cpuMillis = rows[at + 3]!;
    requested.memoryBytes = rows[at + 4]!;
    requested.epcBytes = rows[at + 5]!;
    let total = 0;
    for (let j = 0; j < scorers.length; j++) {
      const { plugin, weight } = scorers[j]!;
      const s = plugin.scoreAmounts!(podNonZero, allocatable, requested);
      if (!Number.isInteger(s) || s < 0 || s > 100) return SCORE_OUT_OF_RANGE;
      total += weight * s;
    }
    if (total < best) continue;
    if (total > best) {
      best = total;
      ties.length = 0;
    }
    ties.push(slot);
  }
  search.processed = k;
  return ties.length === 0 ? NONE_FEASIBLE : ties[pickIndex(ties.length, ctx.rng)]!;
}

/** The tie list of `highestByAmounts`, reused: decisions do not nest. */
const scratchTies: number[] = [];

/**
 * Why nothing fits, grouped, from the indexes: per node group, unblocked nodes are counted per
 * short dimension by `GroupTree.insufficient` (whole subtrees at once), cordoned or tainted nodes
 * are checked one by one, and only pods with a nodeSelector fall back to checking every node.
 */
function summarize(
  snapshot: ClusterSnapshot,
  pod: PodView,
  profile: Profile,
  index: UsageIndex,
): ReasonGrouper {
  const grouper = new ReasonGrouper(profile.params.strict);
  const groups = snapshot.groupEntries();
  const dims = requestedDims(pod);
  const selector = hasSelector(pod);
  let rankBase = 0;
  for (const g of [0, 1] as const) {
    const entries = groups[g];
    const tree = index.trees[g];
    if (selector) {
      // A nodeSelector is a per-node check: fall back to every node of the group.
      for (const e of entries) grouper.add(entryStatus(e, pod, index, profile), rankBase + e.pos);
    } else {
      for (const e of snapshot.blockedEntries(g))
        grouper.add(entryStatus(e, pod, index, profile), rankBase + e.pos);
      if (pod.sgx && g === 0) {
        grouper.addBulk({ kind: 'no-sgx' }, tree.length - tree.blockedCount, rankBase, false);
      } else {
        for (const d of dims) {
          const requested = amountOf(pod.request, d);
          const short = tree.insufficient(d, requested);
          if (short.count === 0) continue;
          const e = snapshot.entryAt(tree.slots[short.bestPos]!)!;
          const reason: Reason = {
            kind: 'insufficient',
            resource: DIM_KIND[d]!,
            requested,
            used: index.used[d][e.slot]!,
            capacity: admissionBound(amountOf(e.spec.allocatable, d), profile.params),
          };
          grouper.addBulk(reason, short.count, rankBase + short.bestPos, true);
        }
      }
    }
    rankBase += entries.length;
  }
  return grouper;
}

/** The first failing pre-filter's status, or undefined when the pod passes them all. */
function preFilter(pod: PodView, profile: Profile): Status | undefined {
  for (const p of profile.preFilters) {
    const s = p.preFilter(pod);
    if (s.code !== 'Success') return s;
  }
  return undefined;
}

/**
 * A decision for a pod refused before any node was looked at: every node is counted under the
 * pre-filter's reasons (as kube-scheduler does), and an `Error` status becomes `decision.error`.
 */
function refusedUpFront(status: Status, nodes: number, notes: readonly string[]): Decision {
  if (status.code === 'Error') {
    return failed(status.reasons.map((r) => (r.kind === 'other' ? r.message : r.kind)).join('; '), notes);
  }
  const unschedulable = nodes === 0 ? NO_SUMMARIES : status.reasons.map((reason) => ({ reason, nodes }));
  return {
    node: undefined,
    unschedulable,
    unresolvable: nodes > 0 && status.code === 'UnschedulableAndUnresolvable',
    notes,
  };
}

function usedOfFor(profile: Profile, now: number): UsedOf {
  return (node, d) => usedAmount(d, amountOf(node.requested, d), node.measured, profile.params, now);
}

/**
 * The same decision computed by scanning every node with the filter plugins (no index): the
 * reference the indexed path is tested against, and the definition of what `schedule` returns.
 * O(nodes) per call.
 */
export function scheduleByScan(
  snapshot: ClusterSnapshot,
  pod: PodView,
  profile: Profile,
  ctx: ScheduleContext,
): Decision {
  const nodes = snapshot.nodes();
  const statuses = nodes.map((n) => filterNode(n, pod, profile, ctx));
  const stale = nodes.filter((n) => hasStaleMeasurement(n.measured, profile.params, ctx.now)).length;
  const notes = staleNotes(profile, stale);
  const refused = preFilter(pod, profile);
  if (refused !== undefined) return refusedUpFront(refused, nodes.length, notes);
  const usedOf = usedOfFor(profile, ctx.now);
  for (const tier of tiersFor(pod, profile)) {
    const candidates: number[] = [];
    for (const g of tier.groups) nodes.forEach((n, i) => groupOf(n) === g && candidates.push(i));
    if (profile.policy !== undefined) {
      const feasible = candidates.filter((i) => statuses[i]!.code === 'Success').map((i) => nodes[i]!);
      if (feasible.length === 0) continue;
      const i = profile.policy.selectByScan(feasible, pod, usedOf, ctx.rng);
      if (i >= 0) return placed(feasible[i]!.name, notes);
      continue;
    }
    // kube-scheduler's search: from the cursor, wrapping, until enough feasible nodes are found.
    const count = candidates.length;
    const limit = feasibleNodesToFind(profile.sampling, count);
    const start = sampledStart(profile, ctx, count);
    const feasible: NodeView[] = [];
    let looked = 0;
    while (looked < count && feasible.length < limit) {
      const i = candidates[(start + looked++) % count]!;
      if (statuses[i]!.code === 'Success') feasible.push(nodes[i]!);
    }
    moveCursor(profile, ctx, start, looked, count);
    if (feasible.length === 0) continue;
    const outcome = runScorers(profile, pod, feasible, ctx);
    if ('error' in outcome) return failed(outcome.error, notes);
    return placed(feasible[pickHighest(outcome.totals, ctx)]!.name, notes);
  }
  const grouper = new ReasonGrouper(profile.params.strict);
  const standardCount = nodes.filter((n) => !n.sgx).length;
  let standardRank = 0;
  let sgxRank = standardCount;
  nodes.forEach((n, i) => grouper.add(statuses[i]!, n.sgx ? sgxRank++ : standardRank++));
  return notPlaced(grouper, notes);
}

/** Runs the profile's pre-filters and filters on one node: Success, or the first failing status. */
export function filterNode(node: NodeView, pod: PodView, profile: Profile, ctx: ScheduleContext): Status {
  const refused = preFilter(pod, profile);
  if (refused !== undefined) return refused;
  for (const f of profile.filters) {
    const s = f.filter(pod, node, ctx);
    if (s.code !== 'Success') return s;
  }
  return SUCCESS;
}

const UNKNOWN_NODE: Status = Object.freeze({
  code: 'Unschedulable',
  reasons: Object.freeze([{ kind: 'other', message: 'node not (yet) known to the scheduler' } as const]),
});

export interface CandidateFailure {
  readonly node: string;
  readonly status: Status;
}

export interface CandidateFilterResult {
  /** Candidates that pass, in the order given. */
  readonly feasible: readonly string[];
  /** Candidates that fail; `status.code` says resolvable (`Unschedulable`) or not. Unknown names fail. */
  readonly failed: readonly CandidateFailure[];
}

/** Filters a candidate list (the extender's `filter` verb). O(candidates). */
export function filterCandidates(
  snapshot: ClusterSnapshot,
  pod: PodView,
  profile: Profile,
  ctx: ScheduleContext,
  nodeNames: readonly string[],
): CandidateFilterResult {
  const index = snapshot.usageIndex(profile.params, ctx.now);
  const refused = preFilter(pod, profile);
  const feasible: string[] = [];
  const failures: CandidateFailure[] = [];
  for (const name of nodeNames) {
    const e = snapshot.entryOf(name);
    const status = refused ?? (e === undefined ? UNKNOWN_NODE : entryStatus(e, pod, index, profile));
    if (status.code === 'Success') feasible.push(name);
    else failures.push({ node: name, status });
  }
  return { feasible, failed: failures };
}

export interface CandidateScore {
  readonly node: string;
  /** Integer 0..100; infeasible or unknown candidates score 0. */
  readonly score: number;
}

/**
 * Per-node scores of feasible nodes, tier by tier: the first tier holding a feasible node is the
 * active one (its nodes are scored by the policy); other tiers' nodes score 0. Returns scores
 * aligned with `feasible`, and the active tier's number.
 */
function tieredScores(
  profile: Profile,
  pod: PodView,
  feasible: readonly NodeView[],
  ctx: ScheduleContext,
): { scores: number[]; tiers: number[] } {
  const scores = new Array<number>(feasible.length).fill(0);
  const tierOf = new Array<number>(feasible.length).fill(-1);
  const tiers = tiersFor(pod, profile);
  const usedOf = usedOfFor(profile, ctx.now);
  let active = -1;
  tiers.forEach((tier, t) => {
    const members: number[] = [];
    feasible.forEach((n, i) => {
      if (tier.groups.includes(groupOf(n))) {
        members.push(i);
        tierOf[i] = t;
      }
    });
    if (members.length === 0 || active >= 0) return;
    active = t;
    const nodes = members.map((i) => feasible[i]!);
    let s: readonly number[];
    if (profile.policy !== undefined) s = profile.policy.scores(nodes, pod, usedOf);
    else {
      const outcome = runScorers(profile, pod, nodes, ctx);
      // A misbehaving scorer leaves no opinion (all zero), as an extender without one would.
      // Weighted totals back on the 0..100 scale (the weighted mean of the plugin scores).
      const weights = profile.scorers.reduce((sum, w) => sum + w.weight, 0);
      s =
        'error' in outcome
          ? nodes.map(() => 0)
          : outcome.totals.map((x) => (weights > 0 ? Math.floor(x / weights) : 0));
    }
    members.forEach((i, k) => (scores[i] = s[k]!));
  });
  return { scores, tiers: tierOf };
}

/**
 * Scores a candidate list 0..100 (the extender's `prioritize` verb), in the order given. The node
 * the profile prefers among these candidates gets the highest score; standard pods' SGX candidates
 * score 0 while a standard candidate fits (when the profile keeps standard pods off SGX nodes).
 * O(candidates) apart from the kube-style scorers' own work.
 */
export function scoreCandidates(
  snapshot: ClusterSnapshot,
  pod: PodView,
  profile: Profile,
  ctx: ScheduleContext,
  nodeNames: readonly string[],
): CandidateScore[] {
  const { feasible } = filterCandidates(snapshot, pod, profile, ctx, nodeNames);
  const views = feasible.map((n) => snapshot.node(n)!);
  const { scores } = tieredScores(profile, pod, views, ctx);
  const byName = new Map<string, number>();
  feasible.forEach((n, i) => byName.set(n, scores[i]!));
  return nodeNames.map((node) => ({ node, score: byName.get(node) ?? 0 }));
}

/**
 * Per-node account, built on demand (not on the hot path): every node's filter status, and for
 * feasible nodes the score the policy gives it within its tier (`scores.tier`: 0 = preferred
 * group). O(nodes).
 */
export function explain(
  snapshot: ClusterSnapshot,
  pod: PodView,
  profile: Profile,
  ctx: ScheduleContext,
): NodeVerdict[] {
  const nodes = snapshot.nodes();
  const statuses = nodes.map((n) => filterNode(n, pod, profile, ctx));
  const feasible = nodes.filter((_, i) => statuses[i]!.code === 'Success');
  const { scores, tiers } = tieredScores(profile, pod, feasible, ctx);
  const scoreOf = new Map<string, { score: number; tier: number }>();
  feasible.forEach((n, i) => scoreOf.set(n.name, { score: scores[i]!, tier: tiers[i]! }));
  const scorerName = profile.policy?.name ?? profile.scorers.map((s) => s.plugin.name).join('+');
  return nodes.map((n, i) => {
    const s = scoreOf.get(n.name);
    if (s === undefined) return { node: n.name, status: statuses[i]! };
    return {
      node: n.name,
      status: statuses[i]!,
      score: s.score,
      scores: { [scorerName]: s.score, tier: s.tier },
    };
  });
}
