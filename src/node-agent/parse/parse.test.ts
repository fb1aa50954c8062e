import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCpuinfoFlags } from './cpuinfo.js';
import { parseSysfsInteger } from './decimal.js';
import { parseFlatKeyed } from './flat-keyed.js';

describe('parseSysfsInteger', () => {
  it('reads a decimal with its trailing newline', () => {
    assert.deepEqual(parseSysfsInteger('68719476736\n'), { ok: true, value: 68719476736 });
    assert.deepEqual(parseSysfsInteger('0'), { ok: true, value: 0 });
  });
  it('rejects anything else with the text found', () => {
    for (const bad of ['', '\n', '-1\n', '12 MiB\n', '1e9\n', ' 42\n', '42\n\n', '99999999999999999999\n']) {
      const r = parseSysfsInteger(bad);
      assert.equal(r.ok, false, JSON.stringify(bad));
    }
    const r = parseSysfsInteger('lots of bytes\n');
    assert.ok(!r.ok && r.error.includes('lots of bytes'));
  });
});

describe('parseCpuinfoFlags', () => {
  it('finds sgx and sgx_lc as whole words', () => {
    const r = parseCpuinfoFlags('processor\t: 0\nflags\t\t: fpu sgx smep sgx_lc\n');
    assert.deepEqual(r, { ok: true, value: { sgx: true, launchControl: true } });
  });
  it('does not mistake sgx_lc or vmx flags for sgx', () => {
    assert.deepEqual(parseCpuinfoFlags('flags : fpu sgx_lc\n'), {
      ok: true,
      value: { sgx: false, launchControl: true },
    });
    assert.deepEqual(parseCpuinfoFlags('flags : fpu vmx\n'), {
      ok: true,
      value: { sgx: false, launchControl: false },
    });
  });
  it('ignores "vmx flags" lines and treats a file without flags as malformed', () => {
    assert.deepEqual(parseCpuinfoFlags('vmx flags : sgx\nflags : fpu\n'), {
      ok: true,
      value: { sgx: false, launchControl: false },
    });
    assert.equal(parseCpuinfoFlags('processor : 0\n').ok, false);
  });
});

describe('parseFlatKeyed', () => {
  it('reads numbers and max, and keeps going past bad lines', () => {
    const r = parseFlatKeyed('sev 509\nnonsense\nsgx_epc max\nsev_es 12 13\nsgx_vepc 4096\n');
    assert.deepEqual(
      [...r.entries],
      [
        ['sev', 509],
        ['sgx_epc', 'max'],
        ['sgx_vepc', 4096],
      ],
    );
    assert.deepEqual(r.badLines, [
      { line: 2, text: 'nonsense' },
      { line: 4, text: 'sev_es 12 13' },
    ]);
  });
  it('treats an empty file as no resources', () => {
    assert.equal(parseFlatKeyed('').entries.size, 0);
    assert.equal(parseFlatKeyed('').badLines.length, 0);
  });
  it('rejects negative and non-integer values', () => {
    assert.equal(parseFlatKeyed('sgx_epc -5\nsgx_epc 1.5\n').badLines.length, 2);
  });
});
