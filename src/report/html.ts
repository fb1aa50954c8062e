/**
 * Tiny HTML building helpers. Every string that can come from a user (experiment names, node names,
 * policy names, file paths) goes through `escapeHtml`; markup is only ever built from literals.
 */

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for use in element content and in double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** A cell of a data table: plain text (escaped) with an optional flag marking the best value. */
export interface Cell {
  readonly text: string;
  /** Right-aligned numeric cell. */
  readonly numeric?: boolean;
  /** Marked as the best value of its column (bold with a star, announced to screen readers). */
  readonly best?: boolean;
}

export function cell(text: string, numeric = false, best = false): Cell {
  return { text, numeric, best };
}

/**
 * A data table with a caption and header row. Tables carry the numbers behind every figure so that the
 * report reads without its plots (screen readers, text diffs of two reports).
 */
export function table(
  caption: string,
  headers: readonly string[],
  rows: readonly (readonly Cell[])[],
): string {
  const head = headers.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map((row) => {
      const cells = row.map((c, i) => {
        const cls = [c.numeric === true ? 'num' : '', c.best === true ? 'best' : ''].filter((s) => s !== '');
        const attr = cls.length > 0 ? ` class="${cls.join(' ')}"` : '';
        const content =
          c.best === true
            ? `${escapeHtml(c.text)}<span class="star" aria-hidden="true">★</span><span class="sr">(best)</span>`
            : escapeHtml(c.text);
        return i === 0 ? `<th scope="row"${attr}>${content}</th>` : `<td${attr}>${content}</td>`;
      });
      return `<tr>${cells.join('')}</tr>`;
    })
    .join('\n');
  return `<table>\n<caption>${escapeHtml(caption)}</caption>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** A table inside a disclosure widget, open or closed, so long tables do not bury the plots. */
export function dataTable(
  caption: string,
  headers: readonly string[],
  rows: readonly (readonly Cell[])[],
  open = false,
): string {
  return `<details class="data"${open ? ' open' : ''}><summary>Data: ${escapeHtml(caption)}</summary>\n${table(caption, headers, rows)}\n</details>`;
}

/** A paragraph explaining why a figure is absent or what to read in it. */
export function note(text: string): string {
  return `<p class="note">${escapeHtml(text)}</p>`;
}
