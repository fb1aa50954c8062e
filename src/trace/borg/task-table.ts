import { mixKey } from '../columns/int-hash.js';

const EMPTY = -1;

/**
 * The open tasks of the placement pairing: one slot per pending or running task, in typed-array
 * columns, found through an open-addressing index keyed by one number per (job, task). Over the
 * 14 shared task_events parts the table holds up to ~150,000 tasks at once while 2.6 million rows
 * pass through it: no object per task, no boxed keys, nothing for the garbage collector.
 *
 * Keys are integers below 2^53 (`taskKey`); the few (job, task) pairs that do not fit use `others`.
 */
export class TaskTable {
  // index: key -> slot
  private keys: Float64Array;
  private slotOf: Int32Array;
  private mask: number;
  private used = 0;
  private readonly others = new Map<string, number>();

  // slot columns
  jobId: Float64Array;
  taskIndex: Float64Array;
  submitUs: Float64Array;
  startUs: Float64Array;
  machineId: Float64Array;
  cpu: Float64Array;
  memory: Float64Array;
  disk: Float64Array;
  priority: Int32Array;
  schedulingClass: Int32Array;
  line: Int32Array;
  file: Int32Array;
  /** Bit 0: running; bit 1: a SUBMIT was read. */
  flags: Uint8Array;
  /** Insertion sequence, for a stable order of what is left at the end. */
  seq: Float64Array;

  private capacity: number;
  private freeList: Int32Array;
  private freeTop = 0;
  private nextSlot = 0;
  private seqCounter = 0;

  constructor(initialSlots = 1 << 16) {
    this.capacity = initialSlots;
    this.jobId = new Float64Array(initialSlots);
    this.taskIndex = new Float64Array(initialSlots);
    this.submitUs = new Float64Array(initialSlots);
    this.startUs = new Float64Array(initialSlots);
    this.machineId = new Float64Array(initialSlots);
    this.cpu = new Float64Array(initialSlots);
    this.memory = new Float64Array(initialSlots);
    this.disk = new Float64Array(initialSlots);
    this.priority = new Int32Array(initialSlots);
    this.schedulingClass = new Int32Array(initialSlots);
    this.line = new Int32Array(initialSlots);
    this.file = new Int32Array(initialSlots);
    this.flags = new Uint8Array(initialSlots);
    this.seq = new Float64Array(initialSlots);
    this.freeList = new Int32Array(initialSlots);
    const indexSize = initialSlots * 4;
    this.keys = new Float64Array(indexSize).fill(EMPTY);
    this.slotOf = new Int32Array(indexSize);
    this.mask = indexSize - 1;
  }

  /** Tasks held. */
  get size(): number {
    return this.used + this.others.size;
  }

  /** The slot of (job, task), or -1. */
  find(jobId: number, taskIndex: number): number {
    if (jobId >= 2 ** 33 || taskIndex >= 2 ** 20) return this.others.get(`${jobId}/${taskIndex}`) ?? -1;
    const key = jobId * 2 ** 20 + taskIndex;
    const keys = this.keys;
    const mask = this.mask;
    let i = mixKey(key) & mask;
    for (;;) {
      const k = keys[i]!;
      if (k === key) return this.slotOf[i]!;
      if (k === EMPTY) return -1;
      i = (i + 1) & mask;
    }
  }

  /** A fresh slot for (job, task), which must not be held yet. */
  insert(jobId: number, taskIndex: number): number {
    const slot = this.allocate();
    this.jobId[slot] = jobId;
    this.taskIndex[slot] = taskIndex;
    this.seq[slot] = this.seqCounter++;
    if (jobId >= 2 ** 33 || taskIndex >= 2 ** 20) {
      this.others.set(`${jobId}/${taskIndex}`, slot);
      return slot;
    }
    if ((this.used + 1) * 2 > this.keys.length) this.growIndex();
    this.put(jobId * 2 ** 20 + taskIndex, slot);
    this.used++;
    return slot;
  }

  /** Forgets (job, task) and frees its slot. */
  remove(jobId: number, taskIndex: number, slot: number): void {
    this.freeList[this.freeTop++] = slot;
    if (jobId >= 2 ** 33 || taskIndex >= 2 ** 20) {
      this.others.delete(`${jobId}/${taskIndex}`);
      return;
    }
    const key = jobId * 2 ** 20 + taskIndex;
    const keys = this.keys;
    const mask = this.mask;
    let i = mixKey(key) & mask;
    while (keys[i] !== key) i = (i + 1) & mask;
    // Backward-shift deletion keeps every probe chain unbroken without tombstones.
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const k = keys[j]!;
      if (k === EMPTY) break;
      const home = mixKey(k) & mask;
      const between = i <= j ? i < home && home <= j : i < home || home <= j;
      if (between) continue;
      keys[i] = k;
      this.slotOf[i] = this.slotOf[j]!;
      i = j;
    }
    keys[i] = EMPTY;
    this.used--;
  }

  /** Slots held, in insertion order (each removes nothing). */
  heldSlots(): number[] {
    const out: number[] = [];
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== EMPTY) out.push(this.slotOf[i]!);
    for (const slot of this.others.values()) out.push(slot);
    return out.sort((a, b) => this.seq[a]! - this.seq[b]!);
  }

  clear(): void {
    this.keys.fill(EMPTY);
    this.others.clear();
    this.used = 0;
    this.freeTop = 0;
    this.nextSlot = 0;
  }

  private put(key: number, slot: number): void {
    const keys = this.keys;
    const mask = this.mask;
    let i = mixKey(key) & mask;
    while (keys[i] !== EMPTY) i = (i + 1) & mask;
    keys[i] = key;
    this.slotOf[i] = slot;
  }

  private growIndex(): void {
    const oldKeys = this.keys;
    const oldSlots = this.slotOf;
    this.keys = new Float64Array(oldKeys.length * 2).fill(EMPTY);
    this.slotOf = new Int32Array(oldKeys.length * 2);
    this.mask = this.keys.length - 1;
    for (let i = 0; i < oldKeys.length; i++) {
      const k = oldKeys[i]!;
      if (k !== EMPTY) this.put(k, oldSlots[i]!);
    }
  }

  private allocate(): number {
    if (this.freeTop > 0) return this.freeList[--this.freeTop]!;
    if (this.nextSlot === this.capacity) this.growSlots();
    return this.nextSlot++;
  }

  private growSlots(): void {
    const n = this.capacity * 2;
    const f64 = (a: Float64Array): Float64Array => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    const i32 = (a: Int32Array): Int32Array => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.jobId = f64(this.jobId);
    this.taskIndex = f64(this.taskIndex);
    this.submitUs = f64(this.submitUs);
    this.startUs = f64(this.startUs);
    this.machineId = f64(this.machineId);
    this.cpu = f64(this.cpu);
    this.memory = f64(this.memory);
    this.disk = f64(this.disk);
    this.seq = f64(this.seq);
    this.priority = i32(this.priority);
    this.schedulingClass = i32(this.schedulingClass);
    this.line = i32(this.line);
    this.file = i32(this.file);
    this.freeList = i32(this.freeList);
    const flags = new Uint8Array(n);
    flags.set(this.flags);
    this.flags = flags;
    this.capacity = n;
  }
}
