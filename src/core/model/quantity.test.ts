import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatBytes,
  formatMillis,
  parseBytes,
  parseMillis,
  parseQuantity,
  quantityToBytes,
  quantityToMillis,
  QuantityError,
} from '../index.js';

const bytesCases: [string, number][] = [
  ['0', 0],
  ['1', 1],
  ['128974848', 128974848],
  ['129e6', 129000000],
  ['129M', 129000000],
  ['123Mi', 123 * 1024 * 1024],
  ['93.5Mi', 98041856],
  ['1Ki', 1024],
  ['1k', 1000],
  ['1P', 1e15],
  ['2Ti', 2 * 1024 ** 4],
  ['1.5Gi', 1.5 * 1024 ** 3],
  ['.5Ki', 512],
  ['1.', 1],
  ['+3', 3],
  ['-3', -3],
  ['1e3', 1000],
  ['1E3', 1000],
  ['1e-3', 1], // rounds up, like Value()
  ['100m', 1],
  ['1500m', 2],
  ['1n', 1],
  ['-1.5', -2], // away from zero
];

for (const [text, want] of bytesCases) {
  test(`quantity ${JSON.stringify(text)} is ${want} whole units`, () => {
    assert.equal(parseBytes(text), want);
  });
}

const milliCases: [string, number][] = [
  ['100m', 100],
  ['0.1', 100],
  ['2', 2000],
  ['1.5', 1500],
  ['250u', 1],
  ['1e-3', 1],
  ['1k', 1_000_000],
];

for (const [text, want] of milliCases) {
  test(`cpu ${JSON.stringify(text)} is ${want} millicores`, () => {
    assert.equal(parseMillis(text), want);
  });
}

test('a quantity is exact: ten thousand 0.1 cpu pods add up to exactly 1000 cores', () => {
  let total = 0;
  for (let i = 0; i < 10_000; i++) total += quantityToMillis(parseQuantity('0.1'));
  assert.equal(total, 1_000_000);
  const q = parseQuantity('93.5Mi');
  assert.equal(q.numerator * 1n, 98041856n * q.denominator);
});

for (const bad of [
  '',
  ' ',
  '1 Mi',
  'Mi',
  '1.2.3',
  '1MiB',
  '1e',
  '1x',
  'abc',
  '--1',
  '1e999',
  '.',
  '0x10',
  '1Mi ',
]) {
  test(`${JSON.stringify(bad)} is refused with a QuantityError naming it`, () => {
    assert.throws(
      () => parseQuantity(bad),
      (e: unknown) =>
        e instanceof QuantityError && e.value === bad && e.message.includes(JSON.stringify(bad)),
    );
  });
}

test('amounts beyond exact integers are refused, not rounded', () => {
  assert.throws(() => quantityToBytes(parseQuantity('16Ei')), QuantityError);
  assert.throws(() => quantityToBytes(parseQuantity('1E')), /too large/);
});

test('formatBytes speaks in binary units', () => {
  assert.equal(formatBytes(40 * 1024 * 1024), '40 MiB');
  assert.equal(formatBytes(98041856), '93.5 MiB');
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(1536), '1.5 KiB');
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(32 * 1024 ** 3), '32 GiB');
  assert.equal(formatBytes(-4096), '-4 KiB');
});

test('formatMillis speaks in millicores and cores', () => {
  assert.equal(formatMillis(500), '500m');
  assert.equal(formatMillis(1000), '1 core');
  assert.equal(formatMillis(2500), '2.5 cores');
});
