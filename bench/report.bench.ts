/**
 * Report benchmark: renders synthetic results shaped like the simulator's and prints the page size
 * and render time.
 * - "month": one run of the whole Borg month slice (757,000 pods, 12,583 machines, a scheduler pass
 *   every 5 s for 29 days: 501,120 samples per series; only node-group aggregates, as the simulator
 *   keeps for clusters that big). Target: a page of a few MB at most that opens quickly.
 * - "main job": the default `simulate` sweep (3 policies x 5 SGX shares on the paper cluster, one
 *   hour, 720 samples per series).
 * - "attack sweep": 4 attacker fractions x 3 enforcement modes.
 * Run: npm run bench -- report
 */
import { renderReport } from '../src/report/index.js';
import { sampleResults } from '../src/report/sample-results.js';
import type { ExperimentResult } from '../src/sim/results/types.js';

function measure(name: string, results: ExperimentResult): void {
  // One warm-up render so that module initialisation and JIT do not count.
  renderReport(results);
  const runs = 3;
  const times: number[] = [];
  let size = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const html = renderReport(results);
    times.push(performance.now() - t0);
    size = Buffer.byteLength(html);
  }
  times.sort((a, b) => a - b);
  const samples = results.runs[0]?.result.summary.pendingQueue.t.length ?? 0;
  console.log(
    `${name.padEnd(14)} runs=${String(results.runs.length).padStart(2)} samples/series=${String(samples).padStart(7)}  ` +
      `html=${(size / 1024 / 1024).toFixed(2)} MiB  render median=${times[1]!.toFixed(0)} ms (min ${times[0]!.toFixed(0)}, max ${times[2]!.toFixed(0)})`,
  );
}

const t0 = performance.now();
const month = sampleResults({
  name: 'borg-month',
  policies: ['spread'],
  nodes: 12_583,
  perNodeLimit: 200,
  pods: 757_000,
  samples: 501_120,
  samplePeriod: 5,
});
console.log(`built synthetic month results in ${(performance.now() - t0).toFixed(0)} ms`);
measure('month', month);
measure(
  'main job',
  sampleResults({ policies: ['binpack', 'spread', 'sgx-unaware'], sgxShares: [0, 0.25, 0.5, 0.75, 1] }),
);
measure(
  'attack sweep',
  sampleResults({
    policies: ['binpack'],
    attackerFractions: [0, 0.25, 0.5, 0.75],
    enforcements: ['none', 'einit', 'cgroup'],
  }),
);
const mem = process.memoryUsage();
console.log(
  `peak-ish rss=${(mem.rss / 1024 / 1024).toFixed(0)} MiB heapUsed=${(mem.heapUsed / 1024 / 1024).toFixed(0)} MiB`,
);
