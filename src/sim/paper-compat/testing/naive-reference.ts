/**
 * For tests and benchmarks only: the authors' offline simulator written as plainly as its description,
 * rescanning the whole backlog every simulated second. The fast implementation must print the same
 * bytes. It reads valid input only (no error reporting) and shares nothing with the fast path except
 * Python's float printing and rounding, which have their own tests against Python.
 */
import { pythonFloatRepr, pythonPercentD, pythonRound } from '../python-float.js';

interface Job {
  readonly start: number;
  readonly end: number;
  readonly req: number;
  readonly act: number;
  node: number;
}

export interface NaiveResult {
  readonly stdout: string;
  readonly stderr: string;
}

export function naivePaperCompat(csv: string, epcMib: number, skip: number): NaiveResult {
  const usable = ((epcMib * 1024 * 1024 * 3) / 4 - 2621440) / 4096;
  let stderr = `${epcMib} MiB -> ${pythonPercentD(usable)} pages\n`;
  const lines = csv.split(/\r\n|\r|\n/);
  if (lines.at(-1) === '') lines.pop(); // the terminator of the last line does not start another one

  const jobs: Job[] = [];
  let origin: number | undefined;
  lines.forEach((line, i) => {
    if (skip > 1 && i % skip !== 0) return;
    const f = line.trimEnd().split(',');
    const start = pythonRound(Number(f[0]) / 1000000);
    const end = pythonRound(Number(f[1]) / 1000000);
    const req = Math.ceil(Number(f[3]) * 23936);
    const act = Math.ceil(Number(f[4]) * 23936);
    if (Math.max(req, act) > usable) {
      stderr += 'Job cannot fit in EPC, skipped\n';
      return;
    }
    if (req === 0 || act === 0) return;
    origin ??= start;
    jobs.push({ start, end, req, act, node: -1 });
  });
  const byStart = [...jobs].sort((a, b) => a.start - b.start); // Array#sort is stable

  const usage = [0, 0]; // sgx-1, sgx-2
  const finishing = new Map<number, Job[]>();
  let latestFinish = -Infinity;
  let backlog: Job[] = [];
  let next = 0;
  let stdout = '';
  for (let t = 0; ; t++) {
    while (next < byStart.length && byStart[next]!.start <= (origin ?? 0) + t) backlog.push(byStart[next++]!);
    for (const job of finishing.get(t) ?? []) usage[job.node]! -= job.act;
    const waiting: Job[] = [];
    for (const job of backlog) {
      const node = usage.findIndex((u) => u + job.req < usable * 0.8);
      if (node < 0) {
        waiting.push(job);
        continue;
      }
      usage[node]! += job.act;
      job.node = node;
      const finish = t + (job.end - job.start);
      finishing.set(finish, [...(finishing.get(finish) ?? []), job]);
      latestFinish = Math.max(latestFinish, finish);
    }
    backlog = waiting;
    const pending = backlog.reduce((sum, job) => sum + job.req, 0);
    stdout += `${pythonFloatRepr(t / 60)},${pending * 4096}\n`;
    if (next === byStart.length && latestFinish < t + 1) {
      if (backlog.length > 0) {
        // The original would print this line forever; the product stops here and says so.
        const n = backlog.length;
        stderr +=
          `paper-compat: ${n} job${n === 1 ? '' : 's'} can never be placed ` +
          `(nothing is left to arrive or finish); the original simulator would repeat the last line ` +
          `every second forever, so the output stops at second ${t}\n`;
      }
      return { stdout, stderr };
    }
  }
}
