import { FinishHeap } from './finish-heap.js';
import { MinTree } from './min-tree.js';
import type { PaperJobs } from './paper-csv.js';
import { minutesRepr } from './minutes.js';

/**
 * The authors' offline simulator, second by second, with the same output and without its cost.
 *
 * Their loop, for t = 0, 1, 2, ...: (1) jobs with start <= origin + t join the backlog, in start order;
 * (2) jobs finishing at t give their used pages back; (3) the backlog is walked in order and each job
 * goes to the first node (sgx-1, then sgx-2) where usage + requested < usable * 0.8, charging its used
 * pages; (4) `t/60,pending requested bytes` is printed; (5) the run stops once every job has arrived,
 * the backlog is empty and nothing finishes later. The walk in (3) costs the whole backlog every
 * second; here it costs O(log n) per placement, and seconds in which nothing can happen cost nothing
 * but their output line. Why this gives the same placements:
 *
 * - Usage only grows during a walk (used pages are >= 1), so a job that did not fit when the walk
 *   reached it would not fit later in the same walk. Hence a walk places exactly the jobs found by
 *   repeatedly asking for the first backlog job, after the last one placed, whose request is at most
 *   `cap - min(usage)`; `MinTree.leftmost` answers that from the backlog's requests.
 * - Between walks, usage falls only through releases and the backlog gains only arrivals. In a second
 *   with neither, no job fits that did not fit in the previous walk: such idle seconds are not walked,
 *   only printed, and the loop jumps straight to the next arrival or release. A walk whose threshold is
 *   below the smallest pending request ends at the tree's root, so a futile walk costs O(1).
 *
 * `usage + req < usable * 0.8` compares Python ints with a float exactly; with integer usage and
 * request it is `usage + req <= cap` for the integer `cap = ceil(usable * 0.8) - 1`, computed once from
 * the same double product.
 */

/** How a run ended. */
export interface PaperCompatOutcome {
  /** The last second printed. */
  readonly lastSecond: number;
  /** Jobs placed. */
  readonly placed: number;
  /**
   * Jobs left in the backlog when nothing could change any more (no arrival and no release to come).
   * The authors' loop never ends in that state and prints the same bytes every second forever; this
   * stops after the first such second instead. 0 when the run ended by the paper's own rule.
   */
  readonly stuckJobs: number;
}

/** Nodes in name order: sgx-1 is 0, sgx-2 is 1. */
const NODE_COUNT = 2;

/** Output chunk size in bytes; a line is far shorter than the slack kept at the end. */
const CHUNK_BYTES = 1 << 16;
const LINE_SLACK = 128;

/**
 * Output as ASCII bytes in fixed chunks rather than one growing string: the hour at every job prints
 * 280,000 lines, and string ropes made the garbage collector the largest cost of a cold run.
 */
class AsciiChunks {
  private buf = new Uint8Array(CHUNK_BYTES);
  private len = 0;

  /** Appends text whose characters are all ASCII (numbers, `.`, `e`, `+`, `-`, `,`, newline). */
  put(text: string): void {
    const buf = this.buf;
    let len = this.len;
    for (let i = 0; i < text.length; i++) buf[len++] = text.charCodeAt(i);
    this.len = len;
  }

  /** True when the chunk may not have room for another line. */
  get full(): boolean {
    return this.len > CHUNK_BYTES - LINE_SLACK;
  }

  get empty(): boolean {
    return this.len === 0;
  }

  /** Hands the filled part over and starts a new chunk. */
  take(): Uint8Array {
    const out = this.buf.subarray(0, this.len);
    this.buf = new Uint8Array(CHUNK_BYTES);
    this.len = 0;
    return out;
  }
}

/** Python's `n * 4096` for the int sum of pending requests, printed as Python prints an int. */
function pendingBytes(pages: number): string {
  const bytes = pages * 4096;
  return Number.isSafeInteger(bytes) ? String(bytes) : (BigInt(pages) * 4096n).toString();
}

/** Jobs' positions in stable start order (Python's sorted() with key=start). */
function startOrder(jobs: PaperJobs): Uint32Array {
  const order = new Uint32Array(jobs.count);
  for (let i = 0; i < order.length; i++) order[i] = i;
  const start = jobs.start;
  return order.sort((a, b) => start[a]! - start[b]! || a - b);
}

/**
 * Runs the simulation; yields stdout as ASCII bytes in chunks (each a whole number of lines) and returns
 * the outcome. `usablePages` is the authors' float `(MiB * 1048576 * 3 / 4 - 2621440) / 4096`.
 */
export function* paperCompatSteps(
  jobs: PaperJobs,
  usablePages: number,
): Generator<Uint8Array, PaperCompatOutcome, undefined> {
  const n = jobs.count;
  const order = startOrder(jobs);
  // Columns in backlog (arrival) order.
  const start = new Float64Array(n);
  const duration = new Float64Array(n);
  const req = new Float64Array(n);
  const act = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const j = order[k]!;
    start[k] = jobs.start[j]!;
    duration[k] = jobs.end[j]! - jobs.start[j]!;
    req[k] = jobs.req[j]!;
    act[k] = jobs.act[j]!;
  }
  // The origin is the first kept line's start, in file order, not the smallest start.
  const origin = n > 0 ? jobs.start[0]! : 0;
  const cap = Math.ceil(usablePages * 0.8) - 1;

  const backlog = new MinTree(n);
  const finishes = new FinishHeap(n);
  const usage = new Float64Array(NODE_COUNT);
  const released = { node: 0, pages: 0 };
  let arrived = 0;
  let backlogJobs = 0;
  let backlogPages = 0;
  let placed = 0;
  const out = new AsciiChunks();

  for (let t = 0; ;) {
    // Every second that reaches this point has an arrival or a release (idle seconds are skipped
    // below), so the walk in (3) is due; it costs one tree descent when nothing fits.
    // (1) arrivals
    const now = origin + t;
    while (arrived < n && start[arrived]! <= now) {
      backlog.set(arrived, req[arrived]!);
      backlogPages += req[arrived]!;
      backlogJobs++;
      arrived++;
    }
    // (2) releases; entries are only ever pushed for seconds after the current one
    while (finishes.peekTime() === t) {
      finishes.pop(released);
      usage[released.node]! -= released.pages;
    }
    // (3) the walk: the first backlog job after the last placed one that fits some node, repeatedly
    for (let from = 0; ;) {
      const free = cap - Math.min(usage[0]!, usage[1]!);
      const k = backlog.leftmost(from, free);
      if (k < 0) break;
      const node = usage[0]! + req[k]! <= cap ? 0 : 1;
      usage[node]! += act[k]!;
      backlog.set(k, Infinity);
      backlogPages -= req[k]!;
      backlogJobs--;
      placed++;
      // A job placed with duration <= 0 finishes at a second already processed: never released.
      if (duration[k]! > 0) finishes.push(t + duration[k]!, node, act[k]!);
      from = k + 1;
    }
    // (4) the line for this second
    const tail = `,${pendingBytes(backlogPages)}\n`;
    out.put(minutesRepr(t));
    out.put(tail);
    // (5) the paper's stop rule; with no arrival and no release to come nothing can change either
    if (arrived === n && finishes.size === 0) {
      if (!out.empty) yield out.take();
      return { lastSecond: t, placed, stuckJobs: backlogJobs };
    }
    if (out.full) yield out.take();
    // Seconds before the next arrival or release are idle: same backlog, same bytes.
    const next = Math.min(arrived < n ? start[arrived]! - origin : Infinity, finishes.peekTime());
    for (t++; t < next; t++) {
      out.put(minutesRepr(t));
      out.put(tail);
      if (out.full) yield out.take();
    }
  }
}
