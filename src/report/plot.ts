/**
 * The one place that touches the plotting library. Observable Plot builds SVG through a DOM; a
 * light DOM implementation (linkedom) stands in for the browser's, so a figure is a pure function of
 * its data: no browser, no canvas, no file or network access at render time.
 *
 * The SVG Plot emits is then made smaller and stable: coordinates are rounded to 0.1 px (sub-pixel
 * digits are most of the bytes of a long line) and Plot's per-figure `<style>` blocks, identical for
 * every figure, are collected once per page.
 */
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';

/** Okabe & Ito's palette (2008), safe for the common colour-vision deficiencies; yellow last (pale). */
export const CATEGORY_COLOURS: readonly string[] = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#000000',
  '#F0E442',
];

/** Sequential colours for ordered values (EPC sizes, utilisation bands): viridis samples. */
export const SEQUENTIAL_COLOURS: readonly string[] = [
  '#fde725',
  '#a0da39',
  '#4ac16d',
  '#1fa187',
  '#277f8e',
  '#365c8d',
  '#46327e',
  '#440154',
];

/** Colour of anything beyond capacity (EPC overcommit): Okabe-Ito vermillion. */
export const OVER_COLOUR = '#D55E00';

/** Colour `i` of a categorical palette, cycling when there are more categories than colours. */
export function categoryColours(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(CATEGORY_COLOURS[i % CATEGORY_COLOURS.length]!);
  return out;
}

/** `n` colours spread over the sequential palette, from light to dark. */
export function sequentialColours(n: number): string[] {
  const k = SEQUENTIAL_COLOURS.length;
  if (n <= 1) return [SEQUENTIAL_COLOURS[Math.floor(k / 2)]!];
  const out: string[] = [];
  // Skip the palest yellow for lines on white: start one step in.
  for (let i = 0; i < n; i++) out.push(SEQUENTIAL_COLOURS[1 + Math.round((i * (k - 2)) / (n - 1))]!);
  return out;
}

/** Attributes whose values are coordinates, and so are safe to round. */
const GEOMETRY_ATTRS = /\s(d|x|y|x1|x2|y1|y2|cx|cy|r|width|height|transform|points)="([^"]*)"/g;
const LONG_DECIMAL = /(-?\d+\.\d)\d+/g;
const STYLE_BLOCK = /<style>[\s\S]*?<\/style>/g;

interface Rendered {
  readonly outerHTML: string;
}

/** Renders figures for one page and remembers the style sheets they need. */
export class PlotRenderer {
  private readonly styles = new Set<string>();

  /** Renders one figure to an SVG (or, with a legend, a `<figure>` holding legend and SVG) string. */
  render(options: Plot.PlotOptions): string {
    const { document } = parseHTML('<!doctype html><html><body></body></html>');
    const element = Plot.plot({
      ...options,
      document: document as unknown as NonNullable<Plot.PlotOptions['document']>,
    }) as unknown as Rendered;
    return this.clean(element.outerHTML);
  }

  /** Renders a legend on its own, for a group of plots that share one colour scale. */
  legend(options: NonNullable<Parameters<typeof Plot.legend>[0]>): string {
    const { document } = parseHTML('<!doctype html><html><body></body></html>');
    // Plot.legend reads `document` from its options like Plot.plot, but its type does not say so.
    const element = Plot.legend({ ...options, document } as typeof options) as unknown as Rendered;
    return this.clean(element.outerHTML);
  }

  /** Rounds coordinates to 0.1 px and moves style blocks to the page's head. */
  private clean(html: string): string {
    return html
      .replace(
        GEOMETRY_ATTRS,
        (_m, name: string, value: string) => ` ${name}="${value.replace(LONG_DECIMAL, '$1')}"`,
      )
      .replace(STYLE_BLOCK, (block) => {
        this.styles.add(block);
        return '';
      });
  }

  /** The style blocks collected from every figure rendered so far, in first-seen order. */
  styleSheets(): string {
    return [...this.styles].join('\n');
  }
}

export { Plot };
