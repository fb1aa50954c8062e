import type { Distribution, ExperimentResult } from './types.js';

/** A fixed-width text table: header, rule, rows; numbers right-aligned. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = header.map((_, i) => rows.every((r) => /^[-+]?[\d.,]*[%sx]?\*?$|^–$/.test(r[i] ?? '')));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/**
 * A waiting-time figure; marked `*` when some pods of the class never started (`pods` > the
 * distribution's count): it then describes only the pods that did, which can look better than a
 * run where every pod started late.
 */
function seconds(d: Distribution, key: 'p50' | 'p95' | 'mean', pods = d.count): string {
  const v = d[key];
  if (v === null) return '–';
  const mark = d.count < pods ? '*' : '';
  return (v >= 100 ? `${Math.round(v)}s` : `${v.toFixed(1)}s`) + mark;
}

function ratio(d: Distribution, key: 'p50' | 'p95' | 'max'): string {
  const v = d[key];
  return v === null ? '–' : `${v.toFixed(2)}x`;
}

/**
 * The summary printed after `simulate` and `experiment`: one line per run with the figures the
 * paper discusses (waiting time of SGX and standard pods, slowdown, pods never placed), and the
 * wall-clock time of the run (which the files leave out).
 */
export function summaryTable(result: ExperimentResult): string {
  const header = [
    'run',
    'pods',
    'sgx',
    'done',
    'failed',
    'unplaced',
    'sgx wait p50',
    'sgx wait p95',
    'std wait p50',
    'std wait p95',
    'turnaround p50',
    'slowdown p95',
    'makespan',
    'wall',
  ];
  const rows = result.runs.map(({ result: r }) => {
    const s = r.summary;
    return [
      r.meta.runId,
      String(s.all.pods),
      String(s.sgx.pods),
      String(s.all.finished),
      String(s.all.failed),
      String(s.all.neverPlaced),
      seconds(s.sgx.waiting, 'p50', s.sgx.pods),
      seconds(s.sgx.waiting, 'p95', s.sgx.pods),
      seconds(s.standard.waiting, 'p50', s.standard.pods),
      seconds(s.standard.waiting, 'p95', s.standard.pods),
      seconds(s.all.turnaround, 'p50'),
      ratio(s.sgx.slowdown, 'p95'),
      `${Math.round(s.makespan)}s`,
      r.meta.wallMs === undefined ? '–' : `${(r.meta.wallMs / 1000).toFixed(2)}s`,
    ];
  });
  return textTable(header, rows);
}

/** The lines printed under `summaryTable`: what its figures are, and what a `*` on one means. */
export function summaryNotes(result: ExperimentResult): string[] {
  const notes = [
    'Waiting time = start - submit (seconds); slowdown = run time / nominal duration (EPC paging).',
  ];
  const partial = result.runs.some(
    ({ result: { summary: s } }) =>
      (s.sgx.waiting.count < s.sgx.pods && s.sgx.waiting.count > 0) ||
      (s.standard.waiting.count < s.standard.pods && s.standard.waiting.count > 0),
  );
  if (partial)
    notes.push(
      '* Some pods of that class never started (unplaced, or failed before starting): the figure covers only those that did.',
    );
  return notes;
}
