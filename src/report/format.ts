/**
 * Number formatting for tables, captions and axis labels. Deterministic (no locale): the report of
 * the same results must be byte-identical on every machine.
 */

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

/** Fixed-point with trailing zeros removed: `fixed(1.50, 2)` is `1.5`, `fixed(2, 2)` is `2`. */
export function fixed(value: number, digits: number): string {
  if (!Number.isFinite(value)) return String(value);
  const s = value.toFixed(digits);
  const trimmed = s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
  return trimmed === '-0' ? '0' : trimmed;
}

/** Integer with thin thousands separators: `757000` -> `757,000`. */
export function count(value: number): string {
  const s = Math.round(value).toString();
  return s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Seconds as a readable duration: `42 s`, `12.5 min`, `3.2 h`, `4.1 d`. Null prints as an en dash. */
export function seconds(value: number | null): string {
  if (value === null) return '–';
  const a = Math.abs(value);
  if (a < 120) return `${fixed(value, a < 10 ? 2 : 1)} s`;
  if (a < 2 * 3600) return `${fixed(value / 60, 1)} min`;
  if (a < 2 * 86400) return `${fixed(value / 3600, 2)} h`;
  return `${fixed(value / 86400, 2)} d`;
}

/**
 * Seconds as a bare number for a table column whose header carries the unit: two decimals below 10,
 * one below 1000, whole seconds with separators above, so a column reads at a glance.
 */
export function secondsPlain(value: number | null): string {
  if (value === null) return '–';
  const a = Math.abs(value);
  if (a < 10) return fixed(value, 2);
  if (a < 1000) return fixed(value, 1);
  return count(value);
}

/** Bytes in binary units: `97.9 MiB`, `32 GiB`. */
export function bytes(value: number | null): string {
  if (value === null) return '–';
  const a = Math.abs(value);
  if (a >= GIB) return `${fixed(value / GIB, 2)} GiB`;
  if (a >= MIB) return `${fixed(value / MIB, 1)} MiB`;
  if (a >= 1024) return `${fixed(value / 1024, 1)} KiB`;
  return `${fixed(value, 0)} B`;
}

/** A fraction in [0, 1] (or above, for overcommit) as a percentage: `0.253` -> `25.3 %`. */
export function percent(value: number | null, digits = 1): string {
  if (value === null) return '–';
  return `${fixed(value * 100, digits)} %`;
}

/** A plain number with up to `digits` decimals; null prints as an en dash. */
export function num(value: number | null, digits = 2): string {
  if (value === null) return '–';
  return fixed(value, digits);
}

/** Milliseconds of wall-clock time: `850 ms`, `12.3 s`, `2.5 min`. */
export function wallTime(ms: number): string {
  if (ms < 1000) return `${fixed(ms, 0)} ms`;
  if (ms < 120_000) return `${fixed(ms / 1000, 1)} s`;
  return `${fixed(ms / 60_000, 1)} min`;
}
