/**
 * The attack (the paper's malicious pods: one page requested, a large part of the EPC used): what it
 * does to honest SGX pods, with and without enforcement. One small plot per measure, x = attacker
 * fraction, colour = enforcement mode, symbol = policy. Only the honest pods count: the simulator's
 * summaries exclude attackers.
 */
import type { PodClassSummary } from '../../sim/results/types.js';
import { count, fixed, num, secondsPlain } from '../format.js';
import { cell, dataTable, escapeHtml, note } from '../html.js';
import type { Cell } from '../html.js';
import { Plot } from '../plot.js';
import { formatAxisValue } from '../runs.js';
import type { ReportRun } from '../runs.js';
import type { Coverage, FigureContext, Section } from './common.js';
import {
  coverageText,
  enforcementColours,
  figure,
  isPartial,
  PARTIAL_MARK,
  spanDomain,
  viaColourScale,
} from './common.js';

interface Measure {
  readonly name: string;
  /** Caption of its plot. */
  readonly caption: string;
  readonly axis: string;
  /** Column header of the data table, with the column's one unit. */
  readonly header: string;
  readonly value: (s: PodClassSummary) => number | null;
  /** The value as a bare number in the header's unit. */
  readonly format: (v: number | null) => string;
  /** The pods the value is computed over, when it is not over every pod of the class. */
  readonly cover: (s: PodClassSummary) => Coverage | null;
}

const started = (s: PodClassSummary): Coverage => ({ n: s.waiting.count, of: s.pods, verb: 'started' });
const finished = (s: PodClassSummary): Coverage => ({ n: s.finished, of: s.pods, verb: 'finished' });

const MEASURES: readonly Measure[] = [
  {
    name: 'Median waiting time',
    caption: 'Median waiting time (submission to start) of honest SGX pods that started.',
    axis: '↑ Waiting p50 (s)',
    header: 'Waiting p50 (s)',
    value: (s) => s.waiting.p50,
    format: secondsPlain,
    cover: started,
  },
  {
    name: '95th percentile waiting time',
    caption: '95th percentile of the waiting time of honest SGX pods that started.',
    axis: '↑ Waiting p95 (s)',
    header: 'Waiting p95 (s)',
    value: (s) => s.waiting.p95,
    format: secondsPlain,
    cover: started,
  },
  {
    name: 'Median turnaround',
    caption: 'Median turnaround (submission to end) of honest SGX pods that finished.',
    axis: '↑ Turnaround p50 (s)',
    header: 'Turnaround p50 (s)',
    value: (s) => s.turnaround.p50,
    format: secondsPlain,
    cover: finished,
  },
  {
    name: '95th percentile slowdown',
    caption:
      '95th percentile of the slowdown from paging (run time over nominal duration) of honest SGX pods that finished.',
    axis: '↑ Slowdown p95 (× nominal)',
    header: 'Slowdown p95 (× nominal)',
    value: (s) => s.slowdown.p95,
    format: (v) => num(v, 2),
    cover: finished,
  },
  {
    name: 'Honest SGX pods not finished',
    caption: 'Share of honest SGX pods that failed or were never placed.',
    axis: '↑ Not finished (%)',
    header: 'Not finished (%)',
    value: (s) => (s.pods === 0 ? null : ((s.failed + s.neverPlaced) / s.pods) * 100),
    format: (v) => (v === null ? '–' : fixed(v, 1)),
    cover: () => null,
  },
];

/**
 * How each enforcement mode's line is drawn, by its rank in the sweep. Modes often coincide (einit and
 * cgroup both protect honest pods): the first is drawn widest and underneath, later ones narrower on
 * top and with their own dash pattern, so that every mode of the legend stays visible.
 */
const LINE_STYLES: readonly { readonly width: number; readonly dash: string }[] = [
  { width: 4.5, dash: 'none' },
  { width: 3.25, dash: '9,4' },
  { width: 1.5, dash: '2,2.5' },
];

interface AttackPoint {
  readonly line: string;
  readonly enforcement: string;
  readonly policy: string;
  readonly fraction: number;
  readonly v: number;
  /** Set when the value covers only part of the honest SGX pods (some never started or finished). */
  readonly partial: Coverage | null;
  readonly label: string;
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

/** A line sample for the legend: the mode's colour, width and dash pattern, as drawn. */
function lineSwatch(colour: string, style: (typeof LINE_STYLES)[number], name: string): string {
  const dash = style.dash === 'none' ? '' : ` stroke-dasharray="${style.dash}"`;
  return `<span class="swatch"><svg width="34" height="12" aria-hidden="true"><line x1="1" x2="33" y1="6" y2="6" stroke="${colour}" stroke-width="${style.width}"${dash}/></svg>${escapeHtml(name)}</span>`;
}

export function attackSection(ctx: FigureContext): Section {
  const id = 'attack';
  const title = 'Effect of attackers on honest SGX pods';
  const runs = attackRuns(ctx.report.runs);
  if (runs.length === 0) {
    const why = 'No run has attackers (attacker fraction 0 everywhere), so there is no attack figure.';
    return { id, title, html: note(why), omitted: why };
  }
  const present = new Set(runs.map((r) => r.run.result.meta.enforcement as string));
  const enforcements = ctx.report.order.enforcement.map(String).filter((e) => present.has(e));
  const colours = enforcementColours(enforcements);
  const policies = [...ctx.report.policies];
  const rank = (e: string): number => enforcements.indexOf(e);
  const style = (e: string): (typeof LINE_STYLES)[number] => LINE_STYLES[rank(e) % LINE_STYLES.length]!;
  const maxFraction = Math.max(...runs.map((r) => r.run.result.meta.attackerFraction * 100));
  const colour = { domain: enforcements, range: colours, label: 'Enforcement' };
  let anyPartial = false;
  const plots = MEASURES.map((m) => {
    const data: AttackPoint[] = [];
    for (const r of runs) {
      const s = r.run.result.summary.sgx;
      const v = m.value(s);
      if (v === null) continue;
      const c = m.cover(s);
      data.push({
        line: lineKey(r, ctx.report),
        enforcement: r.run.result.meta.enforcement,
        policy: r.run.result.meta.policy,
        fraction: r.run.result.meta.attackerFraction * 100,
        v,
        partial: isPartial(c) ? c : null,
        label: r.label,
      });
    }
    data.sort((a, b) =>
      rank(a.enforcement) !== rank(b.enforcement)
        ? rank(a.enforcement) - rank(b.enforcement)
        : a.line < b.line
          ? -1
          : a.line > b.line
            ? 1
            : a.fraction - b.fraction,
    );
    const whole = data.filter((d) => d.partial === null);
    const part = data.filter((d) => d.partial !== null);
    if (part.length > 0) anyPartial = true;
    const width = (d: AttackPoint): number => style(d.enforcement).width;
    const lines = enforcements.map((e) =>
      Plot.line(
        data.filter((d) => d.enforcement === e),
        {
          x: 'fraction',
          y: 'v',
          z: 'line',
          stroke: viaColourScale('enforcement'),
          strokeWidth: style(e).width,
          strokeDasharray: style(e).dash,
        },
      ),
    );
    const svg = ctx.plots.render({
      width: 520,
      height: 260,
      marginLeft: 64,
      marginRight: 24,
      style: { fontSize: '12px' },
      color: colour,
      symbol: { domain: policies, label: 'Policy' },
      x: {
        label: 'Attacker fraction of EPC (%) →',
        grid: true,
        domain: [0, Math.max(100, maxFraction)],
      },
      y: {
        label: m.axis,
        grid: true,
        nice: true,
        domain: spanDomain(
          data.map((d) => d.v),
          true,
        ),
      },
      marks: [
        ...lines,
        // Filled markers: the value covers every honest SGX pod.
        Plot.dot(whole, {
          x: 'fraction',
          y: 'v',
          stroke: viaColourScale('enforcement'),
          fill: viaColourScale('enforcement'),
          symbol: 'policy',
          r: (d: AttackPoint) => 1.5 + width(d),
        }),
        // Hollow markers: the value covers only the pods that started (or finished).
        Plot.dot(part, {
          x: 'fraction',
          y: 'v',
          stroke: viaColourScale('enforcement'),
          fill: 'white',
          strokeWidth: 2.5,
          symbol: 'policy',
          r: (d: AttackPoint) => 3.5 + width(d),
        }),
        Plot.text(part, {
          x: 'fraction',
          y: 'v',
          text: (d: AttackPoint) => `${count(d.partial!.n)} of ${count(d.partial!.of)}`,
          dx: -8,
          dy: -12,
          textAnchor: 'end',
          fontSize: 11,
          fill: viaColourScale('enforcement'),
          // A white halo keeps the count legible over the lines.
          stroke: 'white',
          strokeWidth: 3,
          paintOrder: 'stroke',
        }),
      ],
    });
    const partialCaption =
      part.length === 0
        ? ''
        : ` Hollow markers: ${part.map((d) => `${d.label}: ${coverageText(d.partial!, 'honest SGX pods')}`).join('; ')}; the value covers only those.`;
    return figure(
      `attack-${m.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
      `${m.name} of honest SGX pods against attacker fraction`,
      svg,
      m.caption + partialCaption,
    );
  });
  // One legend for the grid of small plots, which share their scales' domains. The enforcement
  // legend shows each mode's line as drawn (colour, width and dash), so coinciding lines can be told.
  const legends = [
    `<span class="swatches"><span class="legend-title">Enforcement</span>${enforcements
      .map((e, i) => lineSwatch(colours[i]!, style(e), e))
      .join('')}</span>`,
    ...(policies.length > 1 ? [ctx.plots.legend({ symbol: { domain: policies, label: 'Policy' } })] : []),
    ...(anyPartial
      ? [
          `<span class="swatches"><span class="swatch"><svg width="14" height="14" aria-hidden="true"><circle cx="7" cy="7" r="5" fill="white" stroke="#1b1b1f" stroke-width="2"/></svg>only some of the honest SGX pods started (or finished): the value covers only those; the plot says how many</span></span>`,
        ]
      : []),
  ].join('\n');
  const rows: Cell[][] = runs.map((r) => {
    const s = r.run.result.summary.sgx;
    return [
      cell(r.label),
      cell(r.run.result.meta.enforcement),
      cell(fixed(r.run.result.meta.attackerFraction * 100, 1), true),
      cell(count(s.pods), true),
      cell(count(s.waiting.count), true),
      cell(count(s.finished), true),
      ...MEASURES.map((m) => {
        const v = m.value(s);
        const mark = v !== null && isPartial(m.cover(s)) ? ` ${PARTIAL_MARK}` : '';
        return cell(m.format(v) + mark, true);
      }),
      cell(count(r.run.result.summary.restarts), true),
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
      [
        'Run',
        'Enforcement',
        'Attacker fraction (%)',
        'SGX pods',
        'Started',
        'Finished',
        ...MEASURES.map((m) => m.header),
        'einit restarts',
      ],
      rows,
    ),
    ...(anyPartial
      ? [
          note(
            `${PARTIAL_MARK} Some honest SGX pods of that run never started (for waiting times) or never finished (for turnaround and slowdown): the value covers only those that did, and can look better than a run where every pod started late.`,
          ),
        ]
      : []),
  ].join('\n');
  return { id, title, html };
}
