import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HostFs } from '../host/host-fs.js';
import { fixture, POD_A, POD_B, POD_C, POD_D } from '../test-support.js';
import { podUidFromCgroupName, scanPodCgroups } from './pod-cgroups.js';

describe('podUidFromCgroupName', () => {
  it('decodes the systemd names of every QoS class (underscores back to dashes)', () => {
    assert.equal(
      podUidFromCgroupName(`kubepods-burstable-pod${POD_A.replaceAll('-', '_')}.slice`, 'systemd'),
      POD_A,
    );
    assert.equal(
      podUidFromCgroupName(`kubepods-besteffort-pod${POD_C.replaceAll('-', '_')}.slice`, 'systemd'),
      POD_C,
    );
    assert.equal(podUidFromCgroupName(`kubepods-pod${POD_B.replaceAll('-', '_')}.slice`, 'systemd'), POD_B);
  });
  it('decodes cgroupfs names, and static-pod hash UIDs', () => {
    assert.equal(podUidFromCgroupName(`pod${POD_A}`, 'cgroupfs'), POD_A);
    assert.equal(
      podUidFromCgroupName('podd41d8cd98f00b204e9800998ecf8427e', 'cgroupfs'),
      'd41d8cd98f00b204e9800998ecf8427e',
    );
  });
  it('ignores QoS directories, container scopes and the other driver', () => {
    for (const name of [
      'kubepods-burstable.slice',
      'cri-containerd-0a1b.scope',
      'burstable',
      'pod',
      'podxyz!',
    ]) {
      assert.equal(podUidFromCgroupName(name, 'systemd'), undefined, name);
      assert.equal(podUidFromCgroupName(name, 'cgroupfs'), undefined, name);
    }
    assert.equal(podUidFromCgroupName(`pod${POD_A}`, 'systemd'), undefined);
  });
});

describe('scanPodCgroups', () => {
  it('finds the pods of the systemd layout with their QoS class', async () => {
    const scan = await scanPodCgroups(new HostFs(fixture('sgx-misc-systemd')), '/sys/fs/cgroup');
    assert.equal(scan.driver, 'systemd');
    assert.deepEqual(
      scan.pods.map((p) => [p.uid, p.qos]),
      [
        [POD_B, 'Guaranteed'],
        [POD_A, 'Burstable'],
        [POD_C, 'BestEffort'],
        [POD_D, 'BestEffort'],
      ],
    );
    assert.equal(
      scan.pods[0]?.path,
      `/sys/fs/cgroup/kubepods.slice/kubepods-pod${POD_B.replaceAll('-', '_')}.slice`,
    );
  });
  it('finds the pods of the cgroupfs layout', async () => {
    const scan = await scanPodCgroups(new HostFs(fixture('sgx-misc-cgroupfs')), '/sys/fs/cgroup');
    assert.equal(scan.driver, 'cgroupfs');
    assert.deepEqual(
      scan.pods.map((p) => [p.uid, p.qos, p.path]),
      [
        [POD_B, 'Guaranteed', `/sys/fs/cgroup/kubepods/pod${POD_B}`],
        [POD_A, 'Burstable', `/sys/fs/cgroup/kubepods/burstable/pod${POD_A}`],
        [POD_C, 'BestEffort', `/sys/fs/cgroup/kubepods/besteffort/pod${POD_C}`],
      ],
    );
  });
  it('a forced driver that does not match finds nothing; no kubepods hierarchy is not an error', async () => {
    const host = new HostFs(fixture('sgx-misc-cgroupfs'));
    assert.deepEqual(await scanPodCgroups(host, '/sys/fs/cgroup', 'systemd'), {
      pods: [],
      driver: undefined,
      problems: [],
    });
    const none = await scanPodCgroups(new HostFs(fixture('no-sgx')), '/sys/fs/cgroup');
    assert.deepEqual(none, { pods: [], driver: undefined, problems: [] });
  });
});
