/**
 * The header: what was run and how long it took. Parameters that are the same in every run print
 * once; those that vary print their distinct values. In comparison mode, one column per results set.
 */
import type { ExperimentResult, RunMetadata } from '../../sim/results/types.js';
import { bytes, count, fixed, seconds, wallTime } from '../format.js';
import { escapeHtml } from '../html.js';

interface Row {
  readonly name: string;
  readonly value: (r: ExperimentResult) => string;
}

/** Distinct values of a metadata field over the runs, in order of first appearance. */
function distinct(r: ExperimentResult, f: (m: RunMetadata) => string): string {
  const values: string[] = [];
  for (const run of r.runs) {
    const v = f(run.result.meta);
    if (!values.includes(v)) values.push(v);
  }
  return values.length === 0 ? '–' : values.join(', ');
}

/** A number that differs per run (the horizon follows each run's workload): its range. */
function range(r: ExperimentResult, f: (m: RunMetadata) => number, format: (v: number) => string): string {
  if (r.runs.length === 0) return '–';
  const values = r.runs.map((run) => f(run.result.meta));
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? format(lo) : `${format(lo)} to ${format(hi)}, depending on the run`;
}

/**
 * The horizon: without one, a run's recorded horizon is its makespan, which must not read as a
 * limit that was set. Results that do not record whether one was set show the recorded values.
 */
function horizon(r: ExperimentResult): string {
  const metas = r.runs.map((run) => run.result.meta);
  if (metas.length > 0 && metas.every((m) => m.horizonSet === false))
    return `none (each run went on until every pod had ended or could never be placed): makespan ${makespans(r)}`;
  if (metas.some((m) => m.horizonSet === false)) {
    const set = r.runs.filter((run) => run.result.meta.horizonSet !== false);
    return `${range({ ...r, runs: set }, (m) => m.horizon, seconds)} in ${count(set.length)} run${set.length === 1 ? '' : 's'}; none in the others`;
  }
  return range(r, (m) => m.horizon, seconds);
}

/**
 * Each distinct cluster once. Runs of an EPC-size sweep share a cluster whose SGX nodes differ only by
 * their usable EPC: that part is listed per EPC size instead of repeating the whole cluster.
 */
function clusters(r: ExperimentResult): string {
  const groups = new Map<string, { epc: string[]; byEpc: Map<string, string[]> }>();
  for (const run of r.runs) {
    const m = run.result.meta;
    const c = m.cluster;
    const base = `${c.name}: ${count(c.nodes)} nodes, ${count(c.sgxNodes)} SGX, ${bytes(c.totalMemoryBytes)} memory in total`;
    const epc = c.epcBytesPerSgxNode === null ? '' : bytes(c.epcBytesPerSgxNode);
    const which = m.epcMiB === null ? '' : `${fixed(m.epcMiB, 1)} MiB PRM`;
    const g = groups.get(base) ?? { epc: [], byEpc: new Map<string, string[]>() };
    groups.set(base, g);
    if (!g.epc.includes(epc)) g.epc.push(epc);
    const runs = g.byEpc.get(epc) ?? [];
    if (which !== '' && !runs.includes(which)) runs.push(which);
    g.byEpc.set(epc, runs);
  }
  if (groups.size === 0) return '–';
  return [...groups]
    .map(([base, g]) => {
      const withEpc = g.epc.filter((e) => e !== '');
      if (withEpc.length === 0) return base;
      if (g.epc.length === 1) return `${base}, ${withEpc[0]} usable EPC per SGX node`;
      const sizes = g.epc.map((e) => {
        const runs = g.byEpc.get(e) ?? [];
        const what = e === '' ? 'EPC from the cluster spec' : `${e}`;
        return runs.length === 0 ? what : `${what} (${runs.join(', ')})`;
      });
      return `${base}; usable EPC per SGX node: ${sizes.join(', ')}`;
    })
    .join('; ');
}

/** The range of the runs' makespans. */
function makespans(r: ExperimentResult): string {
  const values = r.runs.map((run) => run.result.summary.makespan);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? seconds(lo) : `${seconds(lo)} to ${seconds(hi)}, depending on the run`;
}

const pc = (v: number): string => `${fixed(v * 100, 1)} %`;

const ROWS: readonly Row[] = [
  { name: 'Experiment', value: (r) => r.name },
  { name: 'Description', value: (r) => r.description },
  { name: 'Trace', value: (r) => distinct(r, (m) => m.trace.sources.join(', ')) },
  {
    name: 'Window (trace time)',
    value: (r) =>
      distinct(r, (m) =>
        m.trace.window === null
          ? 'whole input'
          : `${fixed(m.trace.window.start, 0)} s to ${fixed(m.trace.window.end, 0)} s (${seconds(m.trace.window.end - m.trace.window.start)})`,
      ),
  },
  {
    name: 'Thinning',
    value: (r) =>
      distinct(r, (m) => (m.trace.keepOneIn === 1 ? 'none' : `one record in ${count(m.trace.keepOneIn)}`)),
  },
  {
    name: 'Records read / kept',
    value: (r) => distinct(r, (m) => `${count(m.trace.recordsRead)} / ${count(m.trace.recordsKept)}`),
  },
  {
    name: 'Records skipped',
    value: (r) =>
      distinct(r, (m) => {
        const entries = Object.entries(m.trace.skipped).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        return entries.length === 0 ? 'none' : entries.map(([k, v]) => `${k}: ${count(v)}`).join('; ');
      }),
  },
  { name: 'Usage model', value: (r) => distinct(r, (m) => m.trace.usageModel) },
  { name: 'Cluster', value: clusters },
  { name: 'Policies', value: (r) => distinct(r, (m) => m.policy) },
  { name: 'SGX shares', value: (r) => distinct(r, (m) => pc(m.sgxShare)) },
  {
    name: 'EPC sizes (PRM)',
    value: (r) =>
      distinct(r, (m) => (m.epcMiB === null ? 'from the cluster spec' : `${fixed(m.epcMiB, 1)} MiB`)),
  },
  { name: 'Attacker fractions', value: (r) => distinct(r, (m) => pc(m.attackerFraction)) },
  { name: 'Enforcement', value: (r) => distinct(r, (m) => m.enforcement) },
  { name: 'Seeds', value: (r) => distinct(r, (m) => String(m.seed)) },
  {
    name: 'Scheduler',
    value: (r) =>
      distinct(r, (m) =>
        m.schedulerPeriod === null ? 'event-driven' : `a pass every ${fixed(m.schedulerPeriod, 3)} s`,
      ),
  },
  {
    name: 'Usage probe',
    value: (r) =>
      distinct(r, (m) =>
        m.probe === null
          ? 'instant (true usage)'
          : `sample every ${fixed(m.probe.periodSeconds, 3)} s, max over ${fixed(m.probe.windowSeconds, 3)} s`,
      ),
  },
  { name: 'Start-up delay', value: (r) => distinct(r, (m) => `${fixed(m.startupDelay, 3)} s`) },
  { name: 'Admission tolerance', value: (r) => distinct(r, (m) => fixed(m.overcommitTolerance, 3)) },
  {
    name: 'Nodes scored per decision',
    value: (r) =>
      distinct(r, (m) =>
        m.percentageOfNodesToScore === undefined
          ? 'every feasible node'
          : m.percentageOfNodesToScore === 0
            ? "kube-scheduler's adaptive share (percentageOfNodesToScore 0)"
            : `percentageOfNodesToScore ${m.percentageOfNodesToScore}`,
      ),
  },
  { name: 'Paging model', value: (r) => distinct(r, (m) => m.pagingModel) },
  { name: 'Horizon', value: horizon },
  {
    name: 'Runs',
    value: (r) =>
      r.shard.count === 1
        ? `${count(r.runs.length)} of ${count(r.totalRuns)}`
        : // Counted from 0, as `--shard i/n` and the shard files count them.
          `${count(r.runs.length)} of ${count(r.totalRuns)} (shard ${r.shard.index} of ${r.shard.count}, counted from 0 as in --shard ${r.shard.index}/${r.shard.count})`,
  },
  { name: 'Version', value: (r) => `sgx-orchestrator ${r.version}, results schema ${r.schemaVersion}` },
];

/** Wall-clock time of a results set: the given total, else the sum over runs when every run has it. */
export function wallClock(r: ExperimentResult, total?: number): string {
  if (total !== undefined) return wallTime(total);
  let sum = 0;
  for (const run of r.runs) {
    const ms = run.result.meta.wallMs;
    if (ms === undefined)
      return 'not in the results (results files leave it out, so that the same results give the same report; simulate and experiment print it in their summary)';
    sum += ms;
  }
  return r.runs.length === 0 ? '–' : `${wallTime(sum)} (sum over runs)`;
}

export function headerTable(
  sets: readonly ExperimentResult[],
  labels: readonly string[],
  wall: readonly string[],
): string {
  const compared = sets.length > 1;
  const head = compared
    ? `<thead><tr><th scope="col">Parameter</th>${labels.map((l) => `<th scope="col">${escapeHtml(l)}</th>`).join('')}</tr></thead>`
    : '';
  const rows = [
    ...ROWS.map((row) => ({ name: row.name, values: sets.map(row.value) })),
    { name: 'Wall-clock time', values: [...wall] },
  ];
  const body = rows
    .map((row) => {
      // In comparison mode, parameters that differ between the sets are marked: they are the first
      // suspects when the two sets disagree.
      const differs = compared && row.values.some((v) => v !== row.values[0]);
      const mark = differs ? ' <span class="differs" title="differs between the sets">≠</span>' : '';
      return `<tr${differs ? ' class="differs"' : ''}><th scope="row">${escapeHtml(row.name)}${mark}</th>${row.values
        .map((v) => `<td>${escapeHtml(v)}</td>`)
        .join('')}</tr>`;
    })
    .join('\n');
  return `<table class="meta">\n<caption>What was run</caption>\n${head}\n<tbody>\n${body}\n</tbody>\n</table>`;
}
