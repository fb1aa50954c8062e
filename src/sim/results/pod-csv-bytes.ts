/**
 * `pods.csv` lines written as bytes straight from pod records (`pod-record.ts`), for the pods
 * thread: the same bytes as `podCsvLine` on the record's row, without a row object, number strings
 * or line strings per pod. On a two-core machine that thread shares the memory caches with the
 * simulation's, and the garbage of a string per field of 757,000 rows slowed the simulation itself.
 */
import { POD_CSV_HEADER, csvText } from './pod-csv.js';
import { roundedDecimal, roundedText } from './rounded-text.js';
import type { RoundedDecimal } from './rounded-text.js';
import {
  FAILURE_REASONS,
  ID_PARTS,
  OUTCOMES,
  P_ACTUAL_PAGES,
  P_ATTEMPTS,
  P_DURATION,
  P_END,
  P_FAILURE,
  P_ID_A,
  P_ID_B,
  P_ID_C,
  P_ID_KIND,
  P_NODE,
  P_OUTCOME,
  P_REQUESTED_PAGES,
  P_RESTARTS,
  P_SGX,
  P_SLOWDOWN,
  P_START,
  P_SUBMIT,
} from './pod-record.js';

const COMMA = 0x2c;
const NEWLINE = 0x0a;
const DOT = 0x2e;
const MINUS = 0x2d;
const ZERO = 0x30;
/** Room a line needs besides its strings: 12 numbers of at most 24 characters, and separators. */
const NUMBERS_ROOM = 512;
export class PodCsvEncoder {
  private buf: Buffer;
  /** Bytes written in `buf`. */
  length = 0;
  private readonly nodes: Buffer[];
  private readonly policy: Buffer;
  private readonly outcomes: Buffer[];
  private readonly failures: Buffer[];
  /** Digits of a whole number, written backwards. */
  private readonly digits = new Uint8Array(24);
  private readonly decimal: RoundedDecimal = { whole: 0, frac: 0, digits: 0 };

  constructor(nodeNames: readonly string[], policy: string, capacity = 1 << 20) {
    this.buf = Buffer.allocUnsafe(capacity);
    this.nodes = nodeNames.map((n) => Buffer.from(csvText(n)));
    this.policy = Buffer.from(csvText(policy));
    this.outcomes = OUTCOMES.map((o) => Buffer.from(o));
    this.failures = FAILURE_REASONS.map((f) => Buffer.from(f));
  }

  /** The bytes written so far (a view, valid until the next write). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }

  clear(): void {
    this.length = 0;
  }

  /** The header line. */
  header(): void {
    this.text(POD_CSV_HEADER);
    this.byte(NEWLINE);
  }

  /** The line of the record at `k` in `r` (`ids`: the batch's id strings), with its newline. */
  line(r: Float64Array, k: number, ids: readonly string[]): void {
    if (r[k + P_ID_KIND] === ID_PARTS) {
      this.room(NUMBERS_ROOM);
      this.whole(r[k + P_ID_A]!);
      this.byte(MINUS);
      this.whole(r[k + P_ID_B]!);
      this.byte(MINUS);
      this.whole(r[k + P_ID_C]!);
    } else this.text(csvText(ids[r[k + P_ID_A]!]!));
    const node = r[k + P_NODE]!;
    const nodeText = node < 0 ? null : this.nodes[node]!;
    this.room(NUMBERS_ROOM + (nodeText?.length ?? 0) + this.policy.length);
    this.byte(COMMA);
    this.rounded(r[k + P_DURATION]!);
    this.byte(COMMA);
    this.whole(r[k + P_REQUESTED_PAGES]!);
    this.byte(COMMA);
    this.whole(r[k + P_ACTUAL_PAGES]!);
    this.byte(COMMA);
    this.byte(r[k + P_SGX] === 1 ? ZERO + 1 : ZERO);
    this.byte(COMMA);
    this.rounded(r[k + P_SUBMIT]!);
    this.byte(COMMA);
    this.rounded(r[k + P_START]!);
    this.byte(COMMA);
    this.rounded(r[k + P_END]!);
    this.byte(COMMA);
    if (nodeText !== null) this.copy(nodeText);
    this.byte(COMMA);
    this.whole(r[k + P_ATTEMPTS]!);
    this.byte(COMMA);
    this.whole(r[k + P_RESTARTS]!);
    this.byte(COMMA);
    this.rounded(r[k + P_SLOWDOWN]!);
    this.byte(COMMA);
    this.copy(this.policy);
    this.byte(COMMA);
    this.copy(this.outcomes[r[k + P_OUTCOME]!]!);
    this.byte(COMMA);
    const failure = r[k + P_FAILURE]!;
    if (failure >= 0) this.copy(this.failures[failure]!);
    this.byte(NEWLINE);
  }

  /** Makes room for `n` more bytes (the buffer grows: the caller empties it between lines). */
  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(grown, 0, 0, this.length);
    this.buf = grown;
  }

  private byte(b: number): void {
    this.buf[this.length++] = b;
  }

  private copy(b: Buffer): void {
    b.copy(this.buf, this.length);
    this.length += b.length;
  }

  private text(s: string): void {
    this.room(3 * s.length + NUMBERS_ROOM);
    this.length += this.buf.write(s, this.length, 'utf8');
  }

  /** `String(x)` for a whole number (digits written here); anything else through `String`. */
  private whole(x: number): void {
    if (!(Number.isInteger(x) && Math.abs(x) <= Number.MAX_SAFE_INTEGER) || Object.is(x, -0)) {
      this.text(String(x));
      return;
    }
    if (x < 0) {
      this.byte(MINUS);
      x = -x;
    }
    this.digitsOf(x, 1);
  }

  /** `roundedText(x)` of rounded-text.ts (empty for NaN, an absent value). */
  private rounded(x: number): void {
    if (Number.isNaN(x)) return;
    const d = roundedDecimal(x, this.decimal);
    if (d === null) {
      this.text(roundedText(x)); // outside the exact range: String's text
      return;
    }
    this.digitsOf(d.whole, 1);
    if (d.digits === 0) return;
    this.byte(DOT);
    this.digitsOf(d.frac, d.digits);
  }

  /** The decimal digits of a whole number >= 0, left-padded with zeros to `width`. */
  private digitsOf(x: number, width: number): void {
    const d = this.digits;
    let n = 0;
    do {
      const q = Math.floor(x / 10);
      d[n++] = ZERO + (x - q * 10);
      x = q;
    } while (x > 0);
    while (n < width) d[n++] = ZERO;
    const buf = this.buf;
    let at = this.length;
    while (n > 0) buf[at++] = d[--n]!;
    this.length = at;
  }
}
