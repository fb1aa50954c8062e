import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePaperCompatArgs, usablePages } from './args.js';

test('defaults: 128 MiB, every line', () => {
  assert.deepEqual(parsePaperCompatArgs(['t.csv']), { kind: 'run', epcMib: 128, skip: 1, path: 't.csv' });
});

test('flags in both spellings, in any order, and the simulate switch passed through', () => {
  assert.deepEqual(parsePaperCompatArgs(['--skip', '20', '--paper-compat', 't.csv', '--epc-mib=64']), {
    kind: 'run',
    epcMib: 64,
    skip: 20,
    path: 't.csv',
  });
  assert.deepEqual(parsePaperCompatArgs(['--', '-odd.csv']), {
    kind: 'run',
    epcMib: 128,
    skip: 1,
    path: '-odd.csv',
  });
  assert.deepEqual(parsePaperCompatArgs(['-']), { kind: 'run', epcMib: 128, skip: 1, path: '-' });
  assert.deepEqual(parsePaperCompatArgs(['t.csv', '-h']), { kind: 'help' });
});

test('bad flags say what is wrong', () => {
  const error = (argv: string[]): string => {
    const r = parsePaperCompatArgs(argv);
    assert.equal(r.kind, 'error');
    return r.kind === 'error' ? r.message : '';
  };
  assert.match(error([]), /missing the trace CSV/);
  assert.match(error(['a.csv', 'b.csv']), /expected one trace CSV, got 2/);
  assert.match(error(['--skip', '0', 't.csv']), /--skip must be between 1 and/);
  assert.match(error(['--skip', '1.5', 't.csv']), /--skip expects a whole number, got '1.5'/);
  assert.match(error(['--epc-mib', '2000000', 't.csv']), /--epc-mib must be between 1 and 1048576/);
  assert.match(error(['t.csv', '--epc-mib']), /--epc-mib needs a value/);
  assert.match(error(['--epc', '64', 't.csv']), /unknown option '--epc'/);
});

test('usable pages follow the paper formula and stay a float', () => {
  assert.equal(usablePages(128), 23936);
  assert.equal(usablePages(64), 11648);
  assert.equal(usablePages(256), 48512);
  assert.equal(usablePages(1), -448);
});
