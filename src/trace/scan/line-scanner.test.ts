import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineScanner, MAX_LINE_BYTES } from './line-scanner.js';
import type { CsvRow } from './csv-row.js';

function collect(chunks: string[]): { rows: string[][]; lines: number[]; blanks: number[] } {
  const rows: string[][] = [];
  const lines: number[] = [];
  const blanks: number[] = [];
  const s = new LineScanner(
    'f.csv',
    (r: CsvRow) => {
      const fields: string[] = [];
      for (let i = 0; i < r.fieldCount; i++) fields.push(r.text(i));
      rows.push(fields);
      lines.push(r.line);
    },
    (l) => blanks.push(l),
  );
  for (const c of chunks) s.push(Buffer.from(c));
  s.finish();
  return { rows, lines, blanks };
}

test('splits lines and fields, with empty fields kept', () => {
  const { rows, lines } = collect(['a,b,,d\n1,,3\n']);
  assert.deepEqual(rows, [
    ['a', 'b', '', 'd'],
    ['1', '', '3'],
  ]);
  assert.deepEqual(lines, [1, 2]);
});

test('a line cut at any byte across chunks reads the same', () => {
  const text = '12,34,5.5\n6,,7\r\n8,9,10';
  const whole = collect([text]).rows;
  for (let cut = 0; cut <= text.length; cut++) {
    for (let cut2 = cut; cut2 <= text.length; cut2 += 3) {
      assert.deepEqual(collect([text.slice(0, cut), text.slice(cut, cut2), text.slice(cut2)]).rows, whole);
    }
  }
  assert.deepEqual(whole, [
    ['12', '34', '5.5'],
    ['6', '', '7'],
    ['8', '9', '10'],
  ]);
});

test('blank lines are reported with their line number, CRLF is stripped', () => {
  const { rows, blanks, lines } = collect(['a\r\n\r\nb\n\nc\n']);
  assert.deepEqual(rows, [['a'], ['b'], ['c']]);
  assert.deepEqual(lines, [1, 3, 5]);
  assert.deepEqual(blanks, [2, 4]);
});

test('counts fields beyond the located maximum', () => {
  const { rows } = collect([Array.from({ length: 70 }, (_, i) => String(i)).join(',') + '\n']);
  assert.equal(rows[0]!.length, 70);
});

test('a line longer than the limit across chunks is skipped to its end, not buffered', () => {
  const long: number[] = [];
  const rows: string[] = [];
  const s = new LineScanner(
    'f.csv',
    (r) => rows.push(r.text(0)),
    () => {},
    (l) => long.push(l),
  );
  s.push(Buffer.from('a,b\nxx'));
  const block = Buffer.alloc(MAX_LINE_BYTES / 4, 120);
  for (let i = 0; i < 6; i++) s.push(block);
  s.push(Buffer.from('yy\nc,d\n'));
  s.finish();
  assert.deepEqual(rows, ['a', 'c']);
  assert.deepEqual(long, [2]);
});
