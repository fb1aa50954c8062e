// One suite run against every UsageSource and every LimitEnforcer, on every fixture host tree (and
// on a host root that does not exist): whatever the host holds, they answer with data, never throw,
// and keep their contracts.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { MiscMaxLimitEnforcer, NoopLimitEnforcer, type LimitEnforcer } from './enforcement/limit-enforcer.js';
import { HostFs } from './host/host-fs.js';
import type { Problem } from './host/problems.js';
import { copyFixture, fixture } from './test-support.js';
import { MiscCgroupUsageSource } from './usage/misc-cgroup-source.js';
import { UnmeasuredUsageSource, type UsageSource } from './usage/usage-source.js';

const trees = (await readdir(fixture(''), { withFileTypes: true }))
  .filter((e) => e.isDirectory())
  .map((e) => e.name);
const ROOTS = ['/sys/fs/cgroup', '/sys/fs/cgroup/unified'];

function checkProblems(problems: readonly Problem[]): void {
  for (const p of problems) {
    assert.ok(p.file.length > 0 && p.path.startsWith('/') && p.detail.length > 0, JSON.stringify(p));
    assert.ok(['missing', 'malformed', 'unreadable'].includes(p.reason));
  }
}

const sources: [string, (host: HostFs, root: string) => UsageSource][] = [
  ['UnmeasuredUsageSource', () => new UnmeasuredUsageSource()],
  ['MiscCgroupUsageSource', (host, root) => new MiscCgroupUsageSource(host, root)],
];

const enforcers: [string, (host: HostFs, root: string) => LimitEnforcer][] = [
  ['NoopLimitEnforcer', () => new NoopLimitEnforcer('unsupported')],
  ['MiscMaxLimitEnforcer', (host, root) => new MiscMaxLimitEnforcer(host, root)],
];

for (const [name, make] of sources) {
  describe(`UsageSource conformance: ${name}`, () => {
    it('answers on every fixture tree and on a missing root: safe byte counts, located problems', async () => {
      for (const tree of [...trees, '../no-such-tree']) {
        for (const root of ROOTS) {
          const s = await make(new HostFs(fixture(tree)), root).sample();
          for (const [uid, bytes] of s.podBytes) {
            assert.ok(uid.length > 0);
            assert.ok(Number.isSafeInteger(bytes) && bytes >= 0, `${tree}: ${uid} ${bytes}`);
          }
          if (!s.measured) assert.equal(s.podBytes.size, 0, 'unmeasured means no numbers');
          checkProblems(s.problems);
        }
      }
    });
  });
}

for (const [name, make] of enforcers) {
  describe(`LimitEnforcer conformance: ${name}`, () => {
    it('never throws, writes nothing for an empty map, and a second pass writes nothing', async () => {
      for (const tree of trees) {
        const t = await copyFixture(tree);
        try {
          const host = new HostFs(t.root);
          for (const root of ROOTS) {
            const e = make(host, root);
            const none = await e.reconcile(new Map());
            assert.deepEqual(none.writes, { success: 0, error: 0 });
            const everyone = new Map((await new MiscCgroupUsageSource(host, root).sample()).podBytes);
            const limits = new Map([...everyone.keys()].map((uid) => [uid, 1024 * 1024] as const));
            const first = await e.reconcile(limits);
            checkProblems(first.problems);
            for (const uid of first.enforced) assert.ok(limits.has(uid));
            const second = await e.reconcile(limits);
            assert.equal(second.writes.success, 0, `${name} on ${tree}: idempotent`);
            assert.deepEqual([...second.enforced].sort(), [...first.enforced].sort());
          }
        } finally {
          await t.dispose();
        }
      }
    });
  });
}
