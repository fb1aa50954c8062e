import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ResultsFormatError, validateResults } from './validate.js';
import { sampleResults } from './sample-results.js';

function roundTrip(): Record<string, unknown> {
  return JSON.parse(JSON.stringify(sampleResults({ sgxShares: [0, 0.5] }))) as Record<string, unknown>;
}

describe('validateResults', () => {
  it('accepts what the simulator writes (JSON without wallMs, nulls for absent values)', () => {
    const r = validateResults(roundTrip());
    assert.equal(r.runs.length, 4);
  });

  it('refuses another major schema version, saying which one it reads', () => {
    const r = { ...roundTrip(), schemaVersion: '2.0' };
    assert.throws(
      () => validateResults(r),
      /results schema 2\.0 is not readable by this version \(reads 1\.x\)/,
    );
    assert.doesNotThrow(() => validateResults({ ...roundTrip(), schemaVersion: '1.7' }));
  });

  it('names the bad field by its path and says what was expected', () => {
    const r = roundTrip() as { runs: { result: { summary: { pendingQueue: { count: unknown[] } } } }[] };
    r.runs[1]!.result.summary.pendingQueue.count[17] = 'x';
    assert.throws(
      () => validateResults(r),
      (err: unknown) =>
        err instanceof ResultsFormatError &&
        err.path === '$.runs[1].result.summary.pendingQueue.count[17]' &&
        /expected a number, got the string "x"/.test(err.message),
    );
    const s = roundTrip() as { runs: { result: { meta: { enforcement: unknown } } }[] };
    s.runs[0]!.result.meta.enforcement = 'strict';
    assert.throws(
      () => validateResults(s),
      /\$\.runs\[0\]\.result\.meta\.enforcement: expected one of none, einit, cgroup/,
    );
    // A missing field is said to be missing, not "undefined undefined".
    const m = roundTrip() as { runs: { result: { meta: Record<string, unknown> } }[] };
    delete m.runs[0]!.result.meta.policy;
    assert.throws(
      () => validateResults(m),
      /\$\.runs\[0\]\.result\.meta\.policy: expected a string, got nothing \(the field is missing\)/,
    );
  });

  it('checks that time series have as many values as sample times', () => {
    const r = roundTrip() as { runs: { result: { summary: { pendingQueue: { sgxCount: unknown[] } } } }[] };
    r.runs[0]!.result.summary.pendingQueue.sgxCount.pop();
    assert.throws(
      () => validateResults(r),
      /pendingQueue\.sgxCount: expected 720 values \(as many as t\), got 719/,
    );
  });

  it('refuses things that are not results at all', () => {
    assert.throws(() => validateResults([]), /\$: expected an object/);
    assert.throws(() => validateResults({}), /\$\.schemaVersion: expected a schema version/);
  });
});
