/**
 * filter and prioritize through the core's candidate functions: the same seam, profile and rules
 * as the scheduler and the simulator. The snapshot is kept current by the caller (informer-backed
 * cache); in full-NodeList mode the request's own Node objects refresh the node specs first, so the
 * answer is about exactly the nodes the scheduler sent.
 */
import { createRng, filterCandidates, formatReason, scoreCandidates } from '../../core/index.js';
import type { ClusterSnapshot, PodView, Profile, Status } from '../../core/index.js';
import { nodeFromJson, podFromJson } from './convert.js';
import type { ConvertOptions } from './convert.js';
import type { ExtenderDecider } from './server.js';
import { candidateNames, MAX_EXTENDER_PRIORITY, toExtenderScore } from './wire.js';
import type { ExtenderArgs, FilterOutcome, HostPriority, JsonObject } from './wire.js';

export interface CoreDeciderOptions {
  readonly snapshot: ClusterSnapshot;
  readonly profile: Profile;
  readonly convert: ConvertOptions;
  /** Milliseconds, the clock of measured usage (`MeasuredUsage.epcAt`). */
  readonly now: () => number;
  /** Seed of the per-pod Rng: the same pod, cluster and seed always get the same answer. */
  readonly seed: number;
  /**
   * Full-NodeList mode: add nodes the snapshot does not know yet (default true). False when an
   * informer-backed cache owns the node set: it also places the pods bound to a node it learns
   * about, so a node first seen in a request waits for the cache (answered as not cached yet).
   */
  readonly acceptNewNodes?: boolean;
}

/** FNV-1a over the pod's identity, mixed with the seed: a per-pod, per-seed deterministic stream. */
function podSeed(seed: number, pod: PodView): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (const ch of pod.uid) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}

export function statusMessage(status: Status): string {
  if (status.reasons.length === 0) return status.code;
  return status.reasons.map(formatReason).join('; ');
}

export const NOT_IN_CACHE =
  'node not in the extender node cache yet (just added?); retried on the next cycle';

function resourceVersionOf(node: JsonObject): string | undefined {
  const meta = node['metadata'];
  if (typeof meta !== 'object' || meta === null) return undefined;
  const rv = (meta as JsonObject)['resourceVersion'];
  return typeof rv === 'string' && rv !== '' ? rv : undefined;
}

export class CoreDecider implements ExtenderDecider {
  /** Full-NodeList mode: the resourceVersion of each node last taken from a request. */
  private readonly nodeVersions = new Map<string, string>();

  constructor(private readonly opts: CoreDeciderOptions) {}

  /**
   * Refreshes the snapshot from the request's Node objects. kube-scheduler sends the same objects
   * call after call, so a node whose resourceVersion we already applied is skipped: re-indexing 500
   * unchanged nodes per call would dominate the answer time.
   */
  private refreshNodes(nodes: readonly JsonObject[]): void {
    const { snapshot, convert } = this.opts;
    nodes.forEach((n, i) => {
      const name = (n['metadata'] as JsonObject)['name'] as string; // checked by parseExtenderArgs
      const rv = resourceVersionOf(n);
      const known = snapshot.node(name) !== undefined;
      if (!known && this.opts.acceptNewNodes === false) return;
      if (known && rv !== undefined && this.nodeVersions.get(name) === rv) return;
      snapshot.upsertNode(nodeFromJson(n, convert, `Nodes.items[${i}]`));
      if (rv !== undefined) this.nodeVersions.set(name, rv);
    });
  }

  /** Converts the pod, refreshes node specs from a full NodeList, and splits known from unknown names. */
  private prepare(args: ExtenderArgs): { pod: PodView; known: string[]; unknown: string[] } {
    const { snapshot } = this.opts;
    const pod = podFromJson(args.pod);
    if (args.nodes !== undefined) this.refreshNodes(args.nodes);
    const known: string[] = [];
    const unknown: string[] = [];
    for (const name of candidateNames(args)) (snapshot.node(name) === undefined ? unknown : known).push(name);
    return { pod, known, unknown };
  }

  private ctx(pod: PodView): { rng: ReturnType<typeof createRng>; now: number } {
    return { rng: createRng(podSeed(this.opts.seed, pod)), now: this.opts.now() };
  }

  filter(args: ExtenderArgs): FilterOutcome {
    const { pod, known, unknown } = this.prepare(args);
    const result = filterCandidates(this.opts.snapshot, pod, this.opts.profile, this.ctx(pod), known);
    const failed = new Map<string, string>();
    const unresolvable = new Map<string, string>();
    // A node the cache has not seen yet may well fit once it has: resolvable, not a verdict.
    for (const name of unknown) failed.set(name, NOT_IN_CACHE);
    for (const f of result.failed) {
      (f.status.code === 'UnschedulableAndUnresolvable' ? unresolvable : failed).set(
        f.node,
        statusMessage(f.status),
      );
    }
    return { passed: result.feasible, failed, unresolvable };
  }

  prioritize(args: ExtenderArgs): HostPriority[] {
    const { pod, known } = this.prepare(args);
    const scores = scoreCandidates(this.opts.snapshot, pod, this.opts.profile, this.ctx(pod), known);
    // 0..100 has 101 levels, the extender scale 11: keep the profile's own choice the unique
    // maximum so that the stock scheduler, summing our score with its own, follows the policy.
    let best = -1;
    let bestScore = 0;
    scores.forEach((s, i) => {
      if (s.score > bestScore) {
        best = i;
        bestScore = s.score;
      }
    });
    const byNode = new Map<string, number>();
    scores.forEach((s, i) => {
      byNode.set(
        s.node,
        i === best ? MAX_EXTENDER_PRIORITY : Math.min(MAX_EXTENDER_PRIORITY - 1, toExtenderScore(s.score)),
      );
    });
    // In request order; nodes not in the cache yet score 0.
    return candidateNames(args).map((Host) => ({ Host, Score: byNode.get(Host) ?? 0 }));
  }
}
