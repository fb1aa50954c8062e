/**
 * Cumulative distributions (the paper's waiting-time figures): one step line per run and pod class,
 * drawn from the 101 percentiles the simulator keeps, coloured by policy, in small multiples by the
 * swept parameters (SGX share, EPC size...).
 */
import type { Distribution, PodClassSummary } from '../../sim/results/types.js';
import { cell, dataTable, note } from '../html.js';
import type { Cell } from '../html.js';
import { count, fixed, num, secondsPlain } from '../format.js';
import { Plot } from '../plot.js';
import { AXIS_NAMES, facetDomain, formatAxisValue, layoutFor } from '../runs.js';
import type { ReportRun } from '../runs.js';
import type { FigureContext, Section } from './common.js';
import type { Coverage } from './common.js';
import {
  compareNote,
  coverageText,
  figure,
  FULL_WIDTH,
  isPartial,
  PARTIAL_MARK,
  policyColour,
  rowLabelMargin,
  spanDomain,
  viaColourScale,
} from './common.js';

export type CdfMetric = 'waiting' | 'turnaround' | 'slowdown';
type PodClass = 'sgx' | 'standard';

/** Smallest time a log axis shows; shorter waits (zero included) are drawn there. */
const LOG_FLOOR_SECONDS = 1;

const CLASS_NAMES: Readonly<Record<PodClass, string>> = { sgx: 'SGX pods', standard: 'standard pods' };

/** Horizontal room a log-axis label needs, in pixels (`100k` at 12 px with some space). */
const LOG_LABEL_PX = 34;

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
  /**
   * What the y axis is a share of: every pod of the class (a curve tops out below 100 % when some
   * never started or finished), or only the pods the metric is defined for (slowdown: finished pods
   * with a duration).
   */
  readonly share: 'class' | 'counted';
}

/** Pods the metric covers: those that started (waiting) or finished (turnaround, slowdown). */
function coverage(summary: PodClassSummary, metric: CdfMetric): Coverage {
  return metric === 'waiting'
    ? { n: summary.waiting.count, of: summary.pods, verb: 'started' }
    : { n: summary.finished, of: summary.pods, verb: 'finished' };
}

/** Log ticks: powers of ten over the domain, every k-th so that the panel fits at least two. */
function logTicks(lo: number, hi: number, panelWidth: number): number[] {
  const first = Math.ceil(Math.log10(lo) - 1e-9);
  const last = Math.floor(Math.log10(hi) + 1e-9);
  const fit = Math.max(2, Math.floor(panelWidth / LOG_LABEL_PX));
  const decades = last - first + 1;
  const step = Math.max(1, Math.ceil((decades - 1) / (fit - 1)));
  const ticks: number[] = [];
  for (let e = first; e <= last; e += step) ticks.push(10 ** e);
  return ticks;
}

/** Compact labels for a log axis of seconds: 1, 10, 100, 1k, 10k, 100k, 1M. */
function logLabel(v: number): string {
  if (v >= 1e6) return `${fixed(v / 1e6, 0)}M`;
  if (v >= 1e3) return `${fixed(v / 1e3, 0)}k`;
  return fixed(v, 0);
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
  const verb = spec.metric === 'waiting' ? 'started' : 'finished';
  /** Pods of the drawn class per panel, and of them the pods the metric covers (for empty panels). */
  const panels = new Map<
    string,
    { pods: number; counted: number; runs: number; cls: PodClass; partial: Coverage | null }
  >();
  let partial = false;
  for (const r of report.runs) {
    for (const cls of spec.classes) {
      const summary = r.run.result.summary[cls];
      const d = distributionOf(summary, spec.metric);
      const cover = coverage(summary, spec.metric);
      if (d.count > 0) {
        rows.push(tableRow(r, cls, d, cover, spec.unit));
        if (isPartial(cover)) partial = true;
      }
      if (!classesDrawn.includes(cls)) continue;
      const fx = layout.fx === null ? '' : formatAxisValue(layout.fx, r.values[layout.fx]);
      const fy = layout.fy === null ? CLASS_NAMES[cls] : formatAxisValue(layout.fy, r.values[layout.fy]);
      const panel = panels.get(`${fx}\u0000${fy}`) ?? { pods: 0, counted: 0, runs: 0, cls, partial: null };
      panels.set(`${fx}\u0000${fy}`, {
        pods: panel.pods + summary.pods,
        counted: panel.counted + d.count,
        runs: panel.runs + 1,
        cls,
        partial: isPartial(cover) ? cover : null,
      });
      if (d.count === 0) continue;
      // A share of every pod of the class: pods that never started (or finished) never reach the
      // curve, so it tops out at the share that did, instead of at 100 %.
      const scale = spec.share === 'class' && summary.pods > 0 ? d.count / summary.pods : 1;
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
          q: Number(fixed(q * scale, 3)),
        });
      }
    }
  }
  if (rows.length === 0) {
    const why = `No run has a ${spec.metric} value for ${spec.classes.map((c) => CLASS_NAMES[c]).join(' or ')}.`;
    return { id: spec.id, title: spec.title, html: note(why), omitted: why };
  }
  const fxDomain = layout.fx === null ? [''] : facetDomain(report, layout.fx);
  const fyDomain =
    layout.fy === null ? classesDrawn.map((c) => CLASS_NAMES[c]) : facetDomain(report, layout.fy);
  const all = [...points[0]!, ...points[1]!];
  const tail = Math.max(...all.map((p) => p.value));
  const table =
    dataTable(
      `${spec.title}, per run and pod class`,
      [
        'Run',
        'Pods',
        'Pods of the class',
        `Pods ${spec.metric === 'waiting' ? 'started' : 'counted'}`,
        ...['Mean', 'p50', 'p90', 'p95', 'p99', 'Max'].map((h) => (spec.unit === 'seconds' ? `${h} (s)` : h)),
      ],
      rows,
    ) + (partial ? '\n' + note(partialNote(spec.metric)) : '');
  if (spec.unit === 'ratio' && tail <= 1) {
    // Every curve would be one vertical line at 1: say it in words instead.
    const why = `Every ${spec.metric} is 1: no ${CLASS_NAMES[classesDrawn[0]!].replace(/s$/, '')} was slowed down by paging in any run.`;
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
  const marginLeft = 56;
  const marginRight = rowLabelMargin(fyDomain);
  const panelWidth = (FULL_WIDTH - marginLeft - marginRight) / fxDomain.length;
  // A panel with nothing to draw says why, instead of staying blank; a panel of one run over part of
  // its class says how many pods the curve covers (with several runs, the table does).
  const panelNotes: { fx: string; fy: string; text: string }[] = [];
  for (const fx of fxDomain) {
    for (const fy of fyDomain) {
      const p = panels.get(`${fx}\u0000${fy}`);
      if (p === undefined) continue;
      const what = CLASS_NAMES[p.cls];
      const where = p.runs === 1 ? 'this run' : 'these runs';
      if (p.pods === 0) panelNotes.push({ fx, fy, text: `no ${what} in ${where}` });
      else if (p.counted === 0) panelNotes.push({ fx, fy, text: `no ${what.replace(/s$/, '')} ${verb}` });
      else if (p.runs === 1 && p.partial !== null)
        panelNotes.push({ fx, fy, text: coverageText(p.partial, what) });
    }
  }
  const facet = { fx: layout.fx === null ? null : 'fx', fy: 'fy' } as const;
  const marks = [
    Plot.frame({ stroke: '#ddd' }),
    ...drawn.map((data, set) =>
      Plot.line(data, {
        x: 'value',
        y: 'q',
        z: 'key',
        stroke: viaColourScale('policy'),
        strokeWidth: 1.75,
        ...(set === 0 ? {} : { strokeDasharray: '6,3' }),
        curve: 'step-after',
        ...facet,
      }),
    ),
    Plot.text(panelNotes, {
      text: 'text',
      frameAnchor: 'middle',
      fill: '#5b5b66',
      stroke: 'white',
      strokeWidth: 3,
      paintOrder: 'stroke',
      fontSize: 12,
      // In ems of the font: about the panel's width, less a margin.
      lineWidth: Math.max(4, (panelWidth - 16) / 12),
      ...facet,
    }),
  ];
  const values = all.map((p) => p.value);
  const logDomain: [number, number] = [LOG_FLOOR_SECONDS, tail];
  const svg = ctx.plots.render({
    width: FULL_WIDTH,
    height: 50 + panelHeight * fyDomain.length,
    marginLeft,
    marginTop: 44,
    marginRight,
    marginBottom: 42,
    style: { fontSize: '12px' },
    color: policyColour(report),
    x: {
      label: `${spec.title.split(':')[0]!.trim()} (${unitLabel}${log ? ', log scale' : ''}) →`,
      grid: true,
      ...(log
        ? {
            type: 'log' as const,
            domain: logDomain,
            ticks: logTicks(logDomain[0], logDomain[1], panelWidth),
            tickFormat: logLabel,
          }
        : spec.unit === 'ratio'
          ? { domain: [1, tail], nice: true }
          : { domain: spanDomain(values, true), nice: true }),
    },
    y: {
      label: spec.share === 'class' ? '↑ Share of all pods of the class (%)' : '↑ Share of pods counted (%)',
      domain: [0, 100],
      grid: true,
    },
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
    (spec.share === 'class'
      ? ` The y axis is a share of every pod of the class: pods that never ${spec.metric === 'waiting' ? 'started' : 'finished'} never reach a curve, so in runs that have such pods the curve ends below 99 % (the table says how many pods counted).`
      : ' The y axis is a share of the pods counted, not of every pod of the class (the table says how many they are).') +
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

function partialNote(metric: CdfMetric): string {
  return `${PARTIAL_MARK} Some pods of that class never ${metric === 'waiting' ? 'started' : 'finished'}: the figure covers only those that did, and can look better than a run where every pod ${metric === 'waiting' ? 'started' : 'finished'} late.`;
}

function tableRow(
  r: ReportRun,
  cls: PodClass,
  d: Distribution,
  cover: Coverage,
  unit: CdfSpec['unit'],
): Cell[] {
  const mark = isPartial(cover) ? ` ${PARTIAL_MARK}` : '';
  const value = (v: number | null): Cell => cell(fmt(unit, v) + (v === null ? '' : mark), true);
  return [
    cell(r.label),
    cell(CLASS_NAMES[cls]),
    cell(count(cover.of), true),
    cell(count(d.count), true),
    value(d.mean),
    value(d.p50),
    value(d.p90),
    value(d.p95),
    value(d.p99),
    value(d.max),
  ];
}
