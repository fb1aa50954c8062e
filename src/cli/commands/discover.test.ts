// `sgx-orchestrator discover` on fixture host trees, through the real entry point.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoPath } from '../../testing/paths.js';
import { makeTempDir } from '../../testing/temp-dir.js';

function discover(...args: string[]) {
  const r = spawnSync(process.execPath, [repoPath('bin/sgx-orchestrator.js'), 'discover', ...args], {
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tree = (name: string): string => repoPath('src/node-agent/fixtures', name);

describe('sgx-orchestrator discover', () => {
  it('prints a readable summary', () => {
    const r = discover('--host-root', tree('sgx-misc-systemd'));
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /SGX capable: +yes/);
    assert.match(r.stdout, /EPC total: +137438953472 B \(128 GiB\) from sysfs/);
    assert.match(r.stdout, /misc cgroup: +cgroup v2 at \/sys\/fs\/cgroup/);
    assert.match(r.stdout, /per-pod usage: +measured/);
  });

  it('prints JSON with every field, unknowns as null', () => {
    const r = discover('--host-root', tree('malformed'), '--json');
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as {
      cpu: { sgx: unknown };
      problems: { file: string }[];
      sgxCapable: boolean;
    };
    assert.equal(j.cpu.sgx, null);
    assert.equal(j.sgxCapable, true);
    assert.deepEqual(j.problems.map((p) => p.file).sort(), ['cpuinfo', 'misc.capacity', 'sgx_total_bytes']);
  });

  it('a host without SGX exits 0; a bad option or size exits 2 with help', () => {
    assert.equal(discover('--host-root', tree('no-sgx')).status, 0);
    const bad = discover('--frobnicate');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /Usage: sgx-orchestrator discover/);
    const size = discover('--epc-bytes', 'lots');
    assert.equal(size.status, 2);
    assert.match(size.stderr, /expected a positive byte quantity/);
    const override = discover('--host-root', tree('sgx-cpu-no-driver'), '--epc-bytes', '93.5Mi', '--json');
    assert.equal((JSON.parse(override.stdout) as { epc: { totalBytes: number } }).epc.totalBytes, 98041856);
  });

  it('a --host-root that is missing, or is no host tree (no proc), exits 3 naming it', () => {
    const work = makeTempDir('discover-host-root-');
    const missing = join(work, 'nonexistent');
    const r = discover('--host-root', missing);
    assert.equal(r.status, 3, r.stderr);
    assert.equal(r.stdout, '');
    assert.ok(
      r.stderr.includes(
        `sgx-orchestrator discover: --host-root ${missing}: no such directory; give the directory where the host's /proc, /sys and /dev are mounted`,
      ),
      r.stderr,
    );
    const empty = join(work, 'empty');
    mkdirSync(empty);
    mkdirSync(join(empty, 'sys'));
    const e = discover('--host-root', empty);
    assert.equal(e.status, 3, e.stderr);
    assert.ok(
      e.stderr.includes(`--host-root ${empty}: has no proc directory, so it is not a host tree`),
      e.stderr,
    );
  });
});
