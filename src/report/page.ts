/**
 * The page around the figures: one self-contained HTML document, no external fonts, scripts or
 * images, so it opens offline, attaches to a review and diffs as text.
 */
import { escapeHtml } from './html.js';

const CSS = `
:root { color-scheme: light; --ink: #1b1b1f; --muted: #5b5b66; --rule: #d9d9e0; --bg-alt: #f6f6f9; --accent: #0072B2; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #fff; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 20px 64px; }
header h1 { font-size: 26px; margin: 0 0 4px; }
header .sub { color: var(--muted); margin: 0 0 16px; }
nav { margin: 12px 0 24px; padding: 10px 14px; background: var(--bg-alt); border-radius: 6px; }
nav ol { margin: 0; padding-left: 20px; columns: 2; }
nav a { color: var(--accent); text-decoration: none; }
nav a:hover { text-decoration: underline; }
section { margin-top: 36px; }
h2 { font-size: 20px; margin: 0 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--rule); }
figure.fig { margin: 12px 0 4px; }
figure.fig figure { margin: 0; }
figcaption { color: var(--muted); font-size: 13.5px; margin-top: 4px; max-width: 900px; }
.plot svg { max-width: 100%; height: auto; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(500px, 1fr)); gap: 8px 24px; }
p.note { color: var(--muted); font-size: 14px; margin: 6px 0 10px; max-width: 900px; }
.omitted { color: var(--muted); font-size: 14px; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13.5px; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { padding: 3px 10px; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid var(--ink); vertical-align: bottom; }
tbody th { white-space: nowrap; }
.plot [class$='-swatches'], .legend [class$='-swatches'] { font-size: 13px; }
.plot [class$='-swatches'] svg, .legend [class$='-swatches'] svg { width: 13px; height: 13px; }
.legend { display: flex; gap: 24px; flex-wrap: wrap; margin: 8px 0 0; }
.legend .swatches { display: flex; gap: 14px; flex-wrap: wrap; align-items: center; font-size: 13px; }
.legend .swatch { display: inline-flex; align-items: center; gap: 5px; }
.legend .legend-title { font-weight: 600; }
tbody tr:nth-child(even) { background: var(--bg-alt); }
td.num, th.num { text-align: right; white-space: nowrap; }
td.best { font-weight: 700; }
.star { color: #E69F00; margin-left: 3px; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
table.meta th { font-weight: 600; white-space: nowrap; }
table.meta td { max-width: 760px; overflow-wrap: anywhere; }
table.meta tr.differs td { background: #fff4e0; }
span.differs { color: #D55E00; font-weight: 700; }
details { margin: 6px 0; }
details > summary { cursor: pointer; color: var(--accent); }
details.run > summary { font-weight: 600; color: var(--ink); }
footer { margin-top: 48px; color: var(--muted); font-size: 13px; }
@media print { details { display: block; } nav { display: none; } }
`;

export interface PageParts {
  readonly title: string;
  readonly subtitle: string;
  readonly header: string;
  readonly sections: readonly { readonly id: string; readonly title: string; readonly html: string }[];
  readonly omitted: readonly { readonly title: string; readonly why: string }[];
  readonly plotStyles: string;
  readonly footer: string;
}

export function page(p: PageParts): string {
  const toc = p.sections
    .map((s) => `<li><a href="#${escapeHtml(s.id)}">${escapeHtml(s.title)}</a></li>`)
    .join('');
  const omitted =
    p.omitted.length === 0
      ? ''
      : `<p class="omitted">Not in this report (no data in these results): ${p.omitted
          .map((o) => `${escapeHtml(o.title)}`)
          .join('; ')}. Each section below says why.</p>`;
  const body = p.sections
    .map((s) => `<section id="${escapeHtml(s.id)}">\n<h2>${escapeHtml(s.title)}</h2>\n${s.html}\n</section>`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="sgx-orchestrator report">
<title>${escapeHtml(p.title)}</title>
<style>${CSS}</style>
${p.plotStyles}
</head>
<body>
<main>
<header>
<h1>${escapeHtml(p.title)}</h1>
<p class="sub">${escapeHtml(p.subtitle)}</p>
<nav aria-label="Contents"><ol>${toc}</ol></nav>
${omitted}
${p.header}
</header>
${body}
<footer>${escapeHtml(p.footer)}</footer>
</main>
</body>
</html>
`;
}
