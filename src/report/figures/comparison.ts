/**
 * The policy comparison table: for each group of runs that differ only by policy (and, in comparison
 * mode, by results set), waiting-time percentiles, throughput and utilisation, with the best value of
 * each column marked within its group.
 */
import { count, fixed, percent, secondsPlain } from '../format.js';
import { escapeHtml, table } from '../html.js';
import type { Cell } from '../html.js';
import { timeWeightedMean } from '../downsample.js';
import type { PodClassSummary } from '../../sim/results/types.js';
import { formatAxisValue } from '../runs.js';
import type { ReportRun } from '../runs.js';
import type { Coverage, FigureContext, Section } from './common.js';
import { isPartial, PARTIAL_MARK } from './common.js';

interface Column {
  readonly header: string;
  readonly better: 'lower' | 'higher';
  readonly value: (r: ReportRun) => number | null;
  readonly format: (v: number | null) => string;
  /** The pods a waiting-time value is computed over, when it may not be every pod of its class. */
  readonly cover?: (r: ReportRun) => Coverage;
}

const startedOf = (s: PodClassSummary): Coverage => ({ n: s.waiting.count, of: s.pods, verb: 'started' });

/** Whether a column's value in a run covers only part of its pods (marked, and never ranked best). */
function partialIn(c: Column, r: ReportRun): boolean {
  return c.cover !== undefined && c.value(r) !== null && isPartial(c.cover(r));
}

/** A value cell, marked when it covers only the pods that started. */
function valueText(c: Column, r: ReportRun): string {
  return c.format(c.value(r)) + (partialIn(c, r) ? ` ${PARTIAL_MARK}` : '');
}

const PARTIAL_NOTE = `${PARTIAL_MARK} Some pods of that run never started (never placed, or failed before starting): the waiting time covers only those that did, and can look better than a run where every pod started late; it is not ranked.`;

/** Finished pods per hour of makespan. */
function throughput(r: ReportRun): number | null {
  const s = r.run.result.summary;
  return s.makespan > 0 ? (s.all.finished / s.makespan) * 3600 : null;
}

/** Time-weighted mean over the run of the SGX nodes' mean EPC utilisation. */
export function meanEpcUtilisation(r: ReportRun): number | null {
  const u = r.run.result.summary.utilisation;
  const g = u.groups.find((x) => x.group === 'sgx');
  return g === undefined || g.epcMean.length === 0 ? null : timeWeightedMean(u.t, g.epcMean);
}

/** Time-weighted mean memory utilisation over all nodes (groups weighted by their node counts). */
export function meanMemoryUtilisation(r: ReportRun): number | null {
  const u = r.run.result.summary.utilisation;
  let sum = 0;
  let nodes = 0;
  for (const g of u.groups) {
    const m = timeWeightedMean(u.t, g.memoryMean);
    if (m === null || g.nodes === 0) continue;
    sum += m * g.nodes;
    nodes += g.nodes;
  }
  return nodes === 0 ? null : sum / nodes;
}

const COLUMNS: readonly Column[] = [
  {
    header: 'Pods finished',
    better: 'higher',
    value: (r) => r.run.result.summary.all.finished,
    format: (v) => (v === null ? '–' : count(v)),
  },
  {
    header: 'Waiting p50 (s)',
    better: 'lower',
    value: (r) => r.run.result.summary.all.waiting.p50,
    format: secondsPlain,
    cover: (r) => startedOf(r.run.result.summary.all),
  },
  {
    header: 'Waiting p95 (s)',
    better: 'lower',
    value: (r) => r.run.result.summary.all.waiting.p95,
    format: secondsPlain,
    cover: (r) => startedOf(r.run.result.summary.all),
  },
  {
    header: 'Waiting p99 (s)',
    better: 'lower',
    value: (r) => r.run.result.summary.all.waiting.p99,
    format: secondsPlain,
    cover: (r) => startedOf(r.run.result.summary.all),
  },
  {
    header: 'SGX waiting p95 (s)',
    better: 'lower',
    value: (r) => r.run.result.summary.sgx.waiting.p95,
    format: secondsPlain,
    cover: (r) => startedOf(r.run.result.summary.sgx),
  },
  {
    header: 'Throughput (pods/h)',
    better: 'higher',
    value: throughput,
    format: (v) => (v === null ? '–' : fixed(v, 1)),
  },
  { header: 'Mean EPC used', better: 'higher', value: meanEpcUtilisation, format: (v) => percent(v) },
  { header: 'Mean memory used', better: 'higher', value: meanMemoryUtilisation, format: (v) => percent(v) },
];

function best(values: readonly (number | null)[], better: Column['better']): number | null {
  const present = values.filter((v): v is number => v !== null);
  if (present.length < 2) return null;
  const b = better === 'lower' ? Math.min(...present) : Math.max(...present);
  // A column where every run ties marks nothing: there is no best.
  return present.every((v) => v === b) ? null : b;
}

const DEFINITIONS =
  'Waiting time: from submission to start, over all pods that started. Throughput: finished pods per hour of makespan. Utilisation: time-weighted mean over the run (EPC over SGX nodes, memory over all nodes).';

/**
 * Streamed inputs can deliver a pod after its submit time or its end after it should have ended;
 * the simulator counts both. Rare, but a reader comparing runs should know.
 */
function lateNote(report: FigureContext['report']): string {
  let arrivals = 0;
  let ends = 0;
  for (const r of report.runs) {
    arrivals += r.run.result.summary.lateArrivals ?? 0;
    ends += r.run.result.summary.lateEnds ?? 0;
  }
  if (arrivals === 0 && ends === 0) return '';
  return `<p class="note">Streamed input: over all runs, ${count(arrivals)} pod${arrivals === 1 ? '' : 's'} arrived after ${
    arrivals === 1 ? 'its' : 'their'
  } submit time and ${count(ends)} ended later than ${ends === 1 ? 'it' : 'they'} should have (the input told them late).</p>`;
}

export function comparisonSection(ctx: FigureContext): Section {
  const { report } = ctx;
  // Several policies, or two sets to compare: one table per group of runs that differ only by policy
  // (and set), best values marked within it.
  const comparing = report.varying.includes('policy') || report.compared;
  if (!comparing) {
    // One policy and one set: nothing to rank, so one table of every run, with no marks.
    const rows: Cell[][] = report.runs.map((r) => [
      { text: r.label },
      ...COLUMNS.map((c) => ({ text: valueText(c, r), numeric: true })),
    ]);
    const partial = report.runs.some((r) => COLUMNS.some((c) => partialIn(c, r)));
    return {
      id: 'comparison',
      title: 'Summary per run',
      html: [
        `<p class="note">${DEFINITIONS} These results have one policy (${escapeHtml(report.policies.join(', '))}), so no value is marked best.</p>`,
        table('All runs', ['Run', ...COLUMNS.map((c) => c.header)], rows),
        partial ? `<p class="note">${escapeHtml(PARTIAL_NOTE)}</p>` : '',
        lateNote(report),
      ].join('\n'),
    };
  }
  // Compared sets are grouped together (their seeds may differ: a live run has none of its own).
  const groupAxes = report.varying.filter((a) => a !== 'policy' && !(report.compared && a === 'seed'));
  const groups = new Map<string, ReportRun[]>();
  for (const r of report.runs) {
    const key = groupAxes.map((a) => formatAxisValue(a, r.values[a])).join(' · ');
    const g = groups.get(key);
    if (g === undefined) groups.set(key, [r]);
    else g.push(r);
  }
  const tables: string[] = [];
  for (const [key, runs] of groups) {
    const bests = COLUMNS.map((c) =>
      best(
        runs.map((r) => (partialIn(c, r) ? null : c.value(r))),
        c.better,
      ),
    );
    const rows: Cell[][] = runs.map((r) => [
      {
        text: report.compared
          ? `${report.setLabels[r.set]}: ${r.run.result.meta.policy}`
          : r.run.result.meta.policy,
      },
      ...COLUMNS.map((c, i) => {
        const v = c.value(r);
        const ranked = !partialIn(c, r);
        return { text: valueText(c, r), numeric: true, best: ranked && v !== null && v === bests[i] };
      }),
    ]);
    tables.push(table(key === '' ? 'All runs' : key, ['Policy', ...COLUMNS.map((c) => c.header)], rows));
  }
  const intro = `<p class="note">${DEFINITIONS} ★ marks the best value of each column within a table (lowest waiting, highest throughput and utilisation).</p>`;
  return {
    id: 'comparison',
    title: 'Policy comparison',
    html: [
      intro,
      ...tables,
      report.runs.some((r) => COLUMNS.some((c) => partialIn(c, r)))
        ? `<p class="note">${escapeHtml(PARTIAL_NOTE)}</p>`
        : '',
      lateNote(report),
    ].join('\n'),
  };
}
