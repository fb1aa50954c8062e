/**
 * Placements refused, by reason: for each run, the scheduling attempts that found no node, split by
 * the reasons the nodes gave. An attempt counts once under each distinct reason it met, so a stacked
 * bar is a sum over reasons, not a number of attempts: the axis and caption say so. Reasons come from
 * the core's structured statuses, recorded at the source.
 */
import type { RefusalReason } from '../../sim/results/types.js';
import { count } from '../format.js';
import { cell, dataTable, note } from '../html.js';
import type { Cell } from '../html.js';
import { CATEGORY_COLOURS, Plot } from '../plot.js';
import type { FigureContext, Section } from './common.js';
import { figure, fixedColours, FULL_WIDTH, viaColourScale } from './common.js';

/** Every reason, in a fixed order and with a fixed colour, the same in every report. */
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

const REASON_COLOURS: Readonly<Record<string, string>> = Object.fromEntries(
  REASONS.map((r, i) => [r, CATEGORY_COLOURS[i % CATEGORY_COLOURS.length]!]),
);

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
    // A pod no node could ever hold is set aside without counting as refused, and a pod still
    // waiting at the end may never have met a pass: neither found a node, at its first attempt or later.
    const unplaced = ctx.report.runs.reduce((n, r) => n + r.run.result.summary.all.neverPlaced, 0);
    const why =
      unplaced === 0
        ? 'No placement was refused in any run: every pod found a node at its first attempt.'
        : `No scheduling attempt was counted as refused in any run, yet ${count(unplaced)} pod${unplaced === 1 ? ' was' : 's were'} never placed: no node could ever hold ${unplaced === 1 ? 'it' : 'them'} (such pods are set aside, not counted as refused), or the run ended before a scheduler pass tried ${unplaced === 1 ? 'it' : 'them'}. Every other pod found a node at its first attempt.`;
    return { id, title, html: note(why), omitted: why };
  }
  const reasons = REASONS.filter((r) => present.has(r));
  for (const r of present) if (!reasons.includes(r as RefusalReason)) reasons.push(r as RefusalReason);
  const labels = ctx.report.runs.map((r) => r.label);
  const longest = Math.max(...labels.map((l) => l.length));
  const svg = ctx.plots.render({
    width: FULL_WIDTH,
    height: 84 + 24 * labels.length,
    marginLeft: Math.min(360, 20 + Math.ceil(longest * 7.2)),
    marginRight: 40,
    marginBottom: 50,
    style: { fontSize: '12px' },
    color: {
      domain: reasons,
      range: fixedColours(reasons, REASON_COLOURS),
      legend: true,
      label: 'Reason',
    },
    // Centred under the ticks, one line lower, so the label never runs into the last tick's number.
    x: {
      label: 'Refused scheduling attempts, counted once under each reason they met →',
      labelAnchor: 'center',
      labelOffset: 42,
      grid: true,
    },
    y: { domain: labels, label: null },
    marks: [
      Plot.barX(bars, {
        x: 'attempts',
        y: 'run',
        fill: viaColourScale('reason'),
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
      'Refused scheduling attempts per run, counted once under each reason they met, stacked',
      svg,
      'Scheduling attempts that found no node, by the reasons nodes gave. An attempt refused for several reasons (some nodes short of EPC, others without SGX) counts once under each, so a bar is a sum over reasons and can be longer than the number of refused attempts.',
      dataTable('Refusals per run: attempts (node rejections)', ['Run', ...reasons], rows),
    ),
  };
}
