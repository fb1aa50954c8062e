/**
 * The simulator on the Borg cell: every placement of the 14 task_events parts in ../shared/traces
 * (about 757,000) replayed on the 12,583 machines of machine_events through the scheduling core.
 * Prints events/s end to end (trace parsing included) and peak memory, then extrapolates to the
 * month (about 25 million tasks). Usage: npm run bench -- sim-borg   (env SIM_BENCH_PARTS=3 for a
 * quicker look, SIM_BENCH_POLICY=spread for another policy).
 */
import { join } from 'node:path';
import { loadWorkload } from '../src/trace/index.js';
import {
  DEFAULT_RUN_CONFIG,
  borgCluster,
  jobsFromRecords,
  readBorgMachines,
  simulate,
} from '../src/sim/index.js';
import { SHARED_TRACES } from '../src/testing/paths.js';

const parts = Number(process.env['SIM_BENCH_PARTS'] ?? 14);
const policy = process.env['SIM_BENCH_POLICY'] ?? 'binpack';
const files = Array.from({ length: parts }, (_, i) =>
  join(SHARED_TRACES, 'task_events', `part-${String(i).padStart(5, '0')}-of-00500.csv.gz`),
);

let peakRss = 0;
let peakHeap = 0;
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
}, 50);
sampler.unref();

const t0 = performance.now();
const machines = await readBorgMachines([join(SHARED_TRACES, 'machine_events')]);
const cluster = borgCluster(machines, {
  sgxNodeShare: 0.25,
  seed: 1,
  epcBytes: 23_936 * 4096,
  epcReservedMiB: 128,
  memoryBytesPerUnit: 32 * 2 ** 30,
  cpuMillisPerUnit: 0,
});
const tCluster = performance.now();
const workload = loadWorkload(files, { sgxShare: 0.25, seed: 1 });
let pods = 0;
const outcome = await simulate({
  cluster,
  jobs: jobsFromRecords(workload, null),
  config: {
    ...DEFAULT_RUN_CONFIG,
    runId: 'bench',
    policy,
    schedulerPeriod: null,
    sampleSeconds: 600,
  },
  onPod: () => pods++,
  keepRows: false,
});
const t1 = performance.now();
clearInterval(sampler);
const m = process.memoryUsage();
peakRss = Math.max(peakRss, m.rss);
peakHeap = Math.max(peakHeap, m.heapUsed);

const s = outcome.summary;
const seconds = (t1 - tCluster) / 1000;
const events = s.events;
const mib = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MiB`;
console.log(`trace: ${parts} task_events parts, ${workload.provenance().recordsKept} placements kept`);
console.log(
  `cluster: ${cluster.nodes.length} machines (${cluster.nodes.filter((n) => n.sgx).length} SGX), built in ${((tCluster - t0) / 1000).toFixed(2)} s`,
);
console.log(`policy ${policy}, event-driven scheduler, probe 7 s / 25 s, 25 % SGX jobs`);
console.log(
  `pods: ${s.all.pods} (${s.all.finished} finished, ${s.all.neverPlaced} never placed), placements ${s.placements}, scheduler passes ${s.schedulerPasses}`,
);
console.log(
  `events: ${events} in ${seconds.toFixed(2)} s end to end = ${Math.round(events / seconds).toLocaleString('en-US')} events/s`,
);
console.log(`pods/s: ${Math.round(pods / seconds).toLocaleString('en-US')}`);
console.log(`peak memory: rss ${mib(peakRss)}, heap ${mib(peakHeap)}`);
const monthTasks = 25_000_000;
const perPod = seconds / Math.max(1, s.all.pods);
console.log(
  `month extrapolation (${monthTasks.toLocaleString('en-US')} tasks, linear in pods): ${((perPod * monthTasks) / 60).toFixed(1)} min`,
);
