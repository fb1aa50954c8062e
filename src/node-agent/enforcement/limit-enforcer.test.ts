import assert from 'node:assert/strict';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { HostFs } from '../host/host-fs.js';
import { copyFixture, MIB, POD_A, POD_B, POD_C, POD_D, readHostFile } from '../test-support.js';
import { MiscMaxLimitEnforcer, NoopLimitEnforcer, pageAlignedLimit } from './limit-enforcer.js';

const systemdPath = (qos: string, uid: string, file: string): string =>
  `/sys/fs/cgroup/kubepods.slice/${qos === '' ? '' : `kubepods-${qos}.slice/`}kubepods-${qos === '' ? '' : `${qos}-`}pod${uid.replaceAll('-', '_')}.slice/${file}`;

describe('MiscMaxLimitEnforcer', () => {
  it('writes sgx_epc limits into misc.max, leaves unknown pods alone, and does not rewrite', async () => {
    const t = await copyFixture('sgx-misc-systemd');
    try {
      const e = new MiscMaxLimitEnforcer(new HostFs(t.root), '/sys/fs/cgroup');
      const limits = new Map([
        [POD_A, 64 * MIB],
        [POD_B, 32 * MIB],
        [POD_C, 0],
      ] as const);
      const first = await e.reconcile(limits);
      assert.equal(first.state, 'enforcing');
      assert.deepEqual(first.writes, { success: 3, error: 0 });
      assert.deepEqual([...first.enforced].sort(), [POD_A, POD_B, POD_C].sort());
      assert.equal(
        await readHostFile(t.root, systemdPath('burstable', POD_A, 'misc.max')),
        `sgx_epc ${64 * MIB}\n`,
      );
      assert.equal(await readHostFile(t.root, systemdPath('', POD_B, 'misc.max')), `sgx_epc ${32 * MIB}\n`);
      assert.equal(await readHostFile(t.root, systemdPath('besteffort', POD_C, 'misc.max')), 'sgx_epc 0\n');
      // the pod the API does not know keeps its limit
      assert.equal(await readHostFile(t.root, systemdPath('besteffort', POD_D, 'misc.max')), 'sgx_epc max\n');

      const second = await e.reconcile(limits);
      assert.deepEqual(second.writes, { success: 0, error: 0 });
      assert.equal(second.enforced.size, 3);

      const lifted = await e.reconcile(new Map([[POD_C, 'max' as const]]));
      assert.deepEqual(lifted.writes, { success: 1, error: 0 });
      assert.equal(await readHostFile(t.root, systemdPath('besteffort', POD_C, 'misc.max')), 'sgx_epc max\n');
    } finally {
      await t.dispose();
    }
  });

  it('cgroupfs layout: a limit already in place is not rewritten', async () => {
    const t = await copyFixture('sgx-misc-cgroupfs');
    try {
      const r = await new MiscMaxLimitEnforcer(new HostFs(t.root), '/sys/fs/cgroup').reconcile(
        new Map([
          [POD_A, 10 * MIB + 1],
          [POD_B, 32 * MIB],
        ]),
      );
      assert.deepEqual(r.writes, { success: 1, error: 0 });
      // rounded up to whole pages: the kernel would round down
      assert.equal(
        await readHostFile(t.root, `/sys/fs/cgroup/kubepods/burstable/pod${POD_A}/misc.max`),
        `sgx_epc ${10 * MIB + 4096}\n`,
      );
    } finally {
      await t.dispose();
    }
  });

  it('malformed or missing misc.max: rewrites what it can, reports the rest, state degraded', async () => {
    const t = await copyFixture('malformed');
    try {
      const r = await new MiscMaxLimitEnforcer(new HostFs(t.root), '/sys/fs/cgroup').reconcile(
        new Map([
          [POD_A, MIB],
          [POD_B, MIB],
          [POD_C, MIB],
        ]),
      );
      assert.equal(r.state, 'degraded');
      assert.deepEqual([...r.enforced].sort(), [POD_A, POD_C].sort());
      assert.deepEqual(r.writes, { success: 2, error: 0 });
      assert.deepEqual(
        r.problems.map((p) => `${p.file}:${p.reason}`),
        ['misc.max:missing', 'misc.max:malformed'],
      );
      assert.equal(
        await readHostFile(t.root, systemdPath('besteffort', POD_C, 'misc.max')),
        `sgx_epc ${MIB}\n`,
      );
    } finally {
      await t.dispose();
    }
  });

  it('a write that fails is an error, not a crash', async () => {
    const t = await copyFixture('sgx-misc-cgroupfs');
    try {
      // A misc.max that cannot be read nor written (a directory: fails even for root).
      const path = join(t.root, `/sys/fs/cgroup/kubepods/burstable/pod${POD_A}/misc.max`);
      await rm(path);
      await mkdir(path);
      const r = await new MiscMaxLimitEnforcer(new HostFs(t.root), '/sys/fs/cgroup').reconcile(
        new Map([[POD_A, MIB]]),
      );
      assert.equal(r.state, 'degraded');
      assert.deepEqual(r.writes, { success: 0, error: 1 });
    } finally {
      await t.dispose();
    }
  });
});

describe('NoopLimitEnforcer and pageAlignedLimit', () => {
  it('reports its state without touching anything', async () => {
    const r = await new NoopLimitEnforcer('unsupported').reconcile();
    assert.equal(r.state, 'unsupported');
    assert.equal(r.enforced.size, 0);
  });
  it('rounds up to pages', () => {
    assert.equal(pageAlignedLimit(1), 4096);
    assert.equal(pageAlignedLimit(8192), 8192);
    assert.equal(pageAlignedLimit(0), 0);
    assert.equal(pageAlignedLimit('max'), 'max');
  });
});
