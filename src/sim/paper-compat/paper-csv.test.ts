import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PaperCsvError, PaperCsvReader } from './paper-csv.js';

function read(lines: readonly string[], skip = 1, usable = 23936): PaperCsvReader {
  const reader = new PaperCsvReader('trace.csv', skip, usable);
  for (const line of lines) reader.line(line);
  return reader;
}

test('a line becomes seconds rounded half to even and pages rounded up from the float product', () => {
  const jobs = read([
    '6480500000,6481500000,42,0.1,0.0001253342245989305',
    '2500000,3500001,x,0.5,0.5,extra,columns',
  ]).jobs();
  assert.equal(jobs.count, 2);
  assert.deepEqual([...jobs.start], [6480, 2]); // 6480.5 -> 6480, 2.5 -> 2
  assert.deepEqual([...jobs.end], [6482, 4]); // 6481.5 -> 6482, 3.500001 -> 4
  // ceil(0.1 * 23936) is ceil(2393.6000000000004) = 2394; 0.0001253342245989305 * 23936 is just
  // above 3 as a double, so it is 4 pages, as in Python.
  assert.deepEqual([...jobs.req], [2394, 11968]);
  assert.deepEqual([...jobs.act], [4, 11968]);
});

test('Python number syntax is accepted: spaces, signs, underscores, exponents, trailing whitespace', () => {
  const jobs = read([' +1_000_000 , 2000000 ,,  1e-1 ,.5  \t']).jobs();
  assert.deepEqual([...jobs.start], [1]);
  assert.deepEqual([...jobs.req], [2394]);
  assert.deepEqual([...jobs.act], [11968]);
});

test('jobs too big for the usable EPC and jobs of 0 pages are counted, not kept', () => {
  const reader = read(
    ['0,1,x,0.9,0.1', '0,1,x,0.1,0.9', '0,1,x,0,0.1', '0,1,x,0.1,-0.0', '0,1,x,1.0,0'],
    1,
    11648,
  );
  assert.equal(reader.jobs().count, 0);
  // The size check comes first: 1.0 with 0 used is "too big", as in the original.
  assert.deepEqual(reader.summary(), { lines: 5, tooBig: 3, zero: 2 });
});

test('--skip counts every line and never parses the ones it drops', () => {
  const reader = read(['0,1,x,0.1,0.1', 'a header-like line', 'nonsense', '3000000,4000000,x,0.2,0.2'], 3);
  assert.equal(reader.jobs().count, 2);
  assert.deepEqual([...reader.jobs().start], [0, 3]);
  assert.equal(reader.summary().lines, 4);
});

test('a line the original would crash on is an error naming file, line and field', () => {
  const cases: [string[], RegExp][] = [
    [
      ['start,end,x,req,used'],
      /^trace\.csv:1: field 1, start time \(µs\): expected an integer, got "start"$/,
    ],
    [['0,1,x,0.1,0.1', '0,1.5,x,0.1,0.1'], /^trace\.csv:2: field 2, end time \(µs\): expected an integer/],
    [['0,1,x,0.1'], /^trace\.csv:1: expected at least 5 comma-separated fields .* found 4/],
    [[''], /^trace\.csv:1: expected at least 5 .* found 1/],
    [['0,1,x,nan,0.1'], /field 4, requested memory .*: expected a finite number >= 0, got "nan"/],
    [['0,1,x,0.1,inf'], /field 5, used memory .*: expected a finite number >= 0, got "inf"/],
    [['0,1,x,0.1,1e400'], /field 5, used memory/],
    [['0,1,x,-0.1,0.1'], /field 4, requested memory .*got "-0.1"/],
    [['0,1,x,0x10,0.1'], /field 4/],
    [['0,1,x,1__0,0.1'], /field 4/],
    [['99999999999999999999,1,x,0.1,0.1'], /field 1, start time \(µs\): .* beyond ±2\^53 µs/],
  ];
  for (const [lines, pattern] of cases) {
    assert.throws(
      () => read(lines),
      (err: unknown) => err instanceof PaperCsvError && pattern.test(err.message),
      `${JSON.stringify(lines)} should fail with ${String(pattern)}`,
    );
  }
});
