import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HostFs } from '../host/host-fs.js';
import { fixture, MIB, POD_C } from '../test-support.js';
import { MiscCgroupUsageSource } from '../usage/misc-cgroup-source.js';
import { discoverSgx } from './discover.js';
import { formatDiscovery } from './format.js';

const GIB = 1024 * MIB;

async function discover(name: string, epcOverrideBytes?: number) {
  return discoverSgx(new HostFs(fixture(name)), epcOverrideBytes === undefined ? {} : { epcOverrideBytes });
}

describe('discoverSgx', () => {
  it('in-kernel driver with the EPC cgroup: sums NUMA nodes and finds sgx_epc in misc', async () => {
    const d = await discover('sgx-misc-systemd');
    assert.equal(d.sgxCapable, true);
    assert.equal(d.driver, 'in-kernel');
    assert.deepEqual(d.cpu, { sgx: true, launchControl: true });
    assert.deepEqual(d.devices, { enclave: '/dev/sgx_enclave', provision: '/dev/sgx_provision' });
    assert.deepEqual(d.epc, {
      totalBytes: 128 * GIB,
      source: 'sysfs',
      numaNodes: [
        { node: 0, bytes: 64 * GIB },
        { node: 1, bytes: 64 * GIB },
      ],
    });
    assert.deepEqual(d.cgroup, {
      version: 'v2',
      miscRoot: '/sys/fs/cgroup',
      sgxEpcMisc: true,
      sgxEpcCapacityBytes: 128 * GIB,
    });
    assert.deepEqual(d.problems, []);
  });

  it('upstream kernel: SGX capable, misc controller without sgx_epc, says usage is unmeasured', async () => {
    const d = await discover('sgx-no-misc-epc');
    assert.equal(d.sgxCapable, true);
    assert.equal(d.cgroup.sgxEpcMisc, false);
    assert.equal(d.epc.totalBytes, 128 * GIB);
    assert.ok(d.notes.some((n) => n.includes('unmeasured')));
    assert.deepEqual(d.problems, []);
  });

  it('legacy isgx driver: EPC from the module parameter in pages', async () => {
    const d = await discover('sgx-legacy-isgx');
    assert.equal(d.driver, 'legacy-isgx');
    assert.deepEqual(d.cpu, { sgx: true, launchControl: false });
    assert.equal(d.devices.enclave, '/dev/isgx');
    assert.deepEqual(d.epc, { totalBytes: 23936 * 4096, source: 'isgx-module', numaNodes: [] });
    assert.equal(d.epc.totalBytes, 93.5 * MIB);
    assert.equal(d.cgroup.version, 'v2');
    assert.equal(d.cgroup.sgxEpcMisc, false);
    assert.deepEqual(d.problems, []);
  });

  it('hybrid cgroup host: finds the misc controller in the cgroup2 mount at /sys/fs/cgroup/unified', async () => {
    const d = await discover('sgx-hybrid-cgroup');
    assert.deepEqual(d.cgroup, {
      version: 'v2',
      miscRoot: '/sys/fs/cgroup/unified',
      sgxEpcMisc: true,
      sgxEpcCapacityBytes: 93.5 * MIB,
    });
    const usage = await new MiscCgroupUsageSource(
      new HostFs(fixture('sgx-hybrid-cgroup')),
      d.cgroup.miscRoot!,
    ).sample();
    assert.deepEqual([...usage.podBytes], [[POD_C, 4096]]);
  });

  it('a host without SGX is reported as such, not as an error', async () => {
    const d = await discover('no-sgx');
    assert.equal(d.sgxCapable, false);
    assert.equal(d.driver, 'none');
    assert.deepEqual(d.epc, { totalBytes: 0, source: 'none', numaNodes: [] });
    assert.equal(d.cgroup.sgxEpcMisc, false);
    assert.deepEqual(d.problems, []);
    assert.ok(d.notes.some((n) => n.includes('does not report the sgx flag')));
  });

  it('explains a CPU with SGX but no driver', async () => {
    const d = await discover('sgx-cpu-no-driver');
    assert.equal(d.sgxCapable, false);
    assert.ok(d.notes.some((n) => n.includes('no SGX device node')));
    assert.equal(d.cgroup.version, 'v2');
    assert.equal(d.cgroup.miscRoot, '/sys/fs/cgroup');
  });

  it('malformed files become problems naming file, reason and content; the rest is still used', async () => {
    const d = await discover('malformed');
    assert.equal(d.sgxCapable, true);
    assert.deepEqual(d.cpu, { sgx: undefined, launchControl: undefined });
    // node0 is unreadable garbage, node1 still counts
    assert.deepEqual(d.epc.numaNodes, [{ node: 1, bytes: 64 * GIB }]);
    const byFile = d.problems.map((p) => `${p.file}:${p.reason}`).sort();
    assert.deepEqual(byFile, ['cpuinfo:malformed', 'misc.capacity:malformed', 'sgx_total_bytes:malformed']);
    const sysfs = d.problems.find((p) => p.file === 'sgx_total_bytes');
    assert.equal(sysfs?.path, '/sys/devices/system/node/node0/x86/sgx_total_bytes');
    assert.match(sysfs?.detail ?? '', /lots of bytes/);
    const misc = d.problems.find((p) => p.file === 'misc.capacity');
    assert.match(misc?.detail ?? '', /line 2/);
    assert.equal(d.cgroup.sgxEpcCapacityBytes, 128 * GIB);
  });

  it('a missing host root is "no SGX", not a crash', async () => {
    const d = await discoverSgx(new HostFs('/nonexistent/host/root'));
    assert.equal(d.sgxCapable, false);
    assert.equal(d.cgroup.version, 'none');
    assert.deepEqual(
      d.problems.map((p) => `${p.file}:${p.reason}`),
      ['cpuinfo:missing'],
    );
  });

  it('an operator-given EPC size overrides what the kernel says, with a note', async () => {
    const d = await discover('sgx-legacy-isgx', 64 * MIB);
    assert.deepEqual(d.epc, { totalBytes: 64 * MIB, source: 'override', numaNodes: [] });
    assert.ok(d.notes.some((n) => n.includes('replaced')));
  });

  it('formats a readable summary', async () => {
    const text = formatDiscovery(await discover('sgx-legacy-isgx'));
    assert.match(text, /SGX capable: +yes/);
    assert.match(text, /EPC total: +98041856 B \(93\.50 MiB, 23936 pages\) from isgx-module/);
    assert.match(text, /per-pod usage: +unmeasured/);
  });
});
