import { SimInputError } from './job.js';
import type { SimJob } from './job.js';

/** Where a job stream delivers what it reads. */
export interface ArrivalSink {
  /**
   * A pod to submit at `job.submit` (or now, if the stream learnt of it late). With `awaitDuration`,
   * its duration is not known yet (`job.duration` is NaN): the number returned (>= 0) is the handle
   * that `duration(handle, ...)` takes when the stream learns it. Returns -1 otherwise.
   */
  arrival(job: SimJob, awaitDuration: boolean): number;
  /** The duration of a pod delivered earlier, by the handle `arrival` returned. */
  duration(handle: number, seconds: number): void;
}

/**
 * A source of jobs read as simulated time advances. `advance(t)` delivers every arrival with
 * submit <= t (and every duration learnt on the way); the simulation keeps the stream `lookahead`
 * seconds ahead of its clock, so that a stream which learns of pods a little after their submit
 * time (a Borg placement is known at its SCHEDULE event, after its SUBMIT) or learns durations at
 * their end events can still deliver them in time. Memory stays with what is inside the lookahead.
 */
export interface JobStream {
  readonly lookahead: number;
  /**
   * Begins reading now, so that the reading overlaps what the caller does before the run (building
   * the cluster); the first `advance` starts it otherwise. A started stream must be closed.
   */
  start?(): void;
  /** Resolves to false once the input is exhausted (everything has been delivered). */
  advance(t: number, sink: ArrivalSink): Promise<boolean>;
  /** Releases what the stream holds (reader threads) when the simulation stops before its end. */
  close?(): Promise<void>;
  /**
   * The simulation is done with a job this stream delivered: the stream may reuse the object for a
   * later job. That is once its pod is final and its row written, or at its arrival when the job
   * gave its id's parts (`SimJob.idParts`): the simulation then copies all it reads of the job.
   */
  recycle?(job: SimJob): void;
}

/** A source of jobs already in submit order, sync or async. */
export type JobSource = Iterable<SimJob> | AsyncIterable<SimJob>;

/** A stream over jobs sorted by submit time, durations known (lookahead 0). */
export function sortedJobStream(source: JobSource): JobStream {
  const batch = 4096;
  let buffer: SimJob[] = [];
  let at = 0;
  let done = false;
  let last = -Infinity;
  const next = nextBatch(source);
  return {
    lookahead: 0,
    async advance(t: number, sink: ArrivalSink): Promise<boolean> {
      for (;;) {
        if (at >= buffer.length) {
          if (done) return false;
          buffer = await next(batch);
          at = 0;
          if (buffer.length === 0) {
            done = true;
            return false;
          }
        }
        const job = buffer[at]!;
        if (job.submit > t) return true;
        at++;
        if (!(job.submit >= last)) {
          throw new SimInputError(
            job.id,
            'submit',
            `jobs must come in submit order (${job.submit} after ${last})`,
          );
        }
        last = job.submit;
        sink.arrival(job, false);
      }
    },
  };
}

/** Pulls jobs in batches from a sync or async source (one await per batch for sync sources). */
function nextBatch(source: JobSource): (n: number) => Promise<SimJob[]> {
  if (Symbol.asyncIterator in source) {
    const it = source[Symbol.asyncIterator]();
    return async (n) => {
      const out: SimJob[] = [];
      while (out.length < n) {
        const r = await it.next();
        if (r.done === true) break;
        out.push(r.value);
      }
      return out;
    };
  }
  const it = source[Symbol.iterator]();
  return (n) => {
    const out: SimJob[] = [];
    while (out.length < n) {
      const r = it.next();
      if (r.done === true) break;
      out.push(r.value);
    }
    return Promise.resolve(out);
  };
}
