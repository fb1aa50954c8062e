import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildProfile, ClusterSnapshot, parseProfileConfig } from '../../core/index.js';
import type { ProfileConfig } from '../../core/index.js';
import { makeNode, makePod, measured } from '../../testing/builders.js';
import { ConversionError } from './convert.js';
import { CoreDecider, NOT_IN_CACHE } from './decider.js';
import { parseExtenderArgs } from './wire.js';
import type { JsonObject } from './wire.js';

function profile(input: Record<string, unknown>): ReturnType<typeof buildProfile> {
  const r = parseProfileConfig(input);
  assert.ok(r.ok);
  return buildProfile(r.value as ProfileConfig);
}

/** A pod as kube-scheduler sends it: plain JSON, nil slices as null. */
function podJson(name: string, epc?: string, uid = `uid-${name}`): JsonObject {
  const resources =
    epc === undefined ? {} : { requests: { 'sgx.intel.com/epc': epc }, limits: { 'sgx.intel.com/epc': epc } };
  return {
    metadata: { name, namespace: 'default', uid },
    spec: { containers: [{ name: 'c', resources }], initContainers: null },
    status: {},
  };
}

function cluster(): ClusterSnapshot {
  const s = new ClusterSnapshot([
    makeNode('sgx-a').sgx('93.5Mi').build(),
    makeNode('sgx-b').sgx('93.5Mi').build(),
    makeNode('std-1').build(),
  ]);
  // sgx-a already runs a 64 MiB enclave; sgx-b measures 10 MiB in use.
  s.assume(makePod('busy').epc('64Mi').build(), 'sgx-a');
  s.setMeasured('sgx-b', measured('10Mi', 0, 1_000));
  return s;
}

test('filter: no SGX is unresolvable, not enough free EPC is resolvable, unknown nodes wait for the cache', () => {
  const d = new CoreDecider({
    snapshot: cluster(),
    profile: profile({ policy: 'spread' }),
    convert: { epcResource: 'sgx.intel.com/epc' },
    now: () => 2_000,
    seed: 1,
  });
  const out = d.filter({ pod: podJson('p', '40Mi'), nodeNames: ['sgx-a', 'sgx-b', 'std-1', 'new-node'] });
  assert.deepEqual(out.passed, ['sgx-b']);
  assert.deepEqual([...out.unresolvable.keys()], ['std-1']);
  assert.match(out.unresolvable.get('std-1')!, /SGX/i);
  assert.deepEqual([...out.failed.keys()].sort(), ['new-node', 'sgx-a']);
  assert.match(out.failed.get('sgx-a')!, /EPC/);
  assert.equal(out.failed.get('new-node'), NOT_IN_CACHE);
});

test('full NodeList mode: the request node objects are what gets decided on', () => {
  const snapshot = new ClusterSnapshot([]);
  const d = new CoreDecider({
    snapshot,
    profile: profile({ policy: 'binpack' }),
    convert: { epcResource: 'sgx.intel.com/epc' },
    now: () => 0,
    seed: 1,
  });
  const node = (name: string, epc?: string): JsonObject => ({
    metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    spec: {},
    status: {
      capacity: {
        cpu: '8',
        memory: '32Gi',
        pods: '110',
        ...(epc === undefined ? {} : { 'sgx.intel.com/epc': epc }),
      },
      allocatable: {
        cpu: '8',
        memory: '32Gi',
        pods: '110',
        ...(epc === undefined ? {} : { 'sgx.intel.com/epc': epc }),
      },
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    },
  });
  const nodes = [node('n1', '98041856'), node('n2'), node('n3', '32Mi')];
  const out = d.filter({ pod: podJson('p', '40Mi'), nodes });
  assert.deepEqual(out.passed, ['n1']);
  assert.ok(out.unresolvable.has('n2'));
  assert.ok(out.failed.has('n3'));
  assert.equal(snapshot.size, 3);
  // With a cache owning the node set, a node first seen in a request waits for the cache.
  const owned = new ClusterSnapshot([makeNode('n1').sgx('93.5Mi').build()]);
  const cached = new CoreDecider({
    snapshot: owned,
    profile: profile({ policy: 'binpack' }),
    convert: { epcResource: 'sgx.intel.com/epc' },
    now: () => 0,
    seed: 1,
    acceptNewNodes: false,
  });
  const out2 = cached.filter({ pod: podJson('p', '40Mi'), nodes });
  assert.deepEqual(out2.passed, ['n1']);
  assert.equal(out2.failed.get('n3'), NOT_IN_CACHE);
  assert.equal(owned.size, 1);
});

test('prioritize: the node the profile would choose gets 10, every score stays in 0..10', () => {
  const snapshot = cluster();
  const spread = new CoreDecider({
    snapshot,
    profile: profile({ policy: 'spread' }),
    convert: { epcResource: 'sgx.intel.com/epc' },
    now: () => 2_000,
    seed: 7,
  });
  const scores = spread.prioritize({
    pod: podJson('p', '8Mi'),
    nodeNames: ['ghost', 'sgx-a', 'sgx-b', 'std-1'],
  });
  assert.deepEqual(
    scores.map((s) => s.Host),
    ['ghost', 'sgx-a', 'sgx-b', 'std-1'],
  );
  for (const s of scores)
    assert.ok(Number.isInteger(s.Score) && s.Score >= 0 && s.Score <= 10, JSON.stringify(s));
  // Spread: sgx-b has the least EPC in use (10 MiB measured against 64 MiB requested on sgx-a).
  assert.equal(scores.find((s) => s.Score === 10)?.Host, 'sgx-b');
  assert.equal(scores.filter((s) => s.Score === 10).length, 1);
  assert.equal(scores.find((s) => s.Host === 'std-1')?.Score, 0);
  assert.equal(scores.find((s) => s.Host === 'ghost')?.Score, 0);
});

test('same pod, cluster and seed: the same answer; a standard pod prefers a standard node', () => {
  const mk = (): CoreDecider =>
    new CoreDecider({
      snapshot: cluster(),
      profile: profile({ policy: 'spread' }),
      convert: { epcResource: 'sgx.intel.com/epc' },
      now: () => 2_000,
      seed: 3,
    });
  const args = { pod: podJson('web'), nodeNames: ['sgx-a', 'sgx-b', 'std-1'] };
  assert.deepEqual(mk().prioritize(args), mk().prioritize(args));
  const top = mk()
    .prioritize(args)
    .find((s) => s.Score === 10);
  assert.equal(top?.Host, 'std-1');
});

test('a pod with an unreadable quantity is an error naming the field', () => {
  const d = new CoreDecider({
    snapshot: cluster(),
    profile: profile({ policy: 'spread' }),
    convert: { epcResource: 'sgx.intel.com/epc' },
    now: () => 0,
    seed: 1,
  });
  assert.throws(
    () => d.filter({ pod: podJson('p', '40 MiB'), nodeNames: ['sgx-a'] }),
    /Pod\.spec\.containers\[0\]\.resources\.requests\["sgx\.intel\.com\/epc"\]: invalid quantity "40 MiB"/,
  );
});

test('any pod that passes wire validation is decided on or refused with a ConversionError (fuzzed)', () => {
  const d = new CoreDecider({
    snapshot: cluster(),
    profile: profile({ policy: 'spread' }),
    convert: { epcResource: 'sgx.intel.com/epc' },
    now: () => 0,
    seed: 1,
  });
  const quantity = fc.oneof(
    fc.constantFrom('1', '100m', '64Mi', '93.5Mi', '1e3', '-1', ''),
    fc.string(),
    fc.integer(),
    fc.jsonValue(),
  );
  const resources = fc.dictionary(
    fc.constantFrom('cpu', 'memory', 'sgx.intel.com/epc', 'intel.com/sgx', 'x'),
    quantity,
  );
  const container = fc.record(
    {
      name: fc.string(),
      resources: fc.oneof(
        fc.record({ requests: resources, limits: resources }, { requiredKeys: [] }),
        fc.jsonValue(),
      ),
    },
    { requiredKeys: [] },
  );
  const podArb = fc.record({
    metadata: fc.record({ name: fc.string({ minLength: 1 }), uid: fc.string() }),
    spec: fc.record(
      {
        containers: fc.array(container),
        initContainers: fc.oneof(fc.constant(null), fc.array(container)),
        nodeSelector: fc.oneof(fc.dictionary(fc.string(), fc.string()), fc.jsonValue()),
        tolerations: fc.oneof(fc.array(fc.jsonValue()), fc.jsonValue()),
        priority: fc.jsonValue(),
      },
      { requiredKeys: [] },
    ),
  });
  fc.assert(
    fc.property(podArb, (pod) => {
      const parsed = parseExtenderArgs({ Pod: pod, NodeNames: ['sgx-a', 'sgx-b', 'std-1'] });
      if (!parsed.ok) return;
      try {
        const out = d.filter(parsed.value);
        assert.equal(out.passed.length + out.failed.size + out.unresolvable.size, 3);
        for (const s of d.prioritize(parsed.value)) assert.ok(s.Score >= 0 && s.Score <= 10);
      } catch (err) {
        assert.ok(err instanceof ConversionError, String(err));
      }
    }),
    { numRuns: 1000, seed: 7 },
  );
});
