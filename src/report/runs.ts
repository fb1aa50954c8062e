/**
 * The runs a report draws, flattened from one results set (or two, in comparison mode) and labelled.
 * Every figure reads these entries, so colours, facets and labels agree across the page.
 */
import type { ExperimentResult, ExperimentRun, SweepAxis, SweepValue } from '../sim/results/types.js';
import { fixed } from './format.js';

/** Which results set a run comes from: 0 = the report's own results, 1 = the compared ones. */
export type SetIndex = 0 | 1;

export interface ReportRun {
  readonly set: SetIndex;
  /** Unique within the report: run id, prefixed by the set's label in comparison mode. */
  readonly key: string;
  /** Short human label of what distinguishes this run, e.g. `binpack · SGX 50 %`. */
  readonly label: string;
  readonly run: ExperimentRun;
  /** The run's value on each sweep axis, read from its metadata (so it is there even when fixed). */
  readonly values: Readonly<Record<SweepAxis, SweepValue>>;
}

export interface ReportRuns {
  readonly runs: readonly ReportRun[];
  /** Labels of the sets (`A`/`B` style names), only meaningful when `compared` is true. */
  readonly setLabels: readonly [string, string];
  readonly compared: boolean;
  /** Axes on which the runs differ, in the results' own order (policy first if it varies). */
  readonly varying: readonly SweepAxis[];
  /** Distinct policies in sweep order: the colour domain of every figure. */
  readonly policies: readonly string[];
  /**
   * Each axis's values in sweep order: the order of the experiment's axes (the spec's, which is the
   * order a reader swept them in), then any value only the runs have, in order of first appearance.
   */
  readonly order: Readonly<Record<SweepAxis, readonly SweepValue[]>>;
}

const AXIS_ORDER: readonly SweepAxis[] = [
  'policy',
  'sgxShare',
  'epcMiB',
  'attackerFraction',
  'enforcement',
  'cluster',
  'seed',
];

/** A run's value on an axis, from its metadata. */
export function axisValue(run: ExperimentRun, axis: SweepAxis): SweepValue {
  const m = run.result.meta;
  switch (axis) {
    case 'policy':
      return m.policy;
    case 'sgxShare':
      return m.sgxShare;
    case 'epcMiB':
      return m.epcMiB ?? (m.cluster.epcBytesPerSgxNode === null ? 'mixed' : 'fixed');
    case 'attackerFraction':
      return m.attackerFraction;
    case 'enforcement':
      return m.enforcement;
    case 'cluster':
      return m.cluster.name;
    case 'seed':
      return m.seed;
  }
}

/** How an axis value reads in labels, legends and facet titles. */
export function formatAxisValue(axis: SweepAxis, value: SweepValue): string {
  const n = typeof value === 'number' ? value : null;
  switch (axis) {
    case 'policy':
      return String(value);
    case 'sgxShare':
      return n === null ? `SGX ${String(value)}` : `SGX ${fixed(n * 100, 1)} %`;
    case 'epcMiB':
      return n === null ? `EPC ${String(value)}` : `EPC ${fixed(n, 1)} MiB`;
    case 'attackerFraction':
      return n === null ? `attack ${String(value)}` : n === 0 ? 'no attack' : `attack ${fixed(n * 100, 1)} %`;
    case 'enforcement':
      return `enforcement ${String(value)}`;
    case 'cluster':
      return `cluster ${String(value)}`;
    case 'seed':
      return `seed ${String(value)}`;
  }
}

/** Name of an axis for headers and table columns. */
export const AXIS_NAMES: Readonly<Record<SweepAxis, string>> = {
  policy: 'Policy',
  sgxShare: 'SGX share',
  epcMiB: 'EPC size',
  attackerFraction: 'Attacker fraction',
  enforcement: 'Enforcement',
  cluster: 'Cluster',
  seed: 'Seed',
};

/** Values of each axis in sweep order (see `ReportRuns.order`). */
function sweepOrder(
  sets: readonly ExperimentResult[],
  runs: readonly { readonly values: Readonly<Record<SweepAxis, SweepValue>> }[],
): Record<SweepAxis, SweepValue[]> {
  const order = {} as Record<SweepAxis, SweepValue[]>;
  for (const axis of AXIS_ORDER) {
    const values: SweepValue[] = [];
    const add = (v: SweepValue): void => {
      if (!values.some((x) => String(x) === String(v))) values.push(v);
    };
    for (const set of sets) for (const a of set.axes) if (a.axis === axis) a.values.forEach(add);
    for (const r of runs) add(r.values[axis]);
    order[axis] = values;
  }
  return order;
}

/** Flattens one or two results sets into labelled runs. */
export function collectRuns(
  primary: ExperimentResult,
  compare?: ExperimentResult,
  setLabels: readonly [string, string] = [primary.name, compare?.name ?? ''],
): ReportRuns {
  const compared = compare !== undefined;
  // Two sets with the same name still need telling apart.
  const labels: [string, string] =
    compared && setLabels[0] === setLabels[1]
      ? [`${setLabels[0]} (A)`, `${setLabels[1]} (B)`]
      : [...setLabels];
  const raw: { set: SetIndex; run: ExperimentRun }[] = [
    ...primary.runs.map((run) => ({ set: 0 as const, run })),
    ...(compare?.runs ?? []).map((run) => ({ set: 1 as const, run })),
  ];
  const withValues = raw.map((r) => {
    const values = {} as Record<SweepAxis, SweepValue>;
    for (const axis of AXIS_ORDER) values[axis] = axisValue(r.run, axis);
    return { ...r, values };
  });
  const varying = AXIS_ORDER.filter(
    (axis) => new Set(withValues.map((r) => String(r.values[axis]))).size > 1,
  );
  const order = sweepOrder(compare === undefined ? [primary] : [primary, compare], withValues);
  const present = new Set(withValues.map((r) => r.run.result.meta.policy));
  const policies = order.policy.map(String).filter((p) => present.has(p));
  const runs = withValues.map((r): ReportRun => {
    const parts = varying.map((axis) => formatAxisValue(axis, r.values[axis]));
    const base = parts.length > 0 ? parts.join(' · ') : r.run.result.meta.runId;
    return {
      set: r.set,
      key: compared ? `${labels[r.set]}: ${r.run.result.meta.runId}` : r.run.result.meta.runId,
      label: compared ? `${labels[r.set]}: ${base}` : base,
      run: r.run,
      values: r.values,
    };
  });
  return { runs, setLabels: labels, compared, varying, policies, order };
}

/** Distinct values of an axis over the given runs (all by default), in sweep order, as display labels. */
export function facetDomain(
  report: ReportRuns,
  axis: SweepAxis,
  runs: readonly ReportRun[] = report.runs,
): string[] {
  const present = new Set(runs.map((r) => String(r.values[axis])));
  return report.order[axis].filter((v) => present.has(String(v))).map((v) => formatAxisValue(axis, v));
}

/**
 * How a figure of one series per run is laid out: colour by policy, columns and rows of small
 * multiples by the first two other axes that vary (SGX share, EPC size...). Seeds never facet: each
 * seed is its own line of its policy's colour.
 */
export interface Layout {
  readonly fx: SweepAxis | null;
  readonly fy: SweepAxis | null;
}

export function layoutFor(report: ReportRuns, exclude: readonly SweepAxis[] = []): Layout {
  const facetable = report.varying.filter((a) => a !== 'policy' && a !== 'seed' && !exclude.includes(a));
  return { fx: facetable[0] ?? null, fy: facetable[1] ?? null };
}
