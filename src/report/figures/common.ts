/** What every figure needs: the labelled runs, the plot renderer, and the page's layout constants. */
import type { PlotRenderer } from '../plot.js';
import type { ReportRun, ReportRuns } from '../runs.js';
import { escapeHtml } from '../html.js';
import { categoryColours } from '../plot.js';
import { fixed } from '../format.js';

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

/** Colour scale options shared by every figure coloured by policy, so a policy has one colour. */
export function policyColour(report: ReportRuns): {
  domain: string[];
  range: string[];
  legend: true;
  label: string;
} {
  return {
    domain: [...report.policies],
    range: categoryColours(report.policies.length),
    legend: true,
    label: 'Policy',
  };
}

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
