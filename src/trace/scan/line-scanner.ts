import { CsvRow, MAX_FIELDS } from './csv-row.js';

const COMMA = 44;
const LF = 10;
const CR = 13;
/** A line longer than this across chunks is skipped, not buffered (no trace line comes near). */
export const MAX_LINE_BYTES = 1 << 20;

/**
 * A decoder for the common line of one format, tried first at every line start: it consumes the line
 * that starts at `start` and ends within `buf` (returning the offset after its LF) or declines (-1), and a declined line is scanned into a `CsvRow`
 * for `onRow` as usual. A line it consumes counts as a row but is not passed to `onRow`.
 */
export type FastLineDecoder = (buf: Uint8Array, start: number, line: number) => number;

/**
 * Splits a stream of byte chunks into lines and comma-separated fields in one pass over the bytes,
 * without building strings or arrays per line (readline plus `split` is about half as fast). For every
 * non-empty line it fills the shared `CsvRow` and calls `onRow`; for an empty line inside the data it
 * calls `onBlank`. Lines end with LF or CRLF; the last line may lack its terminator.
 *
 * A line cut by a chunk boundary is carried over: only that line's bytes are copied, never the chunk.
 * A line that grows beyond `MAX_LINE_BYTES` across chunks is skipped to its end and reported through
 * `onLongLine`, so a binary file cannot make the scanner buffer it whole.
 * There is no quoting: none of the trace formats quotes fields.
 */
export class LineScanner {
  readonly row = new CsvRow();
  private carry: Buffer | null = null;
  private lineNo = 0;
  private bytes = 0;

  private skipping = false;
  /** Non-empty lines handed to `onRow` so far. */
  rowCount = 0;

  constructor(
    file: string,
    private readonly onRow: (row: CsvRow) => void,
    private readonly onBlank: (line: number) => void = () => {},
    private readonly onLongLine: (line: number) => void = () => {},
    private readonly fastLine: FastLineDecoder | null = null,
  ) {
    this.row.file = file;
  }

  /** Lines seen so far, blank ones included (the last line number reached). */
  get lines(): number {
    return this.lineNo;
  }

  /** Bytes consumed so far. */
  get bytesRead(): number {
    return this.bytes;
  }

  /** True when a partial line is waiting for the next chunk. */
  get hasPartialLine(): boolean {
    return this.carry !== null;
  }

  push(chunk: Buffer): void {
    this.bytes += chunk.length;
    let pos = 0;
    if (this.skipping) {
      // Inside an over-long line: drop bytes up to its end.
      const nl = chunk.indexOf(LF);
      if (nl < 0) return;
      this.skipping = false;
      this.lineNo++;
      this.onLongLine(this.lineNo);
      pos = nl + 1;
    } else if (this.carry !== null) {
      const nl = chunk.indexOf(LF);
      if (nl < 0) {
        if (this.carry.length + chunk.length > MAX_LINE_BYTES) {
          // Not a trace line (a binary file, a missing newline): skip it rather than buffer it all.
          this.carry = null;
          this.skipping = true;
          return;
        }
        this.carry = Buffer.concat([this.carry, chunk]);
        return;
      }
      const line = Buffer.concat([this.carry, chunk.subarray(0, nl + 1)]);
      this.carry = null;
      this.scan(line, 0);
      pos = nl + 1;
    }
    const rest = this.scan(chunk, pos);
    if (rest < chunk.length) this.carry = Buffer.from(chunk.subarray(rest));
  }

  /** Emits the last line if the data did not end with a newline. */
  finish(): void {
    if (this.skipping) {
      this.skipping = false;
      this.lineNo++;
      this.onLongLine(this.lineNo);
      return;
    }
    if (this.carry === null) return;
    const line = Buffer.concat([this.carry, Buffer.from([LF])]);
    this.carry = null;
    this.scan(line, 0);
  }

  /** Drops a partial last line (after a truncated stream); returns whether there was one. */
  discardPartial(): boolean {
    const had = this.carry !== null || this.skipping;
    this.carry = null;
    this.skipping = false;
    return had;
  }

  /**
   * Scans complete lines of `buf` from `pos`; returns the offset of the first byte of the incomplete
   * last line (buf.length when the chunk ended on a newline).
   */
  private scan(buf: Buffer, pos: number): number {
    const row = this.row;
    const starts = row.starts;
    const ends = row.ends;
    const digits = row.digits;
    const onRow = this.onRow;
    const fast = this.fastLine;
    const n = buf.length;
    row.buf = buf;
    let lineStart = pos;
    while (lineStart < n) {
      if (fast !== null) {
        const next = fast(buf, lineStart, this.lineNo + 1);
        if (next >= 0) {
          this.lineNo++;
          this.rowCount++;
          lineStart = next;
          continue;
        }
      }
      let fieldStart = lineStart;
      let fields = 0;
      // The field read as plain digits so far (see CsvRow.digits); `plain` turns false at any other byte.
      let value = 0;
      let plain = true;
      let i = lineStart;
      for (; i < n; i++) {
        const c = buf[i]!;
        const d = c - 48;
        if (d >= 0 && d <= 9) {
          value = value * 10 + d;
        } else if (c === COMMA) {
          if (fields < MAX_FIELDS) {
            starts[fields] = fieldStart;
            ends[fields] = i;
            digits[fields] = i === fieldStart ? -1 : plain && i - fieldStart <= 15 ? value : NaN;
          }
          fields++;
          fieldStart = i + 1;
          value = 0;
          plain = true;
        } else if (c === LF) {
          break;
        } else {
          plain = false;
        }
      }
      if (i === n) return lineStart; // no LF: the line goes on in the next chunk
      let end = i;
      if (end > lineStart && buf[end - 1] === CR) end--;
      this.lineNo++;
      if (end === lineStart) {
        this.onBlank(this.lineNo);
      } else {
        if (fields < MAX_FIELDS) {
          starts[fields] = fieldStart;
          ends[fields] = end;
          // A CR before the LF was counted as a non-digit: a CRLF file takes the checked path for
          // its last field, with the same result.
          digits[fields] = end <= fieldStart ? -1 : plain && end - fieldStart <= 15 ? value : NaN;
        }
        row.fieldCount = fields + 1;
        row.lineStart = lineStart;
        row.lineEnd = end;
        row.line = this.lineNo;
        this.rowCount++;
        onRow(row);
      }
      lineStart = i + 1;
    }
    return lineStart;
  }
}
