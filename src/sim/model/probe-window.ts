/**
 * The EPC probe's report per node, as the scheduler sees it: the probe samples every running SGX
 * pod at each tick (the paper: every 7 s) and reports, per node, the sum over its pods of each pod's
 * largest sample among the last `ticksInWindow` ticks (the paper: a 25 s window, 4 ticks).
 *
 * A pod's samples are its resident EPC while it runs, then 0. So it counts on its node from the
 * first tick after it starts until `ticksInWindow` ticks after the last tick it ran through, and
 * not at all if it ended before any tick. Both moments are known when it starts and when it leaves:
 * each becomes a change due at that tick, and a tick visits only the changes due then. Nothing is
 * done per running pod per tick, however long it runs.
 */
export class ProbeWindow {
  /** Ticks run so far. */
  ticks = 0;
  /** Pods that have left but still count (their drop is due at a later tick). */
  ghosts = 0;
  /** What the probe reports for each node's EPC as of the last tick (bytes: exact in any order). */
  readonly epc: Float64Array;
  /** Nodes whose report may have changed at the last tick (`changedCount` of them), each once. */
  changed: Int32Array;
  changedCount = 0;

  /** Changes due at tick k are in `due[k % due.length]`: at most `ticksInWindow` ticks ahead. */
  private readonly due: DueChanges[] = [];
  /** The last tick at which each node was listed in `changed`. */
  private readonly listedAt: Float64Array;

  constructor(
    readonly ticksInWindow: number,
    nodes: number,
  ) {
    if (!Number.isInteger(ticksInWindow) || ticksInWindow < 1)
      throw new RangeError(`a probe window holds at least one tick, got ${ticksInWindow}`);
    for (let k = 0; k <= ticksInWindow; k++) this.due.push(new DueChanges());
    this.epc = new Float64Array(nodes);
    this.changed = new Int32Array(Math.max(1, nodes));
    this.listedAt = new Float64Array(nodes);
  }

  /** A pod starts running on `node` with `bytes` resident; returns the tick of its first sample. */
  start(node: number, bytes: number): number {
    const first = this.ticks + 1;
    if (bytes > 0) this.changeAt(first, node, bytes);
    return first;
  }

  /** The pod that `start` returned `firstTick` for leaves `node`: it counts until it ages out. */
  stop(node: number, bytes: number, firstTick: number): void {
    const sampled = firstTick <= this.ticks;
    // Never sampled: it leaves at the tick that would have taken its first sample, cancelling it.
    const leaves = sampled && bytes > 0 ? this.ticks + this.ticksInWindow : this.ticks + 1;
    if (bytes > 0) this.changeAt(leaves, node, -bytes);
    this.due[leaves % this.due.length]!.ghostsLeaving++;
    this.ghosts++;
  }

  /** Runs the next tick: applies the changes due, and lists the nodes they touched in `changed`. */
  tick(): void {
    const tick = ++this.ticks;
    const due = this.due[tick % this.due.length]!;
    let n = 0;
    for (let i = 0; i < due.n; i++) {
      const node = due.node[i]!;
      this.epc[node] = this.epc[node]! + due.bytes[i]!;
      if (this.listedAt[node] !== tick) {
        this.listedAt[node] = tick;
        this.changed[n++] = node;
      }
    }
    this.changedCount = n;
    due.n = 0;
    this.ghosts -= due.ghostsLeaving;
    due.ghostsLeaving = 0;
  }

  private changeAt(tick: number, node: number, bytes: number): void {
    this.due[tick % this.due.length]!.add(node, bytes);
  }
}

/** Changes due at one tick: node and bytes, in typed arrays (no object per change). */
class DueChanges {
  node = new Int32Array(64);
  bytes = new Float64Array(64);
  n = 0;
  ghostsLeaving = 0;

  add(node: number, bytes: number): void {
    if (this.n === this.node.length) {
      const nodes = new Int32Array(this.n * 2);
      nodes.set(this.node);
      this.node = nodes;
      const b = new Float64Array(this.n * 2);
      b.set(this.bytes);
      this.bytes = b;
    }
    this.node[this.n] = node;
    this.bytes[this.n++] = bytes;
  }
}
