/**
 * The attack (the paper's malicious pods: one page requested, a large part of the EPC used): what it
 * does to honest SGX pods, with and without enforcement. One small plot per measure, x = attacker
 * fraction, colour = enforcement mode, symbol = policy. Only the honest pods count: the simulator's
 * summaries exclude attackers.
 */
import type { PodClassSummary } from '../../sim/results/types.js';
import { fixed, num, percent, seconds } from '../format.js';
import { cell, dataTable, note } from '../html.js';
import type { Cell } from '../html.js';
import { categoryColours, Plot } from '../plot.js';
import { formatAxisValue } from '../runs.js';
import type { ReportRun } from '../runs.js';
import type { FigureContext, Section } from './common.js';
import { figure } from './common.js';

interface Measure {
  readonly name: string;
  /** Caption of its plot. */
  readonly caption: string;
  readonly axis: string;
  readonly value: (s: PodClassSummary) => number | null;
  readonly format: (v: number | null) => string;
}

const MEASURES: readonly Measure[] = [
  {
    name: 'Median waiting time',
    caption: 'Median waiting time (submission to start) of honest SGX pods.',
    axis: '↑ Waiting p50 (s)',
    value: (s) => s.waiting.p50,
    format: seconds,
  },
  {
    name: '95th percentile waiting time',
    caption: '95th percentile of the waiting time of honest SGX pods.',
    axis: '↑ Waiting p95 (s)',
    value: (s) => s.waiting.p95,
    format: seconds,
  },
  {
    name: 'Median turnaround',
    caption: 'Median turnaround (submission to end) of honest SGX pods that finished.',
    axis: '↑ Turnaround p50 (s)',
    value: (s) => s.turnaround.p50,
    format: seconds,
  },
  {
    name: '95th percentile slowdown',
    caption:
      '95th percentile of the slowdown from paging (run time over nominal duration) of honest SGX pods.',
    axis: '↑ Slowdown p95 (× nominal)',
    value: (s) => s.slowdown.p95,
    format: (v) => (v === null ? '–' : `${num(v, 2)}×`),
  },
  {
    name: 'Honest SGX pods not finished',
    caption: 'Share of honest SGX pods that failed or were never placed.',
    axis: '↑ Not finished (%)',
    value: (s) => (s.pods === 0 ? null : ((s.failed + s.neverPlaced) / s.pods) * 100),
    format: (v) => (v === null ? '–' : `${fixed(v, 1)} %`),
  },
];

/** Line widths of the enforcement modes, in their order of appearance. */
const WIDTHS: readonly number[] = [4, 2.5, 1.25];

interface AttackPoint {
  readonly line: string;
  readonly enforcement: string;
  readonly policy: string;
  readonly fraction: number;
  readonly v: number;
}

/** Runs of the attack: any sweep in which some run has attackers. */
function attackRuns(runs: readonly ReportRun[]): ReportRun[] {
  return runs.some((r) => r.run.result.meta.attackerFraction > 0) ? [...runs] : [];
}

/** Everything but the attacker fraction that tells runs apart: one line per value of it. */
function lineKey(r: ReportRun, report: FigureContext['report']): string {
  const rest = report.varying
    .filter((a) => a !== 'attackerFraction')
    .map((a) => formatAxisValue(a, r.values[a]))
    .join(' · ');
  return report.compared ? `${report.setLabels[r.set]}: ${rest}` : rest;
}

export function attackSection(ctx: FigureContext): Section {
  const id = 'attack';
  const title = 'Effect of attackers on honest SGX pods';
  const runs = attackRuns(ctx.report.runs);
  if (runs.length === 0) {
    const why = 'No run has attackers (attacker fraction 0 everywhere), so there is no attack figure.';
    return { id, title, html: note(why), omitted: why };
  }
  const enforcements = [...new Set(runs.map((r) => r.run.result.meta.enforcement))];
  const policies = [...ctx.report.policies];
  const plots = MEASURES.map((m) => {
    const data: AttackPoint[] = [];
    for (const r of runs) {
      const v = m.value(r.run.result.summary.sgx);
      if (v === null) continue;
      data.push({
        line: lineKey(r, ctx.report),
        enforcement: r.run.result.meta.enforcement,
        policy: r.run.result.meta.policy,
        fraction: r.run.result.meta.attackerFraction * 100,
        v,
      });
    }
    // Lines of different modes often coincide (einit and cgroup both protect honest pods): the first
    // mode is drawn widest and underneath, later ones narrower on top, so every mode stays visible.
    const rank = (e: string): number => (enforcements as readonly string[]).indexOf(e);
    data.sort((a, b) =>
      rank(a.enforcement) !== rank(b.enforcement)
        ? rank(a.enforcement) - rank(b.enforcement)
        : a.line < b.line
          ? -1
          : a.line > b.line
            ? 1
            : a.fraction - b.fraction,
    );
    const width = (d: AttackPoint): number => WIDTHS[rank(d.enforcement) % WIDTHS.length]!;
    const svg = ctx.plots.render({
      width: 520,
      height: 260,
      marginLeft: 60,
      style: { fontSize: '12px' },
      color: {
        domain: enforcements,
        range: categoryColours(enforcements.length),
        label: 'Enforcement',
      },
      symbol: { domain: policies, label: 'Policy' },
      x: { label: 'Attacker fraction of EPC (%) →', grid: true },
      y: { label: m.axis, grid: true, zero: true, nice: true },
      marks: [
        Plot.line(data, { x: 'fraction', y: 'v', z: 'line', stroke: 'enforcement', strokeWidth: width }),
        Plot.dot(data, {
          x: 'fraction',
          y: 'v',
          stroke: 'enforcement',
          symbol: 'policy',
          r: (d: AttackPoint) => 1.5 + width(d),
          fill: 'white',
        }),
      ],
    });
    return figure(
      `attack-${m.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
      `${m.name} of honest SGX pods against attacker fraction`,
      svg,
      m.caption,
    );
  });
  // One legend for the grid of small plots, which share their scales' domains.
  const legends = [
    ctx.plots.legend({
      color: { domain: enforcements, range: categoryColours(enforcements.length), label: 'Enforcement' },
    }),
    ...(policies.length > 1 ? [ctx.plots.legend({ symbol: { domain: policies, label: 'Policy' } })] : []),
  ].join('\n');
  const rows: Cell[][] = runs.map((r) => {
    const s = r.run.result.summary.sgx;
    return [
      cell(r.label),
      cell(r.run.result.meta.enforcement),
      cell(percent(r.run.result.meta.attackerFraction, 0), true),
      ...MEASURES.map((m) => cell(m.format(m.value(s)), true)),
      cell(String(r.run.result.summary.restarts), true),
    ];
  });
  const html = [
    note(
      "Attackers request one EPC page and use the given fraction of each SGX node's EPC. Without enforcement they push the node into paging and every SGX pod there slows down; with enforcement they are held to their limit (cgroup) or cannot start (einit).",
    ),
    `<div class="legend">${legends}</div>`,
    `<div class="grid">${plots.join('\n')}</div>`,
    dataTable(
      'Honest SGX pods under attack, per run',
      ['Run', 'Enforcement', 'Attacker fraction', ...MEASURES.map((m) => m.name), 'einit restarts'],
      rows,
    ),
  ].join('\n');
  return { id, title, html };
}
