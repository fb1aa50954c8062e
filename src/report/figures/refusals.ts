/**
 * Placements refused, by reason: for each run, the scheduling attempts that found no node, split by
 * the reasons the nodes gave (an attempt counts once per distinct reason, so bars can add up to more
 * than the failed attempts). Reasons come from the core's structured statuses, recorded at the source.
 */
import type { RefusalReason } from '../../sim/results/types.js';
import { count } from '../format.js';
import { cell, dataTable, note } from '../html.js';
import type { Cell } from '../html.js';
import { categoryColours, Plot } from '../plot.js';
import type { FigureContext, Section } from './common.js';
import { figure, FULL_WIDTH } from './common.js';

/** Every reason, in a fixed order, so that a reason keeps its colour across reports. */
const REASONS: readonly RefusalReason[] = [
  'insufficient-epc',
  'insufficient-memory',
  'insufficient-cpu',
  'no-sgx',
  'node-unschedulable',
  'taint-not-tolerated',
  'node-selector-mismatch',
  'other',
];

interface Bar {
  readonly run: string;
  readonly reason: string;
  readonly attempts: number;
}

export function refusalsSection(ctx: FigureContext): Section {
  const id = 'refusals';
  const title = 'Placements refused, by reason';
  const bars: Bar[] = [];
  const present = new Set<string>();
  for (const r of ctx.report.runs) {
    for (const f of r.run.result.summary.refusals) {
      if (f.attempts <= 0) continue;
      bars.push({ run: r.label, reason: f.reason, attempts: f.attempts });
      present.add(f.reason);
    }
  }
  if (bars.length === 0) {
    const why = 'No placement was refused in any run: every pod found a node at its first attempt.';
    return { id, title, html: note(why), omitted: why };
  }
  const reasons = REASONS.filter((r) => present.has(r));
  for (const r of present) if (!reasons.includes(r as RefusalReason)) reasons.push(r as RefusalReason);
  const labels = ctx.report.runs.map((r) => r.label);
  const longest = Math.max(...labels.map((l) => l.length));
  const svg = ctx.plots.render({
    width: FULL_WIDTH,
    height: 70 + 24 * labels.length,
    marginLeft: Math.min(360, 20 + Math.ceil(longest * 7.2)),
    marginRight: 30,
    style: { fontSize: '12px' },
    color: { domain: reasons, range: categoryColours(reasons.length), legend: true, label: 'Reason' },
    x: { label: 'Failed scheduling attempts (stacked by reason) →', grid: true },
    y: { domain: labels, label: null },
    marks: [
      Plot.barX(bars, {
        x: 'attempts',
        y: 'run',
        fill: 'reason',
        order: reasons,
        insetTop: 2,
        insetBottom: 2,
      }),
      Plot.ruleX([0]),
    ],
  });
  const rows: Cell[][] = ctx.report.runs.map((r) => {
    const by = new Map(r.run.result.summary.refusals.map((f) => [f.reason as string, f]));
    return [
      cell(r.label),
      ...reasons.map((reason) => {
        const f = by.get(reason);
        return cell(f === undefined ? '0' : `${count(f.attempts)} (${count(f.nodeRejections)})`, true);
      }),
    ];
  });
  return {
    id,
    title,
    html: figure(
      'refusals',
      'Failed scheduling attempts per run, stacked by refusal reason',
      svg,
      'Scheduling attempts that found no node, by the reasons nodes gave. An attempt counts under every distinct reason it met.',
      dataTable('Refusals per run: attempts (node rejections)', ['Run', ...reasons], rows),
    ),
  };
}
