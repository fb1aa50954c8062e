/**
 * The pending queue over time (the paper's queue figures): requested EPC of the pods still waiting
 * after a scheduler pass, and their number, per run; and the same queue for several EPC sizes when the sweep varies them.
 * Series are downsampled for drawing (largest-triangle buckets keep the peaks); the tables are
 * computed from every sample.
 */
import type { PendingQueueSeries } from '../../sim/results/types.js';
import { bytes, count, num } from '../format.js';
import { cell, dataTable, note } from '../html.js';
import type { Cell } from '../html.js';
import { lttb, maxOf, timeWeightedMean } from '../downsample.js';
import { Plot, sequentialColours } from '../plot.js';
import { AXIS_NAMES, facetDomain, formatAxisValue, layoutFor } from '../runs.js';
import type { Layout, ReportRun } from '../runs.js';
import type { FigureContext, Section, TimeUnit } from './common.js';
import {
  compareNote,
  figure,
  FULL_WIDTH,
  policyColour,
  rowLabelMargin,
  spanDomain,
  timeUnit,
  viaColourScale,
} from './common.js';

const MIB = 1024 * 1024;

/** Points drawn in one plot at most (about 10 bytes each in the page), whatever the number of runs. */
const POINTS_PER_PLOT = 30_000;

interface QueuePoint {
  readonly key: string;
  readonly policy: string;
  readonly epcSize: string;
  readonly fx: string;
  readonly fy: string;
  readonly t: number;
  readonly v: number;
}

type QueueField = 'epcRequestedBytes' | 'count';

function points(
  maxPoints: number,
  runs: readonly ReportRun[],
  field: QueueField,
  unit: TimeUnit,
  layout: Layout,
): QueuePoint[][] {
  const out: QueuePoint[][] = [[], []];
  for (const r of runs) {
    const q = r.run.result.summary.pendingQueue;
    const scale = field === 'epcRequestedBytes' ? MIB : 1;
    const reduced = lttb({ t: q.t, v: q[field] }, maxPoints);
    const fx = layout.fx === null ? '' : formatAxisValue(layout.fx, r.values[layout.fx]);
    const fy = layout.fy === null ? '' : formatAxisValue(layout.fy, r.values[layout.fy]);
    const epcSize = formatAxisValue('epcMiB', r.values.epcMiB);
    for (let i = 0; i < reduced.t.length; i++) {
      out[r.set]!.push({
        key: r.key,
        policy: r.run.result.meta.policy,
        epcSize,
        fx,
        fy,
        t: reduced.t[i]! / unit.seconds,
        v: reduced.v[i]! / scale,
      });
    }
  }
  return out;
}

function span(runs: readonly ReportRun[]): number {
  let s = 0;
  for (const r of runs) {
    const t = r.run.result.summary.pendingQueue.t;
    if (t.length > 0) s = Math.max(s, t[t.length - 1]! - t[0]!);
  }
  return s;
}

interface QueuePlot {
  readonly field: QueueField;
  readonly yLabel: string;
  readonly colour: 'policy' | 'epcSize';
}

function queuePlot(
  ctx: FigureContext,
  runs: readonly ReportRun[],
  layout: Layout,
  spec: QueuePlot,
  colour: { domain: string[]; range: string[]; legend: true; label: string },
  legend: boolean,
): string {
  const unit = timeUnit(span(runs));
  const fxDomain = layout.fx === null ? [''] : facetDomain(ctx.report, layout.fx, runs);
  // About two points per pixel of a panel: more would not show, and would only weigh on the page.
  // A big sweep shares a budget of points per plot, so that a 150-run report stays a few MB.
  const perSeries = Math.min(
    ctx.maxPoints,
    Math.max(100, Math.round((2 * FULL_WIDTH) / fxDomain.length)),
    Math.max(60, Math.floor(POINTS_PER_PLOT / runs.length)),
  );
  const data = points(perSeries, runs, spec.field, unit, layout);
  const fyDomain = layout.fy === null ? [''] : facetDomain(ctx.report, layout.fy, runs);
  return ctx.plots.render({
    width: FULL_WIDTH,
    height: 60 + 190 * fyDomain.length,
    marginLeft: 60,
    marginTop: 44,
    marginRight: layout.fy === null ? 20 : rowLabelMargin(fyDomain),
    marginBottom: 42,
    style: { fontSize: '12px' },
    color: { ...colour, legend },
    x: {
      label: `Time (${unit.name}) →`,
      grid: true,
      domain: spanDomain(
        data.flatMap((d) => d.map((p) => p.t)),
        false,
      ),
    },
    y: {
      label: spec.yLabel,
      grid: true,
      nice: true,
      domain: spanDomain(
        data.flatMap((d) => d.map((p) => p.v)),
        true,
      ),
    },
    fx: layout.fx === null ? { axis: null } : { domain: fxDomain, label: null },
    fy: layout.fy === null ? { axis: null } : { domain: fyDomain, label: null },
    marks: [
      Plot.ruleY([0], { stroke: '#bbb' }),
      ...data.map((d, set) =>
        Plot.line(d, {
          x: 't',
          y: 'v',
          z: 'key',
          stroke: viaColourScale(spec.colour),
          strokeWidth: 1.25,
          strokeOpacity: 0.9,
          ...(set === 0 ? {} : { strokeDasharray: '6,3' }),
          fx: layout.fx === null ? null : 'fx',
          fy: layout.fy === null ? null : 'fy',
        }),
      ),
    ],
  });
}

function queueRow(r: ReportRun, q: PendingQueueSeries): Cell[] {
  return [
    cell(r.label),
    cell(count(q.t.length), true),
    cell(count(maxOf(q.count) ?? 0), true),
    cell(num(timeWeightedMean(q.t, q.count), 1), true),
    cell(count(maxOf(q.sgxCount) ?? 0), true),
    cell(bytes(maxOf(q.epcRequestedBytes)), true),
    cell(bytes(timeWeightedMean(q.t, q.epcRequestedBytes)), true),
    cell(bytes(maxOf(q.memoryRequestedBytes)), true),
  ];
}

/**
 * The simulator samples the queue once a pass has placed what it could (an event-driven scheduler's
 * queue every sample period, as its last pass left it): pods that found a node in the pass they
 * arrived for never show, so an uncongested run reads 0 throughout.
 */
const AFTER_PASS =
  'The queue is sampled after each pass has placed what it could: pods placed by the pass they arrived for are not counted, so a run without congestion reads 0.';

const QUEUE_HEADERS = [
  'Run',
  'Samples',
  'Peak pods',
  'Mean pods',
  'Peak SGX pods',
  'Peak EPC requested',
  'Mean EPC requested',
  'Peak memory requested',
];

function withSamples(runs: readonly ReportRun[]): ReportRun[] {
  return runs.filter((r) => r.run.result.summary.pendingQueue.t.length > 0);
}

export function pendingSection(ctx: FigureContext): Section {
  const id = 'pending-queue';
  const title = 'Pending queue over time';
  const runs = withSamples(ctx.report.runs);
  if (runs.length === 0) {
    const why = 'No run recorded pending-queue samples.';
    return { id, title, html: note(why), omitted: why };
  }
  const layout = layoutFor(ctx.report);
  const colour = policyColour(ctx.report);
  const epc = queuePlot(
    ctx,
    runs,
    layout,
    { field: 'epcRequestedBytes', yLabel: '↑ EPC requested by pods still waiting (MiB)', colour: 'policy' },
    colour,
    true,
  );
  const pods = queuePlot(
    ctx,
    runs,
    layout,
    { field: 'count', yLabel: '↑ Pods still waiting after a pass', colour: 'policy' },
    colour,
    false,
  );
  const facets =
    layout.fx === null
      ? ''
      : ` Columns: ${AXIS_NAMES[layout.fx]}${layout.fy === null ? '' : `; rows: ${AXIS_NAMES[layout.fy]}`}.`;
  const sampled =
    'Long series are downsampled for drawing (largest-triangle buckets, which keep the peaks); the table uses every sample.';
  const html = [
    figure(
      'pending-epc',
      'Requested EPC of the pending pods over time, per run',
      epc,
      `EPC requested by the pods still waiting after each scheduler pass (the paper's pending-queue figure), one line per run, colour: policy. ${AFTER_PASS}${facets}${compareNote(ctx.report)}`,
    ),
    figure(
      'pending-count',
      'Number of pending pods over time, per run',
      pods,
      `Pods still waiting after each scheduler pass (SGX and standard). ${sampled}`,
      dataTable(
        'Pending queue per run',
        QUEUE_HEADERS,
        runs.map((r) => queueRow(r, r.run.result.summary.pendingQueue)),
      ),
    ),
  ].join('\n');
  return { id, title, html };
}

export function epcSizesSection(ctx: FigureContext): Section {
  const id = 'epc-sizes';
  const title = 'Pending queue for several EPC sizes';
  if (!ctx.report.varying.includes('epcMiB')) {
    const why =
      'These results do not vary the EPC size (no epcMiB sweep), so there is no EPC-size comparison.';
    return { id, title, html: note(why), omitted: why };
  }
  const runs = withSamples(ctx.report.runs);
  // Light to dark is small to large, whatever order the sizes were swept in.
  const sizes = [...new Set(runs.map((r) => r.values.epcMiB))]
    .sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : 0))
    .map((v) => formatAxisValue('epcMiB', v));
  const colour = {
    domain: sizes,
    range: sequentialColours(sizes.length),
    legend: true as const,
    label: 'EPC size',
  };
  const rest = layoutFor(ctx.report, ['epcMiB']);
  const layout: Layout = {
    fx: ctx.report.varying.includes('policy') ? 'policy' : rest.fx,
    fy: ctx.report.varying.includes('policy') ? rest.fx : rest.fy,
  };
  const svg = queuePlot(
    ctx,
    runs,
    layout,
    { field: 'epcRequestedBytes', yLabel: '↑ EPC requested by pods still waiting (MiB)', colour: 'epcSize' },
    colour,
    true,
  );
  const rows = [...runs]
    .sort((a, b) => Number(a.values.epcMiB) - Number(b.values.epcMiB))
    .map((r) => queueRow(r, r.run.result.summary.pendingQueue));
  const facets =
    layout.fx === null
      ? ''
      : ` Columns: ${AXIS_NAMES[layout.fx]}${layout.fy === null ? '' : `; rows: ${AXIS_NAMES[layout.fy]}`}.`;
  return {
    id,
    title,
    html: figure(
      'epc-sizes',
      'Requested EPC of the pending pods over time for each EPC size',
      svg,
      `EPC requested by the pods still waiting after each scheduler pass, for EPC sizes ${sizes.map((s) => s.replace('EPC ', '')).join(', ')} (colour: EPC size, darker is larger).${facets}${compareNote(ctx.report)}`,
      dataTable('Pending queue per EPC size', QUEUE_HEADERS, rows),
    ),
  };
}
