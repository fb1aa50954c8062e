/** What every figure needs: the labelled runs, the plot renderer, and the page's layout constants. */
import type { PlotRenderer } from '../plot.js';
import type { ReportRun, ReportRuns } from '../runs.js';
import { escapeHtml } from '../html.js';
import { CATEGORY_COLOURS } from '../plot.js';
import { count, fixed } from '../format.js';

export interface FigureContext {
  readonly report: ReportRuns;
  readonly plots: PlotRenderer;
  /** Points kept per drawn series (display only). */
  readonly maxPoints: number;
}

/** A section of the page: a heading, then figures, notes and tables. */
export interface Section {
  readonly id: string;
  readonly title: string;
  readonly html: string;
  /** Set when the section has no figure because its data is absent from these results. */
  readonly omitted?: string;
}

/** Width of a full-width figure, in CSS pixels (the page is 1120 px wide at most). */
export const FULL_WIDTH = 1080;

/**
 * A figure: the plot as an image with a text alternative, its caption, then its data table. The
 * `data-figure` attribute lets the browser test find every figure and check it drew something.
 */
export function figure(name: string, alt: string, plot: string, caption: string, table = ''): string {
  return [
    `<figure class="fig" data-figure="${escapeHtml(name)}">`,
    `<div class="plot" role="img" aria-label="${escapeHtml(alt)}">${plot}</div>`,
    `<figcaption>${escapeHtml(caption)}</figcaption>`,
    `</figure>`,
    table,
  ].join('\n');
}

/** A time axis unit chosen from the span of the data, so ticks read as whole minutes, hours or days. */
export interface TimeUnit {
  readonly name: string;
  readonly seconds: number;
}

export function timeUnit(spanSeconds: number): TimeUnit {
  if (spanSeconds > 3 * 86400) return { name: 'days', seconds: 86400 };
  if (spanSeconds > 3 * 3600) return { name: 'hours', seconds: 3600 };
  return { name: 'minutes', seconds: 60 };
}

/**
 * Fixed colours of the known policies and enforcement modes, so that two reports read side by side
 * agree (binpack is blue in every report, whatever else was run). Okabe & Ito's palette.
 */
const POLICY_COLOURS: Readonly<Record<string, string>> = {
  binpack: '#0072B2',
  spread: '#E69F00',
  'sgx-unaware': '#009E73',
  'least-allocated': '#CC79A7',
  'most-allocated': '#56B4E9',
  'requested-to-capacity-ratio': '#000000',
  random: '#D55E00',
};

/** Unprotected (none) in vermillion, the colour of harm; the two protections in blue and green. */
const ENFORCEMENT_COLOURS: Readonly<Record<string, string>> = {
  none: '#D55E00',
  einit: '#0072B2',
  cgroup: '#009E73',
};

/**
 * Colours of a categorical domain: a value with a fixed colour gets it; any other value takes the
 * palette's colours not already used by the fixed ones present, in order (cycling if they run out).
 */
export function fixedColours(
  domain: readonly string[],
  fixedMap: Readonly<Record<string, string>>,
): string[] {
  const used = new Set(domain.map((d) => fixedMap[d]).filter((c): c is string => c !== undefined));
  const free = CATEGORY_COLOURS.filter((c) => !used.has(c));
  const spare = free.length > 0 ? free : CATEGORY_COLOURS;
  let next = 0;
  return domain.map((d) => fixedMap[d] ?? spare[next++ % spare.length]!);
}

/** Colours of policies, fixed for the known ones. */
export function policyColours(policies: readonly string[]): string[] {
  return fixedColours(policies, POLICY_COLOURS);
}

/** Colours of enforcement modes, fixed for the known ones. */
export function enforcementColours(modes: readonly string[]): string[] {
  return fixedColours(modes, ENFORCEMENT_COLOURS);
}

/** Colour scale options shared by every figure coloured by policy, so a policy has one colour. */
export function policyColour(report: ReportRuns): {
  domain: string[];
  range: string[];
  legend: true;
  label: string;
} {
  return {
    domain: [...report.policies],
    range: policyColours(report.policies),
    legend: true,
    label: 'Policy',
  };
}

/**
 * A channel read through the colour scale. Plot takes a channel whose values all parse as CSS colours
 * as literal colours, which an enforcement mode named `none` (or a policy named like a colour) would
 * do: forcing the scale keeps every series colour a colour of the legend.
 */
export function viaColourScale(field: string): { value: string; scale: 'color' } {
  return { value: field, scale: 'color' };
}

/**
 * How much of a pod class a distribution covers: `n` values (pods that started, or finished) out of
 * the class's `of` pods. A figure computed over part of the class (some pods never started) can look
 * better than one where every pod started late, so such figures are marked.
 */
export interface Coverage {
  readonly n: number;
  readonly of: number;
  /** What the covered pods did: `started` or `finished`. */
  readonly verb: string;
}

export function isPartial(c: Coverage | null): c is Coverage {
  return c !== null && c.n > 0 && c.n < c.of;
}

/** `only 1 of 596 SGX pods started`. */
export function coverageText(c: Coverage, what = 'pods'): string {
  return `only ${count(c.n)} of ${count(c.of)} ${what} ${c.verb}`;
}

/** Marks a table cell whose value covers only part of its class (the note under the table explains). */
export const PARTIAL_MARK = '*';

/** Dash pattern telling the compared set apart: solid for the report's own runs, dashed for the other. */
export function dash(run: ReportRun): string {
  return run.set === 0 ? 'none' : '6,3';
}

/** The note under a figure in comparison mode, naming which set is solid and which is dashed. */
export function compareNote(report: ReportRuns): string {
  return report.compared ? ` Solid lines: ${report.setLabels[0]}; dashed lines: ${report.setLabels[1]}.` : '';
}

/** Right margin that fits the row labels of small multiples (Plot draws them right of the panels). */
export function rowLabelMargin(labels: readonly string[]): number {
  const longest = Math.max(0, ...labels.map((l) => l.length));
  return longest === 0 ? 20 : Math.min(240, 24 + Math.ceil(longest * 7));
}

/** A fraction as a percent number for axes (0.25 -> 25). */
export function pct(v: number): number {
  return Number(fixed(v * 100, 3));
}

/**
 * A linear axis domain that never collapses to a point: when every value is the same (an empty
 * queue, a single attacker fraction), the scale would have no span, and its lone tick would print
 * with six decimals. A zero-based domain over zeros becomes [0, 1]; otherwise the value gets a margin
 * of a tenth of itself (or 1 around zero) on each side.
 */
export function spanDomain(values: readonly number[], zero: boolean): [number, number] {
  const finite = values.filter((v) => Number.isFinite(v));
  let lo = finite.length === 0 ? 0 : Math.min(...finite);
  let hi = finite.length === 0 ? 0 : Math.max(...finite);
  if (zero) {
    lo = Math.min(0, lo);
    hi = Math.max(0, hi);
  }
  if (lo < hi) return [lo, hi];
  if (zero) return lo === 0 ? [0, 1] : lo > 0 ? [0, lo] : [lo, 0];
  const margin = lo === 0 ? 1 : Math.abs(lo) / 10;
  return [lo - margin, lo + margin];
}
