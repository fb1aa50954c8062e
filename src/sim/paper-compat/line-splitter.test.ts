import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LineSplitter } from './line-splitter.js';

function split(chunks: readonly string[]): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter();
  for (const chunk of chunks) splitter.push(chunk, (l) => lines.push(l));
  splitter.end((l) => lines.push(l));
  return lines;
}

test('\\n, \\r\\n and a lone \\r each end a line, as in Python text mode', () => {
  assert.deepEqual(split(['a\nb\r\nc\rd']), ['a', 'b', 'c', 'd']);
  assert.deepEqual(split(['a\n']), ['a']);
  assert.deepEqual(split(['a\n\n']), ['a', '']);
  assert.deepEqual(split(['a\n\r']), ['a', '']);
  assert.deepEqual(split(['']), []);
  assert.deepEqual(split(['\n']), ['']);
});

test('a \\r\\n split across two chunks is one terminator', () => {
  assert.deepEqual(split(['a\r', '\nb']), ['a', 'b']);
  assert.deepEqual(split(['a\r', '', '\nb\r']), ['a', 'b']);
  assert.deepEqual(split(['a\r', 'b']), ['a', 'b']);
});

test('any chunking gives the lines of the whole text', () => {
  const text = fc
    .array(fc.constantFrom('x', ',', '1', '\n', '\r', '\r\n', ' '), { maxLength: 40 })
    .map((a) => a.join(''));
  fc.assert(
    fc.property(text, fc.array(fc.nat(40), { maxLength: 6 }), (s, cuts) => {
      const points = [...new Set(cuts.map((c) => Math.min(c, s.length)))].sort((a, b) => a - b);
      const chunks: string[] = [];
      let from = 0;
      for (const p of points) {
        chunks.push(s.slice(from, p));
        from = p;
      }
      chunks.push(s.slice(from));
      const expected = s.split(/\r\n|\r|\n/);
      if (/[\r\n]$/.test(s) || s === '') expected.pop();
      assert.deepEqual(split(chunks), expected);
    }),
    { numRuns: 500 },
  );
});
