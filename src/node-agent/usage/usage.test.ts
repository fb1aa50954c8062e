import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HostFs } from '../host/host-fs.js';
import { fixture, MIB, POD_A, POD_B, POD_C, POD_D } from '../test-support.js';
import { MiscCgroupUsageSource } from './misc-cgroup-source.js';
import { UnmeasuredUsageSource } from './usage-source.js';

describe('MiscCgroupUsageSource', () => {
  for (const tree of ['sgx-misc-systemd', 'sgx-misc-cgroupfs']) {
    it(`reads each pod's misc.current sgx_epc (${tree})`, async () => {
      const s = await new MiscCgroupUsageSource(new HostFs(fixture(tree)), '/sys/fs/cgroup').sample();
      assert.equal(s.measured, true);
      assert.deepEqual(s.problems, []);
      assert.equal(s.podBytes.get(POD_A), 8 * MIB);
      assert.equal(s.podBytes.get(POD_B), 40 * MIB);
      assert.equal(s.podBytes.get(POD_C), 0);
      assert.equal(s.podBytes.get(POD_D), tree === 'sgx-misc-systemd' ? 4096 : undefined);
    });
  }

  it('malformed and missing misc.current: problems with path and text; other pods still read', async () => {
    const s = await new MiscCgroupUsageSource(new HostFs(fixture('malformed')), '/sys/fs/cgroup').sample();
    assert.deepEqual([...s.podBytes], [[POD_C, 4096]]);
    const problems = s.problems.map((p) => ({
      file: p.file,
      reason: p.reason,
      uid: /pod([0-9a-f_]+)\.slice/.exec(p.path)?.[1],
    }));
    assert.deepEqual(problems, [
      { file: 'misc.current', reason: 'missing', uid: POD_B.replaceAll('-', '_') },
      { file: 'misc.current', reason: 'malformed', uid: POD_A.replaceAll('-', '_') },
    ]);
    assert.match(s.problems[1]?.detail ?? '', /sgx_epc eight/);
    assert.match(s.problems[0]?.detail ?? '', /subtree_control/);
  });
});

describe('UnmeasuredUsageSource', () => {
  it('says unmeasured, with no numbers and no problems', async () => {
    assert.deepEqual(await new UnmeasuredUsageSource().sample(), {
      measured: false,
      podBytes: new Map(),
      problems: [],
    });
  });
});
