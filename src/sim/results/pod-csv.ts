import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { POD_CSV_COLUMNS } from './types.js';
import type { PodRow } from './types.js';
import { roundedText } from './rounded-text.js';

/** One pod as a CSV line (no newline), columns as `POD_CSV_COLUMNS`. */
export function podCsvLine(r: PodRow): string {
  // One concatenation, not an array join: this runs once per pod of a month-long replay.
  return (
    csvText(r.jobId) +
    ',' +
    num(r.duration) +
    ',' +
    r.requestedPages +
    ',' +
    r.actualPages +
    ',' +
    (r.isSgx ? '1' : '0') +
    ',' +
    num(r.submit) +
    ',' +
    num(r.start) +
    ',' +
    num(r.end) +
    ',' +
    (r.node === null ? '' : csvText(r.node)) +
    ',' +
    r.attempts +
    ',' +
    r.restarts +
    ',' +
    num(r.slowdown) +
    ',' +
    csvText(r.policy) +
    ',' +
    r.outcome +
    ',' +
    (r.failureReason ?? '')
  );
}

export const POD_CSV_HEADER = POD_CSV_COLUMNS.join(',');

function num(x: number | null): string {
  return x === null ? '' : roundedText(x);
}

/** A text cell: quoted (quotes doubled) when it holds a quote, comma or line break. */
export function csvText(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Streams pod rows to a CSV file as pods end: a 64 KiB buffer written synchronously, so that memory
 * does not grow with the number of pods and the bytes do not depend on I/O timing.
 */
export class PodCsvWriter {
  private readonly fd: number;
  private buffer = '';
  private closed = false;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'w');
    this.buffer = POD_CSV_HEADER + '\n';
  }

  write(row: PodRow): void {
    this.buffer += podCsvLine(row) + '\n';
    if (this.buffer.length >= 65_536) this.flush();
  }

  private flush(): void {
    if (this.buffer.length > 0) writeSync(this.fd, this.buffer);
    this.buffer = '';
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    closeSync(this.fd);
    this.closed = true;
  }
}
