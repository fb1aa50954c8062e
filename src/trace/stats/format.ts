import type { Distribution } from './summary.js';
import type { TraceStats } from './trace-stats.js';

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const secs = (s: number): string => `${s.toLocaleString('en-US', { maximumFractionDigits: 1 })} s`;

function distribution(d: Distribution): string {
  const f = (v: number): string => String(Number(v.toPrecision(4)));
  const zero = d.zero > 0 ? `; ${int(d.zero)} are 0` : '';
  return `p50 ${f(d.p50)}  p90 ${f(d.p90)}  p99 ${f(d.p99)}  max ${f(d.max)}  mean ${f(d.mean)}  (${int(d.count)} values${zero})`;
}

/** The figures of `trace stats` for a terminal: one labelled line each, skipped rows with examples. */
export function formatTraceStats(s: TraceStats): string {
  const lines: string[] = [];
  const row = (label: string, text: string): void => {
    lines.push(`${label.padEnd(16)}${text}`);
  };
  const window =
    s.window === null
      ? 'whole input'
      : `window ${secs(s.window.from ?? 0)} to ${s.window.to === null ? 'end' : secs(s.window.to)}`;
  lines.push(`${s.format}: ${s.files.length} file${s.files.length === 1 ? '' : 's'}, ${window}`);
  row(
    'rows',
    `${int(s.rows.read)} read, ${int(s.rows.inWindow)} in the window, ${int(s.rows.skipped)} skipped` +
      ` (${int(s.timing.rowsPerSecond)} rows/s, ${s.timing.seconds} s)`,
  );
  if (s.timeRange !== null) row('time range', `${secs(s.timeRange.first)} to ${secs(s.timeRange.last)}`);
  if (s.events !== null) {
    row(
      'events',
      Object.entries(s.events)
        .map(([k, v]) => `${k} ${int(v)}`)
        .join(', '),
    );
  }
  const d = s.distinct;
  const parts = [
    d.jobs !== null ? `${int(d.jobs)} jobs` : '',
    d.tasks !== null ? `${int(d.tasks)} tasks` : '',
    d.machines !== null ? `${int(d.machines)} machines` : '',
  ].filter((x) => x !== '');
  if (parts.length > 0) row('distinct', parts.join(', '));
  if (s.placements !== null) {
    const p = s.placements;
    const censored =
      p.censored > 0
        ? `, ${int(p.censored)} censored (still running when the data ends at ${secs(p.censoredAt ?? 0)})`
        : '';
    row('placements', `${int(p.derived)} scheduled in the window${censored}`);
    row(
      '  ended by',
      Object.entries(p.byEnd)
        .filter(([k]) => k !== 'CENSORED')
        .map(([k, v]) => `${k} ${int(v)}`)
        .join(', '),
    );
    const notes = [
      p.withoutSubmit > 0 ? `${int(p.withoutSubmit)} without a SUBMIT read before them` : '',
      p.atTimeZero > 0 ? `${int(p.atTimeZero)} running before the trace began (time 0)` : '',
      p.neverScheduled > 0 ? `${int(p.neverScheduled)} tasks never scheduled in the data read` : '',
      p.endsWithoutSchedule > 0
        ? `${int(p.endsWithoutSchedule)} ending events of tasks not seen scheduled (running before the data read began)`
        : '',
      p.staysWithoutEnd > 0 ? `${int(p.staysWithoutEnd)} stays without an end event` : '',
    ].filter((x) => x !== '');
    if (notes.length > 0) row('  notes', notes.join('; '));
  }
  if (s.memoryRequest !== null) row('memory request', distribution(s.memoryRequest));
  if (s.memoryUsage !== null) row('memory usage', distribution(s.memoryUsage));
  if (s.machines !== null) {
    const m = s.machines;
    row('machines', `${int(m.count)} at ${secs(m.at)}, ${int(m.everSeen)} over the whole table`);
    row(
      '  capacities',
      m.capacities
        .slice(0, 6)
        .map((g) => `(${g.cpus} CPU, ${g.memory} mem) x${int(g.count)}`)
        .join(', ') + (m.capacities.length > 6 ? `, ${m.capacities.length - 6} more` : ''),
    );
  }
  if (s.records !== null) {
    row(
      'records',
      `${int(s.records.sgx)} SGX, ${int(s.records.censored)} censored, ${int(s.records.initial)} initial`,
    );
  }
  const skipped = Object.entries(s.skipped);
  if (skipped.length === 0) row('skipped', 'none');
  else {
    row('skipped', skipped.map(([reason, c]) => `${reason} ${int(c.count)}`).join(', '));
    for (const [, c] of skipped) for (const e of c.examples) lines.push(`  ${e}`);
  }
  return lines.join('\n');
}
