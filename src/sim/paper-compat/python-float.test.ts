import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { pythonFloatRepr, pythonPercentD, pythonRound } from './python-float.js';

test('repr matches what Python prints for the simulator minutes and the layout edge cases', () => {
  const cases: [number, string][] = [
    [0, '0.0'],
    [-0, '-0.0'],
    [1 / 60, '0.016666666666666666'],
    [2 / 60, '0.03333333333333333'],
    [60 / 60, '1.0'],
    [3 / 60, '0.05'],
    [0.1 + 0.2, '0.30000000000000004'],
    [1e-4, '0.0001'],
    [9.999999999999999e-5, '9.999999999999999e-05'],
    [1e-5, '1e-05'],
    [1.5e-7, '1.5e-07'],
    [5e-324, '5e-324'],
    [1e15, '1000000000000000.0'],
    [9999999999999998, '9999999999999998.0'],
    [1e16, '1e+16'],
    [1.2345678901234568e17, '1.2345678901234568e+17'],
    [1e21, '1e+21'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [123456.789, '123456.789'],
    [-2.5, '-2.5'],
    [-1e-7, '-1e-07'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
    [NaN, 'nan'],
  ];
  for (const [x, expected] of cases) assert.equal(pythonFloatRepr(x), expected, `repr(${x})`);
});

test('round() rounds halves to even on the exact double and returns 0 for -0.4', () => {
  const cases: [number, number][] = [
    [0.5, 0],
    [1.5, 2],
    [2.5, 2],
    [3.5, 4],
    [-0.5, 0],
    [-1.5, -2],
    [-2.5, -2],
    [2.4999999999999996, 2],
    [2.5000000000000004, 3],
    [6480.5, 6480],
    [6481.5, 6482],
    [4503599627370497, 4503599627370497],
    [1e300, 1e300],
  ];
  for (const [x, expected] of cases) assert.equal(pythonRound(x), expected, `round(${x})`);
  assert.ok(Object.is(pythonRound(-0.4), 0), 'Python returns the int 0, never a negative zero');
});

test("'%d' % x truncates toward zero like Python", () => {
  assert.equal(pythonPercentD(23936.0), '23936');
  assert.equal(pythonPercentD(-447.5), '-447');
  assert.equal(pythonPercentD(-0.3), '0');
  assert.equal(pythonPercentD(1e21), '1000000000000000000000');
});

function python3Available(): boolean {
  const r = spawnSync('python3', ['--version'], { encoding: 'utf8' });
  return r.status === 0;
}

test('repr and round agree with python3 on 3,000 doubles of every magnitude', (t) => {
  if (!python3Available()) {
    t.skip('python3 is not installed: the cross-check against Python float printing did not run');
    return;
  }
  // Doubles from raw bits cover every exponent; t/60 and x.5 values cover what the simulator prints and rounds.
  const fromBits = fc
    .tuple(fc.integer({ min: 0, max: 0x7fe }), fc.bigInt({ min: 0n, max: (1n << 52n) - 1n }), fc.boolean())
    .map(([exp, mant, neg]) => {
      const view = new DataView(new ArrayBuffer(8));
      view.setBigUint64(0, (BigInt(neg ? 1 : 0) << 63n) | (BigInt(exp) << 52n) | mant);
      return view.getFloat64(0);
    });
  const minutes = fc.integer({ min: 0, max: 10_000_000 }).map((s) => s / 60);
  const halves = fc.integer({ min: -100_000, max: 100_000 }).map((n) => n + 0.5);
  const micros = fc.integer({ min: 0, max: 4_000_000_000_000 }).map((us) => us / 1e6);
  const values = fc.sample(fc.oneof(fromBits, minutes, halves, micros), { numRuns: 3000, seed: 20180705 });
  const r = spawnSync(
    'python3',
    ['-c', 'import sys\nfor l in sys.stdin:\n x=float.fromhex(l)\n print(repr(x), round(x))'],
    { input: values.map(hex).join('\n') + '\n', encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines.length, values.length);
  values.forEach((x, i) => {
    const [repr, rounded] = lines[i]!.split(' ');
    assert.equal(pythonFloatRepr(x), repr, `repr of ${hex(x)}`);
    assert.equal(BigInt(pythonRound(x)).toString(), rounded, `round of ${hex(x)}`);
  });
});

/** A double in Python's float.hex() input format, so that Python reads back the exact same bits. */
function hex(x: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const sign = bits >> 63n ? '-' : '';
  const exp = Number((bits >> 52n) & 0x7ffn);
  const mant = bits & ((1n << 52n) - 1n);
  if (exp === 0) return `${sign}0x0.${mant.toString(16).padStart(13, '0')}p-1022`;
  return `${sign}0x1.${mant.toString(16).padStart(13, '0')}p${exp - 1023}`;
}
