import { NumberMap } from '../columns/number-map.js';

/** Flag bit of a slot in use (the tracker owns the low bits). */
export const IN_USE = 0x80;

const EMPTY_TASKS = new Int32Array(0);

function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** Task indexes at or above this go to a plain Map (the 2011 trace's largest is about 20,000). */
const TASK_INDEX_LIMIT = 2 ** 20;

/**
 * The open tasks of the placement pairing: one slot per pending or running task, in typed-array
 * columns. A task is found in two steps: its job in a `NumberMap` (remembering the last job, since a
 * job's events come in bursts), then its task index in that job's Int32Array of slots. Over the 14
 * shared task_events parts up to ~300,000 tasks are open at once while 2.6 million rows pass: no
 * object per task, no boxed keys, nothing for the garbage collector. A job's array is dropped when
 * its last open task ends, so memory follows the open tasks, not the rows read.
 */
export class TaskTable {
  private readonly jobs = new NumberMap(4096);
  private jobTasks: Int32Array[] = [];
  private jobOpen = new Int32Array(4096);
  private readonly freeJobs: number[] = [];
  private lastJobId = -1;
  private lastJobSlot = -1;
  private readonly others = new Map<string, number>();
  private readonly pools = new Map<number, Int32Array[]>();
  private count = 0;

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
  /** Bit 0: running; bit 1: a SUBMIT was read; bit 7: slot in use. */
  flags: Uint8Array;
  /** Insertion sequence, for a stable order of what is left at the end. */
  seq: Float64Array;

  private capacity: number;
  private freeList: Int32Array;
  private freeTop = 0;
  private nextSlot = 0;
  private seqCounter = 0;

  constructor(initialSlots = 1 << 18) {
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
  }

  /** Tasks held. */
  get size(): number {
    return this.count;
  }

  private jobSlot(jobId: number): number {
    if (jobId === this.lastJobId) return this.lastJobSlot;
    const j = this.jobs.get(jobId);
    if (j >= 0) {
      this.lastJobId = jobId;
      this.lastJobSlot = j;
    }
    return j;
  }

  /** The slot of (job, task), or -1. */
  find(jobId: number, taskIndex: number): number {
    if (taskIndex >= TASK_INDEX_LIMIT) return this.others.get(`${jobId}/${taskIndex}`) ?? -1;
    const j = this.jobSlot(jobId);
    if (j < 0) return -1;
    const tasks = this.jobTasks[j]!;
    return taskIndex < tasks.length ? tasks[taskIndex]! : -1;
  }

  /** A fresh slot for (job, task), which must not be held yet. */
  insert(jobId: number, taskIndex: number): number {
    const slot = this.allocate();
    this.jobId[slot] = jobId;
    this.taskIndex[slot] = taskIndex;
    this.seq[slot] = this.seqCounter++;
    this.flags[slot] = IN_USE;
    this.count++;
    if (taskIndex >= TASK_INDEX_LIMIT) {
      this.others.set(`${jobId}/${taskIndex}`, slot);
      return slot;
    }
    let j = this.jobSlot(jobId);
    if (j < 0) {
      j = this.freeJobs.pop() ?? this.jobTasks.length;
      if (j === this.jobTasks.length) this.jobTasks.push(new Int32Array(0));
      if (j >= this.jobOpen.length) {
        const bigger = new Int32Array(this.jobOpen.length * 2);
        bigger.set(this.jobOpen);
        this.jobOpen = bigger;
      }
      this.jobTasks[j] = this.takeArray(Math.max(8, nextPow2(taskIndex + 1)));
      this.jobOpen[j] = 0;
      this.jobs.set(jobId, j);
      this.lastJobId = jobId;
      this.lastJobSlot = j;
    }
    let tasks = this.jobTasks[j]!;
    if (taskIndex >= tasks.length) {
      const bigger = this.takeArray(nextPow2(taskIndex + 1));
      bigger.set(tasks);
      this.giveArray(tasks.fill(-1));
      this.jobTasks[j] = tasks = bigger;
    }
    tasks[taskIndex] = slot;
    this.jobOpen[j]!++;
    return slot;
  }

  /** Forgets (job, task) and frees its slot. */
  remove(jobId: number, taskIndex: number, slot: number): void {
    this.freeList[this.freeTop++] = slot;
    this.flags[slot] = 0;
    this.count--;
    if (taskIndex >= TASK_INDEX_LIMIT) {
      this.others.delete(`${jobId}/${taskIndex}`);
      return;
    }
    const j = this.jobSlot(jobId);
    this.jobTasks[j]![taskIndex] = -1;
    if (--this.jobOpen[j]! === 0) {
      // The job has no open task left: drop its array so memory follows the open tasks.
      this.jobs.delete(jobId);
      this.giveArray(this.jobTasks[j]!);
      this.jobTasks[j] = EMPTY_TASKS;
      this.freeJobs.push(j);
      if (this.lastJobId === jobId) this.lastJobId = -1;
    }
  }

  /**
   * A task-slot array of `length` (a power of two) filled with -1, from the pool when one is free:
   * jobs open and close all the time, and allocating a typed array for each would dominate.
   */
  private takeArray(length: number): Int32Array {
    const pool = this.pools.get(length);
    const reused = pool?.pop();
    return reused ?? new Int32Array(length).fill(-1);
  }

  /** Returns an array to the pool; its entries are all -1 again (every task of the job was removed). */
  private giveArray(a: Int32Array): void {
    if (a.length === 0) return;
    let pool = this.pools.get(a.length);
    if (pool === undefined) {
      pool = [];
      this.pools.set(a.length, pool);
    }
    // Bounded: a pool never holds more than the arrays of the largest set of jobs closed at once.
    if (pool.length < 4096) pool.push(a);
  }

  /** Slots held, in insertion order (`inOrder`), or in slot order (cheaper, when order is moot). */
  heldSlots(inOrder = true): number[] {
    const out: number[] = [];
    for (let slot = 0; slot < this.nextSlot; slot++) if ((this.flags[slot]! & IN_USE) !== 0) out.push(slot);
    return inOrder ? out.sort((a, b) => this.seq[a]! - this.seq[b]!) : out;
  }

  clear(): void {
    this.jobs.clear();
    this.jobTasks = [];
    this.freeJobs.length = 0;
    this.others.clear();
    this.lastJobId = -1;
    this.count = 0;
    this.flags.fill(0);
    this.freeTop = 0;
    this.nextSlot = 0;
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
