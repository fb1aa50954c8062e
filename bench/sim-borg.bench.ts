/**
 * The simulator on the Borg cell: every placement of the 14 task_events parts in ../shared/traces
 * (about 757,000) replayed on the 12,583 machines of machine_events through the scheduling core,
 * streamed (the trace is read as simulated time advances, one hour ahead). Prints trace rows/s and
 * simulation events/s end to end (from the start of reading: the machine table, the cluster, the
 * trace's parsing and the simulation), peak memory and how it grows, and an extrapolation to the
 * month (about 25 million tasks).
 * As `simulate --stream` does, ended pods go to the pods thread, which counts them and writes the
 * pods CSV (to a temporary file, removed afterwards); SIM_BENCH_PODS_CSV=0 writes none (as an
 * experiment run without a results folder).
 * Usage: npm run bench -- sim-borg   (SIM_BENCH_PARTS=3 for a quicker look; SIM_BENCH_POLICY=spread).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_RUN_CONFIG,
  borgCluster,
  borgTaskStream,
  readBorgMachines,
  simulate,
} from '../src/sim/index.js';
import type { Cluster } from '../src/sim/index.js';
import { SHARED_TRACES } from '../src/testing/paths.js';

const parts = Number(process.env['SIM_BENCH_PARTS'] ?? 14);
const policy = process.env['SIM_BENCH_POLICY'] ?? 'binpack';
const writeCsv = process.env['SIM_BENCH_PODS_CSV'] !== '0';
const files = Array.from({ length: parts }, (_, i) =>
  join(SHARED_TRACES, 'task_events', `part-${String(i).padStart(5, '0')}-of-00500.csv.gz`),
);
/**
 * CPU seconds of the calling thread (the simulation's), or undefined where /proc is missing. On a
 * machine shared with other work, wall time measures the neighbours too, and the process's CPU time
 * the reading threads as well; the simulation's own thread is the figure to compare releases by.
 */
function threadCpuSeconds(): number | undefined {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return (Number(fields[11]) + Number(fields[12])) / ticks;
  } catch {
    return undefined;
  }
}

const mib = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MiB`;
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** The Borg cell, as `simulate --cluster borg` builds it. */
async function borgCell(): Promise<Cluster> {
  const machines = await readBorgMachines([join(SHARED_TRACES, 'machine_events')]);
  return borgCluster(machines, {
    sgxNodeShare: 0.25,
    seed: 1,
    epcBytes: 23_936 * 4096,
    epcReservedMiB: 128,
    memoryBytesPerUnit: 32 * 2 ** 30,
    cpuMillisPerUnit: 0,
  });
}

(globalThis as { gc?: () => void }).gc?.();
const baseline = process.memoryUsage();

let peakRss = 0;
let peakHeap = 0;
// Heap used as placements are read, every 75,000: shows whether memory follows the trace or the
// live pods (sampled with the peaks, so that no pod row needs building to count them).
const growth: string[] = [];
let nextGrowth = 75_000;
const stream = borgTaskStream({
  files,
  sgxShare: 0.25,
  seed: 1,
  epcBytesPerUnit: 23_936 * 4096,
  memoryBytesPerUnit: 32 * 2 ** 30,
  cpuMillisPerUnit: 0,
});
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
  const read = stream.counts().placements;
  if (read >= nextGrowth) {
    growth.push(`${fmt(read)} placements read: heap ${mib(m.heapUsed)}`);
    while (nextGrowth <= read) nextGrowth += 75_000;
  }
}, 200);
sampler.unref();
const csvDir = writeCsv ? mkdtempSync(join(tmpdir(), 'sim-borg-bench-')) : null;
const podsCsvPath = csvDir === null ? undefined : join(csvDir, 'pods.csv');

const cpu0 = process.cpuUsage();
const thread0 = threadCpuSeconds();
const t0 = performance.now();
let outcome;
let csvBytes = 0;
let t1 = t0;
// As `simulate --stream` and streamed experiment runs do: the trace's first hour is read while the
// machine table is read and the cluster built, all of it inside the measured time.
stream.start();
const cluster = await borgCell();
try {
  outcome = await simulate({
    cluster,
    stream,
    config: { ...DEFAULT_RUN_CONFIG, runId: 'bench', policy, schedulerPeriod: null, sampleSeconds: 600 },
    keepRows: false,
    podsOnThread: true,
    ...(podsCsvPath === undefined ? {} : { podsCsvPath }),
  });
  t1 = performance.now();
  if (podsCsvPath !== undefined) csvBytes = statSync(podsCsvPath).size;
} finally {
  if (csvDir !== null) rmSync(csvDir, { recursive: true, force: true });
}
const seconds = (t1 - t0) / 1000;
const cpuUsed = process.cpuUsage(cpu0);
const thread1 = threadCpuSeconds();
// CPU seconds of this process (all threads: gunzip and GC helpers included). On a shared, loaded
// machine wall time measures the neighbours too; CPU time is the figure to compare between runs.
const cpuSeconds = (cpuUsed.user + cpuUsed.system) / 1e6;
clearInterval(sampler);
const end = process.memoryUsage();
peakRss = Math.max(peakRss, end.rss);
peakHeap = Math.max(peakHeap, end.heapUsed);

const s = outcome.summary;
const c = stream.counts();
console.log(
  `input: ${parts} task_events parts, ${fmt(c.rows)} rows, ${fmt(c.placements)} placements (${fmt(c.censored)} censored; left out: ${fmt(c.timeZeroRows)} time-0 rows, ${fmt(c.zeroMemory)} zero-memory, ${fmt(c.neverScheduled)} never scheduled)`,
);
console.log(
  `cluster: ${fmt(cluster.nodes.length)} machines (${fmt(cluster.nodes.filter((n) => n.sgx).length)} SGX, 93.5 MiB EPC), 25 % SGX jobs, policy ${policy}, event-driven scheduler, probe 7 s / 25 s`,
);
console.log(
  `pods: ${fmt(s.all.pods)} (${fmt(s.all.finished)} finished, ${fmt(s.all.neverPlaced)} never placed); late arrivals ${fmt(s.lateArrivals ?? 0)}, late ends ${fmt(s.lateEnds ?? 0)}`,
);
console.log(
  `time: ${seconds.toFixed(2)} s end to end (machine table + cluster + gunzip + parse + simulate${podsCsvPath === undefined ? ', no pods CSV' : ` + pods CSV, ${mib(csvBytes)}`})`,
);
console.log(`  trace rows/s:        ${fmt(c.rows / seconds)}`);
console.log(
  `  simulation events/s: ${fmt(s.events / seconds)} (${fmt(s.events)} events: arrivals, starts, ends, probe and sample ticks; the ${fmt(s.schedulerPasses)} scheduler passes run after events are not counted)`,
);
console.log(`  placements/s:        ${fmt(c.placements / seconds)}`);
console.log(
  `cpu: ${cpuSeconds.toFixed(2)} s (user ${(cpuUsed.user / 1e6).toFixed(2)}, system ${(cpuUsed.system / 1e6).toFixed(2)}): ${fmt(s.events / cpuSeconds)} events per CPU second, ${fmt(c.rows / cpuSeconds)} rows per CPU second`,
);
if (thread0 !== undefined && thread1 !== undefined)
  console.log(
    `  simulation thread:   ${(thread1 - thread0).toFixed(2)} s of CPU (the rest: the reading thread, inflating, the collector's helpers); ${fmt(s.events / (thread1 - thread0))} events per second of its CPU time (waits and time off its core left out)`,
  );
console.log(
  `memory: peak rss ${mib(peakRss)}, peak heap ${mib(peakHeap)} (code before the run: heap ${mib(baseline.heapUsed)})`,
);
for (const g of growth) console.log(`  ${g}`);
const monthTasks = 25_000_000;
const perPlacement = seconds / Math.max(1, c.placements);
const cpuPerPlacement = cpuSeconds / Math.max(1, c.placements);
console.log(
  `month extrapolation: ${fmt(monthTasks)} placements x ${(perPlacement * 1e6).toFixed(1)} µs = ${((perPlacement * monthTasks) / 60).toFixed(1)} min wall (x ${(cpuPerPlacement * 1e6).toFixed(1)} µs CPU = ${((cpuPerPlacement * monthTasks) / 60).toFixed(1)} min CPU); memory stays near the peak above (it follows the live tasks, not the trace length)`,
);
