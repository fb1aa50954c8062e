import { NumberMap } from './number-map.js';

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
    if (word >= bits.length) {
      let n = Math.max(4, bits.length);
      while (n <= word) n *= 2;
      const bigger = new Uint32Array(n);
      bigger.set(bits);
      this.bits[this.lastSlot] = bits = bigger;
      this.lastBits = bigger;
    }
    const mask = 1 << (taskIndex & 31);
    if ((bits[word]! & mask) === 0) {
      bits[word] = bits[word]! | mask;
      this.taskCount++;
    }
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
