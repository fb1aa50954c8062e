import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { RunResult } from '../results/types.js';
import type { RunProgress } from '../run/simulation.js';
import { executeRun } from './run.js';
import type { RunSpec } from './run.js';
import { resolveSources } from '../../trace/index.js';
import { loadCachedWorkload, workloadKey } from '../workload/source.js';

/** A run that failed, named; `cause` carries the original error's name (e.g. `SimConfigError`). */
export class RunFailedError extends Error {
  constructor(
    readonly runId: string,
    message: string,
    readonly causeName: string,
  ) {
    super(`run ${runId}: ${message}`);
    this.name = 'RunFailedError';
  }
}

export interface PoolOptions {
  /** Worker threads; 1 runs everything in this thread. Default: the machine's parallelism. */
  readonly parallelism?: number;
  /** Called as each run completes (in completion order). */
  readonly onRunDone?: (done: number, total: number, result: RunResult) => void;
  /** Called as a run advances (`SimulationInput.onProgress`), on this thread whatever runs it. */
  readonly onRunProgress?: (runId: string, progress: RunProgress) => void;
}

/**
 * Runs every spec and resolves to the results in spec order (whatever order they complete in, so
 * the output does not depend on scheduling). Stops at the first failure.
 */
export async function runAll(specs: readonly RunSpec[], options: PoolOptions = {}): Promise<RunResult[]> {
  checkInputFiles(specs);
  const parallelism = Math.max(1, Math.min(options.parallelism ?? availableParallelism(), specs.length));
  const results: (RunResult | undefined)[] = new Array<RunResult | undefined>(specs.length);
  let done = 0;
  const finished = (i: number, r: RunResult): void => {
    results[i] = r;
    done++;
    options.onRunDone?.(done, specs.length, r);
  };
  if (parallelism === 1) {
    const report = options.onRunProgress;
    for (let i = 0; i < specs.length; i++) {
      const runId = specs[i]!.config.runId;
      finished(i, await executeRun(specs[i]!, report === undefined ? undefined : (p) => report(runId, p)));
    }
    return results as RunResult[];
  }
  // Read each workload once here and hand it to every worker, rather than once per worker.
  const keys = [
    ...new Set(specs.filter((s) => s.workload.stream !== true).map((s) => workloadKey(s.workload))),
  ];
  const prime = await Promise.all(
    keys.map(async (key) => ({
      key,
      workload: await loadCachedWorkload(specs.find((s) => workloadKey(s.workload) === key)!.workload),
    })),
  );
  const position = new Map(specs.map((s, i) => [s.index, i]));
  let next = 0;
  const workers: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let active = 0;
      const feed = (w: Worker): void => {
        if (next >= specs.length) {
          if (active === 0) resolve();
          return;
        }
        active++;
        w.postMessage(specs[next++]);
      };
      for (let k = 0; k < parallelism; k++) {
        const w = new Worker(new URL('./worker.js', import.meta.url));
        workers.push(w);
        w.postMessage({ prime });
        w.on(
          'message',
          (m: {
            index: number;
            result?: RunResult;
            error?: { name: string; message: string };
            progress?: RunProgress;
          }) => {
            const i = position.get(m.index)!;
            if (m.progress !== undefined) {
              options.onRunProgress?.(specs[i]!.config.runId, m.progress);
              return;
            }
            active--;
            if (m.error !== undefined) {
              reject(new RunFailedError(specs[i]!.config.runId, m.error.message, m.error.name));
              return;
            }
            finished(i, m.result!);
            feed(w);
            if (next >= specs.length && active === 0) resolve();
          },
        );
        w.on('error', reject);
        // A worker that dies without an error (killed, out of memory) must not leave the pool waiting.
        w.on('exit', (code) => {
          if (code !== 0) reject(new Error(`a simulation worker exited with code ${code}`));
        });
        feed(w);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results as RunResult[];
}

/** The runs of shard `index` of `count` (round-robin, so that each shard gets a mix of the sweep). */
export function shardOf<T extends { index: number }>(runs: readonly T[], index: number, count: number): T[] {
  return runs.filter((r) => r.index % count === index);
}

/**
 * Input files that are read only as runs go (a streamed workload's parts, the machine table of a
 * `borg` cluster) are looked up now, once each, so that a missing one is reported before any run
 * starts (as a workload that is loaded first is), not as the failure of whichever run reached it.
 */
function checkInputFiles(specs: readonly RunSpec[]): void {
  const seen = new Set<string>();
  const check = (sources: readonly string[], table: string): void => {
    const key = JSON.stringify([table, sources]);
    if (seen.has(key)) return;
    seen.add(key);
    resolveSources(sources, table);
  };
  for (const s of specs) {
    if (s.workload.stream === true) check(s.workload.sources, 'task_events');
    if (s.cluster.name === 'borg' && s.cluster.machines !== undefined)
      check(s.cluster.machines, 'machine_events');
  }
}
