/**
 * EPC and memory utilisation per node over time: a heat map per run (rows: nodes; colour: share of
 * the node used, with overcommit in its own colour). Time is cut into bins and each bin shows the mean
 * of its samples; consecutive bins of the same colour become one rectangle, so a quiet node costs a
 * few shapes whatever the length of the run. Clusters too big for per-node series (the simulator
 * then keeps only aggregates) get mean and max lines per node group instead.
 */
import type { NodeGroupUtilisation, UtilisationSeries } from '../../sim/results/types.js';
import { count, percent } from '../format.js';
import { cell, dataTable, escapeHtml, note } from '../html.js';
import type { Cell } from '../html.js';
import { binMeans, lttb, maxOf, runs as runsOf, timeWeightedMean } from '../downsample.js';
import { categoryColours, OVER_COLOUR, Plot, SEQUENTIAL_COLOURS } from '../plot.js';
import type { ReportRun } from '../runs.js';
import type { FigureContext, Section } from './common.js';
import { figure, FULL_WIDTH, timeUnit } from './common.js';
import { meanEpcUtilisation } from './comparison.js';

/** Colour bands of the heat map: upper bounds (fractions of capacity) and labels. */
const BANDS: readonly { readonly upTo: number; readonly label: string }[] = [
  { upTo: 0.01, label: 'idle (< 1 %)' },
  { upTo: 0.25, label: '1–25 %' },
  { upTo: 0.5, label: '25–50 %' },
  { upTo: 0.75, label: '50–75 %' },
  { upTo: 0.9, label: '75–90 %' },
  { upTo: 1.0, label: '90–100 %' },
  { upTo: Infinity, label: '> 100 % (overcommit)' },
];
const BAND_COLOURS = [
  '#eeeeee',
  SEQUENTIAL_COLOURS[0]!,
  SEQUENTIAL_COLOURS[2]!,
  SEQUENTIAL_COLOURS[4]!,
  SEQUENTIAL_COLOURS[5]!,
  SEQUENTIAL_COLOURS[7]!,
  OVER_COLOUR,
];

function band(v: number): number {
  // A tiny tolerance so that exactly-full (1.0 after float sums) is not drawn as overcommit.
  for (let i = 0; i < BANDS.length; i++) if (v <= BANDS[i]!.upTo + 1e-9) return i;
  return BANDS.length - 1;
}

/** Time bins of a heat map: enough for detail, few enough to keep the page light. */
const HEAT_BINS = 240;

interface Cellule {
  readonly metric: string;
  readonly node: string;
  readonly x1: number;
  readonly x2: number;
  readonly band: string;
}

/** Heat-map bins over all runs of a report: a big sweep gets coarser heat maps, not a heavier page. */
const HEAT_BIN_BUDGET = 240 * 16;

function heatMap(ctx: FigureContext, u: UtilisationSeries, maxBins: number): string {
  const t0 = u.t[0] ?? 0;
  const t1 = u.t[u.t.length - 1] ?? 0;
  const unit = timeUnit(t1 - t0);
  const bins = Math.min(maxBins, Math.max(1, u.t.length));
  const width = (t1 - t0) / bins;
  const cells: Cellule[] = [];
  const add = (metric: string, node: string, values: readonly number[]): void => {
    if (values.length === 0) return;
    const means = binMeans(u.t, values, t0, t1, bins);
    const bands = means.map((m) => (m === null ? -1 : band(m)));
    for (const r of runsOf(bands)) {
      if (r.value < 0) continue;
      cells.push({
        metric,
        node,
        x1: (t0 + r.from * width) / unit.seconds,
        x2: (t0 + r.to * width) / unit.seconds,
        band: BANDS[r.value]!.label,
      });
    }
  };
  for (const n of u.nodes) {
    add('EPC used', n.node, n.epc);
    add('Memory used', n.node, n.memory);
  }
  const nodes = u.nodes.map((n) => n.node);
  const rowHeight = Math.max(4, Math.min(22, Math.floor(560 / Math.max(1, nodes.length))));
  const longest = Math.max(...nodes.map((n) => n.length), 4);
  return ctx.plots.render({
    width: FULL_WIDTH,
    height: 70 + rowHeight * nodes.length,
    marginLeft: Math.min(200, 12 + longest * 7),
    marginBottom: 40,
    style: { fontSize: '12px' },
    color: {
      type: 'ordinal',
      domain: BANDS.map((b) => b.label),
      range: BAND_COLOURS,
      legend: true,
      label: 'Share of capacity used (mean per time bin)',
    },
    x: { label: `Time (${unit.name}) →` },
    y: { domain: nodes, label: null, ...(nodes.length > 40 ? { axis: null } : {}) },
    fx: { domain: ['EPC used', 'Memory used'], label: null, padding: 0.04 },
    marks: [
      Plot.rect(cells, {
        x1: 'x1',
        x2: 'x2',
        y: 'node',
        fx: 'metric',
        fill: 'band',
        inset: 0,
        insetTop: 1,
        insetBottom: 1,
      }),
    ],
  });
}

interface GroupPoint {
  /** The node group, e.g. `SGX nodes (6,292)`: the colour. */
  readonly group: string;
  /** `EPC used` or `Memory used`: the panel. */
  readonly metric: string;
  readonly t: number;
  readonly v: number;
}

function groupName(g: NodeGroupUtilisation): string {
  return g.group === 'sgx' ? `SGX nodes (${count(g.nodes)})` : `standard nodes (${count(g.nodes)})`;
}

/** Mean and fullest node of each group over time, EPC and memory side by side. */
function groupLines(ctx: FigureContext, u: UtilisationSeries): string {
  const t0 = u.t[0] ?? 0;
  const unit = timeUnit((u.t[u.t.length - 1] ?? 0) - t0);
  const mean: GroupPoint[] = [];
  const max: GroupPoint[] = [];
  const push = (out: GroupPoint[], group: string, metric: string, values: readonly number[]): void => {
    if (values.length === 0) return;
    const reduced = lttb({ t: u.t, v: values }, ctx.maxPoints);
    for (let i = 0; i < reduced.t.length; i++) {
      out.push({ group, metric, t: reduced.t[i]! / unit.seconds, v: reduced.v[i]! * 100 });
    }
  };
  const names = u.groups.map(groupName);
  for (const g of u.groups) {
    push(mean, groupName(g), 'EPC used', g.epcMean);
    push(max, groupName(g), 'EPC used', g.epcMax);
    push(mean, groupName(g), 'Memory used', g.memoryMean);
    push(max, groupName(g), 'Memory used', g.memoryMax);
  }
  return ctx.plots.render({
    width: FULL_WIDTH,
    height: 320,
    marginLeft: 56,
    marginTop: 40,
    style: { fontSize: '12px' },
    color: { domain: names, range: categoryColours(names.length), legend: true, label: 'Node group' },
    x: { label: `Time (${unit.name}) →`, grid: true },
    y: { label: '↑ Share of capacity used (%)', grid: true, zero: true },
    fx: { domain: ['EPC used', 'Memory used'], label: null },
    marks: [
      Plot.ruleY([100], { stroke: OVER_COLOUR, strokeDasharray: '4,3' }),
      Plot.line(max, {
        x: 't',
        y: 'v',
        stroke: 'group',
        z: 'group',
        fx: 'metric',
        strokeOpacity: 0.4,
        strokeWidth: 1,
      }),
      Plot.line(mean, { x: 't', y: 'v', stroke: 'group', z: 'group', fx: 'metric', strokeWidth: 1.6 }),
    ],
  });
}

function nodeRows(r: ReportRun, u: UtilisationSeries): Cell[][] {
  if (u.nodes.length > 0) {
    return u.nodes.map((n) => [
      cell(r.label),
      cell(n.node),
      cell(n.sgx ? 'SGX' : 'standard'),
      cell(percent(timeWeightedMean(u.t, n.epc)), true),
      cell(percent(maxOf(n.epc)), true),
      cell(percent(overTime(u.t, n.epc)), true),
      cell(percent(timeWeightedMean(u.t, n.memory)), true),
      cell(percent(maxOf(n.memory)), true),
    ]);
  }
  return u.groups.map((g) => [
    cell(r.label),
    cell(`all ${g.group} nodes (${count(g.nodes)}), mean / max node`),
    cell(g.group === 'sgx' ? 'SGX' : 'standard'),
    cell(percent(timeWeightedMean(u.t, g.epcMean)), true),
    cell(percent(maxOf(g.epcMax)), true),
    cell(percent(overTime(u.t, g.epcMax)), true),
    cell(percent(timeWeightedMean(u.t, g.memoryMean)), true),
    cell(percent(maxOf(g.memoryMax)), true),
  ]);
}

/** Share of the time a series is above 1 (overcommitted), step-weighted; null when empty. */
function overTime(t: readonly number[], v: readonly number[]): number | null {
  if (v.length === 0) return null;
  return timeWeightedMean(
    t,
    v.map((x) => (x > 1 + 1e-9 ? 1 : 0)),
  );
}

export function utilisationSection(ctx: FigureContext): Section {
  const id = 'utilisation';
  const title = 'EPC and memory utilisation per node';
  const runs = ctx.report.runs.filter((r) => r.run.result.summary.utilisation.t.length > 0);
  if (runs.length === 0) {
    const why = 'No run recorded utilisation samples.';
    return { id, title, html: note(why), omitted: why };
  }
  // Open the run that used EPC the most: the one worth looking at first.
  let open = 0;
  let most = -1;
  runs.forEach((r, i) => {
    const m = meanEpcUtilisation(r) ?? -1;
    if (m > most) {
      most = m;
      open = i;
    }
  });
  const parts: string[] = [
    note(
      `One heat map per run; open: ${runs[open]!.label}, the run with the highest mean EPC use. EPC: working sets of the SGX pods resident on the node over its usable EPC; memory: used over allocatable. Standard nodes have no EPC row.`,
    ),
  ];
  const rows: Cell[][] = [];
  const maxBins = Math.max(48, Math.min(HEAT_BINS, Math.floor(HEAT_BIN_BUDGET / runs.length)));
  runs.forEach((r, i) => {
    const u = r.run.result.summary.utilisation;
    const perNode = u.nodes.length > 0;
    const svg = perNode ? heatMap(ctx, u, maxBins) : groupLines(ctx, u);
    const caption = perNode
      ? `Utilisation of each node over time for ${r.label}; colour: share of capacity used, mean per time bin.`
      : `Utilisation of node groups over time for ${r.label}: dark line, mean over the group's nodes; light line, its fullest node; dashed, capacity. The cluster has more than ${count(u.perNodeLimit)} nodes, so the results keep group aggregates only.`;
    parts.push(
      `<details class="run"${i === open ? ' open' : ''}><summary>${escapeHtml(r.label)}</summary>`,
      figure(`utilisation-${i}`, `Utilisation over time for ${r.label}`, svg, caption),
      `</details>`,
    );
    rows.push(...nodeRows(r, u));
  });
  parts.push(
    dataTable(
      'Utilisation per node and run',
      [
        'Run',
        'Node',
        'Kind',
        'Mean EPC used',
        'Peak EPC used',
        'Time overcommitted',
        'Mean memory used',
        'Peak memory used',
      ],
      rows,
    ),
  );
  return { id, title, html: parts.join('\n') };
}
