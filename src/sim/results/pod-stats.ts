/**
 * The per-class distributions of a run's pods (waiting time, turnaround, slowdown of all, SGX and
 * standard pods), counted from each pod's numbers as it reaches its final state. Used by the run's
 * recorder, or by the pods thread (`PodResultsThread`) when a long run hands its pods over.
 */
import type { PodClassSummary, PodOutcome } from './types.js';
import { QuantileCollector } from './stats.js';

export interface PodClassSummaries {
  readonly all: PodClassSummary;
  readonly sgx: PodClassSummary;
  readonly standard: PodClassSummary;
}

class ClassStats {
  pods = 0;
  finished = 0;
  failed = 0;
  neverPlaced = 0;
  readonly waiting: QuantileCollector;
  readonly turnaround: QuantileCollector;
  readonly slowdown: QuantileCollector;

  constructor(sortAsAdded: boolean) {
    const options = { sortAsAdded };
    this.waiting = new QuantileCollector(undefined, options);
    this.turnaround = new QuantileCollector(undefined, options);
    this.slowdown = new QuantileCollector(undefined, options);
  }

  /** A pod's final state; NaN stands for an absent start, end or slowdown (null in its row). */
  add(outcome: PodOutcome, submit: number, start: number, end: number, slowdown: number): void {
    this.pods++;
    if (outcome === 'finished') this.finished++;
    else if (outcome === 'failed') this.failed++;
    else this.neverPlaced++;
    if (!Number.isNaN(start)) this.waiting.add(Math.max(0, start - submit));
    if (outcome === 'finished' && !Number.isNaN(end)) {
      this.turnaround.add(Math.max(0, end - submit));
      if (!Number.isNaN(slowdown)) this.slowdown.add(slowdown);
    }
  }

  summary(): PodClassSummary {
    return {
      pods: this.pods,
      finished: this.finished,
      failed: this.failed,
      neverPlaced: this.neverPlaced,
      waiting: this.waiting.summary(),
      turnaround: this.turnaround.summary(),
      slowdown: this.slowdown.summary(),
    };
  }
}

export class PodStats {
  private readonly all: ClassStats;
  private readonly sgx: ClassStats;
  private readonly standard: ClassStats;

  /**
   * `sortAsAdded`: sort the values in runs as they come (see `QuantileCollector`), for a thread
   * that has time to spare while pods end and should have little left to do once the run is over.
   */
  constructor(sortAsAdded = false) {
    this.all = new ClassStats(sortAsAdded);
    this.sgx = new ClassStats(sortAsAdded);
    this.standard = new ClassStats(sortAsAdded);
  }

  /** A workload pod's final state (NaN for an absent start, end or slowdown). Attackers are not counted. */
  count(
    isSgx: boolean,
    outcome: PodOutcome,
    submit: number,
    start: number,
    end: number,
    slowdown: number,
  ): void {
    this.all.add(outcome, submit, start, end, slowdown);
    (isSgx ? this.sgx : this.standard).add(outcome, submit, start, end, slowdown);
  }

  summaries(): PodClassSummaries {
    return { all: this.all.summary(), sgx: this.sgx.summary(), standard: this.standard.summary() };
  }
}
