/**
 * Cumulative distributions (the paper's waiting-time figures): one step line per run and pod class,
 * drawn from the 101 percentiles the simulator keeps, coloured by policy, in small multiples by the
 * swept parameters (SGX share, EPC size...).
 */
import type { Distribution, PodClassSummary } from '../../sim/results/types.js';
import { cell, dataTable, note } from '../html.js';
import type { Cell } from '../html.js';
import { count, num, secondsPlain } from '../format.js';
import { Plot } from '../plot.js';
import { AXIS_NAMES, facetDomain, formatAxisValue, layoutFor } from '../runs.js';
import type { ReportRun } from '../runs.js';
import type { FigureContext, Section } from './common.js';
import { compareNote, figure, FULL_WIDTH, policyColour, rowLabelMargin } from './common.js';

export type CdfMetric = 'waiting' | 'turnaround' | 'slowdown';
type PodClass = 'sgx' | 'standard';

/** Smallest time a log axis shows; shorter waits (zero included) are drawn there. */
const LOG_FLOOR_SECONDS = 1;

const CLASS_NAMES: Readonly<Record<PodClass, string>> = { sgx: 'SGX pods', standard: 'standard pods' };

interface CdfPoint {
  readonly key: string;
  readonly policy: string;
  readonly fx: string;
  readonly fy: string;
  readonly value: number;
  readonly q: number;
}

export interface CdfSpec {
  readonly id: string;
  readonly title: string;
  readonly metric: CdfMetric;
  /** Pod classes drawn: SGX and standard for waiting times, SGX only for slowdown. */
  readonly classes: readonly PodClass[];
  readonly unit: 'seconds' | 'ratio';
  readonly intro: string;
}

function distributionOf(summary: PodClassSummary, metric: CdfMetric): Distribution {
  return summary[metric];
}

function fmt(unit: CdfSpec['unit'], v: number | null): string {
  return unit === 'seconds' ? secondsPlain(v) : v === null ? '–' : `${num(v, 2)}×`;
}

/** The section for one metric; omitted with a note when no run has a value for it. */
export function cdfSection(ctx: FigureContext, spec: CdfSpec): Section {
  const { report } = ctx;
  const layout = layoutFor(report);
  // With a second swept axis the rows are its values and only the first class is drawn.
  const classesDrawn: readonly PodClass[] = layout.fy === null ? spec.classes : spec.classes.slice(0, 1);
  const points: CdfPoint[][] = [[], []];
  const rows: Cell[][] = [];
  for (const r of report.runs) {
    for (const cls of spec.classes) {
      const d = distributionOf(r.run.result.summary[cls], spec.metric);
      if (d.count === 0) continue;
      rows.push(tableRow(r, cls, d, spec.unit));
      if (!classesDrawn.includes(cls)) continue;
      const fx = layout.fx === null ? '' : formatAxisValue(layout.fx, r.values[layout.fx]);
      const fy = layout.fy === null ? CLASS_NAMES[cls] : formatAxisValue(layout.fy, r.values[layout.fy]);
      // Curves end at the 99th percentile: the maximum of a long tail would squash every curve
      // into the left edge. The table below has the maxima.
      const last = Math.min(99, d.percentiles.length - 1);
      for (let q = 0; q <= last; q++) {
        // Inside a run of equal values (a vertical step) only its ends change the drawing.
        const v = d.percentiles[q]!;
        if (q > 0 && q < last && d.percentiles[q - 1] === v && d.percentiles[q + 1] === v) continue;
        points[r.set]!.push({
          key: `${r.key}/${cls}`,
          policy: r.run.result.meta.policy,
          fx,
          fy,
          value: v,
          q,
        });
      }
    }
  }
  if (rows.length === 0) {
    const why = `No run has a ${spec.metric} value for ${spec.classes.map((c) => CLASS_NAMES[c]).join(' or ')}.`;
    return { id: spec.id, title: spec.title, html: note(why), omitted: why };
  }
  const fxDomain = layout.fx === null ? [''] : facetDomain(report.runs, layout.fx);
  const fyDomain =
    layout.fy === null ? classesDrawn.map((c) => CLASS_NAMES[c]) : facetDomain(report.runs, layout.fy);
  const all = [...points[0]!, ...points[1]!];
  const tail = Math.max(...all.map((p) => p.value));
  const table = dataTable(
    `${spec.title}, per run and pod class`,
    [
      'Run',
      'Pods',
      'Count',
      ...['Mean', 'p50', 'p90', 'p95', 'p99', 'Max'].map((h) => (spec.unit === 'seconds' ? `${h} (s)` : h)),
    ],
    rows,
  );
  if (spec.unit === 'ratio' && tail <= 1) {
    // Every curve would be one vertical line at 1: say it in words instead.
    const why = `Every ${spec.metric} is 1: no ${CLASS_NAMES[classesDrawn[0]!]} was slowed down by paging in any run.`;
    return { id: spec.id, title: spec.title, html: note(why) + '\n' + table };
  }
  // Waiting times span from zero to hours: on a linear axis every curve but the slowest is a vertical
  // line at the left edge. A log axis shows seconds and hours at once; zeros sit at its floor.
  const log = spec.unit === 'seconds' && tail >= 100 * LOG_FLOOR_SECONDS;
  const drawn = log
    ? points.map((set) =>
        set.map((p) => (p.value < LOG_FLOOR_SECONDS ? { ...p, value: LOG_FLOOR_SECONDS } : p)),
      )
    : points;
  const unitLabel = spec.unit === 'seconds' ? 'seconds' : '× nominal duration';
  const panelHeight = 220;
  const marks = [
    Plot.frame({ stroke: '#ddd' }),
    ...drawn.map((data, set) =>
      Plot.line(data, {
        x: 'value',
        y: 'q',
        z: 'key',
        stroke: 'policy',
        strokeWidth: 1.75,
        ...(set === 0 ? {} : { strokeDasharray: '6,3' }),
        curve: 'step-after',
        fx: layout.fx === null ? null : 'fx',
        fy: 'fy',
      }),
    ),
  ];
  const svg = ctx.plots.render({
    width: FULL_WIDTH,
    height: 50 + panelHeight * fyDomain.length,
    marginLeft: 56,
    marginTop: 44,
    marginRight: rowLabelMargin(fyDomain),
    marginBottom: 42,
    style: { fontSize: '12px' },
    color: policyColour(report),
    x: {
      label: `${spec.title.split(':')[0]!.trim()} (${unitLabel}${log ? ', log scale' : ''}) →`,
      grid: true,
      ...(log
        ? { type: 'log' as const, domain: [LOG_FLOOR_SECONDS, tail] }
        : spec.unit === 'ratio'
          ? { domain: [1, tail], nice: true }
          : { nice: true }),
    },
    y: { label: '↑ Pods (%)', domain: [0, 100], grid: true },
    fx: layout.fx === null ? { axis: null } : { domain: fxDomain, label: null },
    fy: { domain: fyDomain, label: null, padding: 0.12 },
    marks,
  });
  const laidOut =
    layout.fx === null && layout.fy === null
      ? ''
      : ` Columns: ${layout.fx === null ? 'none' : AXIS_NAMES[layout.fx]}; rows: ${
          layout.fy === null ? 'pod class' : AXIS_NAMES[layout.fy]
        }.`;
  const classesNote =
    classesDrawn.length < spec.classes.length
      ? ` Only ${CLASS_NAMES[classesDrawn[0]!]} are drawn (the table has every class).`
      : '';
  const caption =
    `${spec.intro} Each line is one run (colour: policy); curves end at the 99th percentile.` +
    laidOut +
    classesNote +
    (log ? ` Log scale: values under ${LOG_FLOOR_SECONDS} s are drawn at ${LOG_FLOOR_SECONDS} s.` : '') +
    compareNote(report);
  return {
    id: spec.id,
    title: spec.title,
    html: figure(spec.id, `${spec.title}: cumulative distribution per run`, svg, caption, table),
  };
}

function tableRow(r: ReportRun, cls: PodClass, d: Distribution, unit: CdfSpec['unit']): Cell[] {
  return [
    cell(r.label),
    cell(CLASS_NAMES[cls]),
    cell(count(d.count), true),
    cell(fmt(unit, d.mean), true),
    cell(fmt(unit, d.p50), true),
    cell(fmt(unit, d.p90), true),
    cell(fmt(unit, d.p95), true),
    cell(fmt(unit, d.p99), true),
    cell(fmt(unit, d.max), true),
  ];
}
