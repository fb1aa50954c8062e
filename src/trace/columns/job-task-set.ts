import { NumberMap } from './number-map.js';

/** A `JobTaskSet` as plain data: job i's bitset is `bits[offsets[i] .. offsets[i + 1])`. */
export interface JobTaskSetData {
  readonly jobIds: Float64Array;
  readonly offsets: Int32Array;
  readonly bits: Uint32Array;
  /** Tasks beyond the bitset range, as `job/task`. */
  readonly others: readonly string[];
}

function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/**
 * Distinct jobs and distinct (job, task) pairs, for `trace stats`: a job is one entry of a
 * `NumberMap`, its tasks one bit each in a bitset indexed by task index. A job's rows come in bursts,
 * so the last job is remembered and most rows cost one array access and one bit test.
 */
export class JobTaskSet {
  private readonly jobs = new NumberMap(4096);
  private bits: Uint32Array[] = [];
  private lastJob = -1;
  private lastBits: Uint32Array = new Uint32Array(0);
  private lastSlot = -1;
  private taskCount = 0;
  /** Task indexes beyond the bitset range (none in the 2011 trace). */
  private readonly others = new Set<string>();

  get jobCount(): number {
    return this.jobs.size;
  }

  get tasks(): number {
    return this.taskCount + this.others.size;
  }

  add(jobId: number, taskIndex: number): void {
    if (taskIndex >= 2 ** 20) {
      this.addJob(jobId);
      this.others.add(`${jobId}/${taskIndex}`);
      return;
    }
    let bits = jobId === this.lastJob ? this.lastBits : this.addJob(jobId);
    const word = taskIndex >>> 5;
    if (word >= bits.length) bits = this.widenLast(word + 1);
    const mask = 1 << (taskIndex & 31);
    if ((bits[word]! & mask) === 0) {
      bits[word] = bits[word]! | mask;
      this.taskCount++;
    }
  }

  /** The set as plain data (crosses threads by structured clone), for `absorb`. */
  export(): JobTaskSetData {
    const jobIds = new Float64Array(this.bits.length);
    const offsets = new Int32Array(this.bits.length + 1);
    let words = 0;
    this.jobs.forEach((slot, jobId) => {
      jobIds[slot] = jobId;
    });
    for (let slot = 0; slot < this.bits.length; slot++) {
      offsets[slot] = words;
      words += this.bits[slot]!.length;
    }
    offsets[this.bits.length] = words;
    const bits = new Uint32Array(words);
    for (let slot = 0; slot < this.bits.length; slot++) bits.set(this.bits[slot]!, offsets[slot]);
    return { jobIds, offsets, bits, others: [...this.others] };
  }

  /** Adds every job and task of another set (as `export` gave it). */
  absorb(data: JobTaskSetData): void {
    const { jobIds, offsets, bits } = data;
    for (let j = 0; j < jobIds.length; j++) {
      let mine = this.addJob(jobIds[j]!);
      const from = offsets[j]!;
      const words = offsets[j + 1]! - from;
      if (words > mine.length) mine = this.widenLast(words);
      for (let w = 0; w < words; w++) {
        const theirs = bits[from + w]!;
        const fresh = theirs & ~mine[w]!;
        if (fresh !== 0) {
          this.taskCount += popcount(fresh);
          mine[w] = mine[w]! | theirs;
        }
      }
    }
    for (const key of data.others) {
      const job = Number(key.slice(0, key.indexOf('/')));
      this.addJob(job);
      this.others.add(key);
    }
  }

  /** Grows the last job's bitset (doubling from 4 words) to hold at least `words` words. */
  private widenLast(words: number): Uint32Array {
    const bits = this.lastBits;
    let n = Math.max(4, bits.length);
    while (n < words) n *= 2;
    const bigger = new Uint32Array(n);
    bigger.set(bits);
    this.bits[this.lastSlot] = bigger;
    this.lastBits = bigger;
    return bigger;
  }

  private addJob(jobId: number): Uint32Array {
    let slot = this.jobs.get(jobId);
    if (slot < 0) {
      slot = this.bits.length;
      this.bits.push(new Uint32Array(4));
      this.jobs.set(jobId, slot);
    }
    this.lastJob = jobId;
    this.lastSlot = slot;
    this.lastBits = this.bits[slot]!;
    return this.lastBits;
  }
}
