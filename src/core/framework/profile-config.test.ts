import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildProfile,
  feasibleNodesToFind,
  formatConfigIssues,
  MIN_FEASIBLE_NODES_TO_FIND,
  parseProfileConfig,
} from '../index.js';
import type { NodeSampling } from '../index.js';

test('only the policy is required; the rest has the documented defaults', () => {
  const r = parseProfileConfig({ policy: 'binpack' });
  assert.ok(r.ok);
  assert.deepEqual(r.value, {
    name: 'binpack',
    policy: 'binpack',
    usage: 'measured',
    tolerance: 1,
    keepStandardPodsOffSgx: true,
    resources: [
      { resource: 'cpu', weight: 1 },
      { resource: 'memory', weight: 1 },
    ],
    shape: [
      { utilization: 0, score: 0 },
      { utilization: 100, score: 10 },
    ],
  });
});

test('the sgx-unaware baseline counts requests and lets standard pods anywhere by default', () => {
  const r = parseProfileConfig({ policy: 'sgx-unaware' });
  assert.ok(r.ok);
  assert.equal(r.value.usage, 'requests');
  assert.equal(r.value.keepStandardPodsOffSgx, false);
  const bad = parseProfileConfig({ policy: 'sgx-unaware', usage: 'measured' });
  assert.ok(!bad.ok);
  assert.equal(bad.issues[0]?.path, 'usage');
});

test('the paper offline setting: spread with tolerance 0.8 and a staleness bound', () => {
  const r = parseProfileConfig({ policy: 'spread', tolerance: 0.8, measuredMaxAge: 25_000, name: 'paper' });
  assert.ok(r.ok);
  assert.equal(r.value.tolerance, 0.8);
  assert.equal(r.value.measuredMaxAge, 25_000);
  assert.equal(r.value.name, 'paper');
});

test('a kube weight of 0 becomes 1, as kube-scheduler does', () => {
  const r = parseProfileConfig({ policy: 'most-allocated', resources: [{ resource: 'epc', weight: 0 }] });
  assert.ok(r.ok);
  assert.deepEqual(r.value.resources, [{ resource: 'epc', weight: 1 }]);
});

test('every problem is reported with its path, not just the first', () => {
  const r = parseProfileConfig({
    policy: 'bin-pack',
    tolerance: 0,
    usage: 'guess',
    measuredMaxAge: -1,
    keepStandardPodsOffSgx: 'yes',
    resources: [{ resource: 'gpu' }, { resource: 'epc', weight: 101 }, 'cpu'],
    shape: [
      { utilization: 50, score: 5 },
      { utilization: 40, score: 5 },
    ],
    tolerence: 1,
  });
  assert.ok(!r.ok);
  const paths = r.issues.map((i) => i.path);
  assert.deepEqual(paths.sort(), [
    'keepStandardPodsOffSgx',
    'measuredMaxAge',
    'policy',
    'resources[0].resource',
    'resources[1].weight',
    'resources[2]',
    'shape[1].utilization',
    'tolerance',
    'tolerence',
    'usage',
  ]);
  const text = formatConfigIssues(r.issues);
  assert.match(text, /policy: expected one of binpack, spread, .*got "bin-pack"/);
  assert.match(text, /tolerence: unknown field/);
});

test('not an object at all', () => {
  const r = parseProfileConfig('binpack');
  assert.ok(!r.ok);
  assert.match(r.issues[0]!.message, /expected an object, got "binpack"/);
});

test('percentageOfNodesToScore: an integer 0..100, for the scored policies only', () => {
  const ok = parseProfileConfig({ policy: 'sgx-unaware', percentageOfNodesToScore: 0 });
  assert.ok(ok.ok);
  assert.equal(ok.value.percentageOfNodesToScore, 0);
  assert.equal(buildProfile(ok.value).sampling?.percentage, 0);
  const plain = parseProfileConfig({ policy: 'least-allocated' });
  assert.ok(plain.ok);
  assert.equal('percentageOfNodesToScore' in plain.value, false);
  assert.equal(buildProfile(plain.value).sampling, undefined);
  for (const bad of [101, -1, 2.5, '10']) {
    const r = parseProfileConfig({ policy: 'least-allocated', percentageOfNodesToScore: bad });
    assert.ok(!r.ok);
    assert.match(formatConfigIssues(r.issues), /percentageOfNodesToScore: expected an integer 0\.\.100/);
  }
  const indexed = parseProfileConfig({ policy: 'binpack', percentageOfNodesToScore: 10 });
  assert.ok(!indexed.ok);
  assert.match(
    formatConfigIssues(indexed.issues),
    /applies to the policies that score .*binpack selects through/,
  );
});

test("feasibleNodesToFind is kube-scheduler's numFeasibleNodesToFind", () => {
  const kube = (percentage: number): NodeSampling => ({ percentage, minNodes: MIN_FEASIBLE_NODES_TO_FIND });
  assert.equal(feasibleNodesToFind(undefined, 12_583), 12_583);
  assert.equal(feasibleNodesToFind(kube(0), 99), 99); // below 100 nodes: all
  assert.equal(feasibleNodesToFind(kube(0), 150), 100); // 49 % of 150 = 73, at least 100
  assert.equal(feasibleNodesToFind(kube(0), 5000), 500); // 50 - 40 = 10 %
  assert.equal(feasibleNodesToFind(kube(0), 12_583), 629); // 50 - 100 < 5: 5 %
  assert.equal(feasibleNodesToFind(kube(30), 1000), 300);
  assert.equal(feasibleNodesToFind(kube(1), 1000), 100);
  assert.equal(feasibleNodesToFind(kube(100), 1000), 1000);
});
