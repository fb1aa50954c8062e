import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  bindingResultJson,
  filterErrorJson,
  filterResultJson,
  parseBindingArgs,
  parseExtenderArgs,
  priorityListJson,
  toExtenderScore,
} from './wire.js';

// Fixtures: the exact JSON of kube-scheduler's extender/v1 types_test.go expectations.

test('ExtenderBindingArgs: the upstream JSON parses field by field', () => {
  const r = parseBindingArgs(
    JSON.parse('{"PodName":"mypodname","PodNamespace":"mypodnamespace","PodUID":"mypoduid","Node":"mynode"}'),
  );
  assert.deepEqual(r, {
    ok: true,
    value: { podName: 'mypodname', podNamespace: 'mypodnamespace', podUID: 'mypoduid', node: 'mynode' },
  });
});

test('ExtenderBindingResult and HostPriority serialise exactly as Go does', () => {
  assert.equal(bindingResultJson('myerror'), '{"Error":"myerror"}');
  assert.equal(priorityListJson([{ Host: 'myhost', Score: 1 }]), '[{"Host":"myhost","Score":1}]');
});

test('ExtenderArgs: the upstream JSON with a nil containers slice and both node forms', () => {
  const text =
    '{"Pod":{"metadata":{"name":"podname"},"spec":{"containers":null},"status":{}},' +
    '"Nodes":{"metadata":{},"items":[{"metadata":{"name":"nodename"},"spec":{},"status":{"daemonEndpoints":{"kubeletEndpoint":{"Port":0}}}}]},' +
    '"NodeNames":["node1"]}';
  const r = parseExtenderArgs(JSON.parse(text));
  assert.ok(r.ok, r.ok ? '' : r.error);
  // Both forms sent: the names win, and the answer will be in names.
  assert.deepEqual(r.value.nodeNames, ['node1']);
  assert.equal(r.value.nodes, undefined);
});

test('keys match case-insensitively, like Go (upstream TestCompatibility lowercases everything)', () => {
  const r = parseExtenderArgs({ pod: { metadata: { name: 'p' } }, nodenames: ['a', 'b'] });
  assert.ok(r.ok);
  assert.deepEqual(r.value.nodeNames, ['a', 'b']);
  const b = parseBindingArgs({ podname: 'p', podnamespace: 'ns', poduid: 'u', node: 'n' });
  assert.ok(b.ok);
  assert.equal(b.value.node, 'n');
});

test('filter result in NodeNames mode: Go field order, nil Nodes as null, maps as objects', () => {
  const args = { pod: { metadata: { name: 'p' } }, nodeNames: ['a', 'b', 'c'] };
  const json = filterResultJson(args, {
    passed: ['a'],
    failed: new Map([['b', 'insufficient EPC']]),
    unresolvable: new Map([['c', 'no SGX']]),
  });
  assert.equal(
    json,
    '{"Nodes":null,"NodeNames":["a"],"FailedNodes":{"b":"insufficient EPC"},' +
      '"FailedAndUnresolvableNodes":{"c":"no SGX"},"Error":""}',
  );
});

test('filter result in NodeList mode echoes the request node objects untouched', () => {
  const nodeA = {
    metadata: { name: 'a', labels: { x: 'y' } },
    status: { daemonEndpoints: { kubeletEndpoint: { Port: 10250 } } },
  };
  const nodeB = { metadata: { name: 'b' } };
  const json = filterResultJson(
    { pod: { metadata: { name: 'p' } }, nodes: [nodeA, nodeB] },
    { passed: ['a'], failed: new Map([['b', 'x']]), unresolvable: new Map() },
  );
  const parsed = JSON.parse(json) as Record<string, unknown>;
  assert.deepEqual(parsed['Nodes'], { metadata: {}, items: [nodeA] });
  assert.equal(parsed['NodeNames'], null);
  assert.deepEqual(parsed['FailedAndUnresolvableNodes'], {});
});

test('an error-only filter result nils every list, as an empty Go struct with Error set', () => {
  assert.equal(
    filterErrorJson('boom'),
    '{"Nodes":null,"NodeNames":null,"FailedNodes":null,"FailedAndUnresolvableNodes":null,"Error":"boom"}',
  );
});

test('malformed arguments are refused with a message naming the field', () => {
  const cases: [unknown, RegExp][] = [
    [[], /ExtenderArgs: expected a JSON object, got an array/],
    [{ NodeNames: ['a'] }, /Pod: expected a Pod object, got nothing/],
    [{ Pod: { metadata: {} }, NodeNames: ['a'] }, /Pod\.metadata\.name/],
    [
      { Pod: { metadata: { name: 'p' }, spec: { containers: {} } }, NodeNames: [] },
      /Pod\.spec\.containers: expected an array/,
    ],
    [{ Pod: { metadata: { name: 'p' } } }, /neither NodeNames .* nor Nodes/],
    [{ Pod: { metadata: { name: 'p' } }, NodeNames: 'a' }, /NodeNames: expected an array of strings/],
    [{ Pod: { metadata: { name: 'p' } }, NodeNames: ['a', 7] }, /NodeNames\[1\]/],
    [{ Pod: { metadata: { name: 'p' } }, NodeNames: ['a', 'a'] }, /listed twice/],
    [
      { Pod: { metadata: { name: 'p' } }, Nodes: { items: [{ metadata: {} }] } },
      /Nodes\.items\[0\]\.metadata\.name/,
    ],
    [{ Pod: { metadata: { name: 'p' } }, Nodes: { items: 3 } }, /Nodes\.items: expected an array/],
  ];
  for (const [body, pattern] of cases) {
    const r = parseExtenderArgs(body);
    assert.equal(r.ok, false, JSON.stringify(body));
    if (!r.ok) assert.match(r.error, pattern);
  }
  const b = parseBindingArgs({ PodName: 'p', PodNamespace: 'ns', PodUID: 'u' });
  assert.equal(b.ok, false);
  if (!b.ok) assert.match(b.error, /ExtenderBindingArgs\.Node: expected a non-empty string/);
});

test('a nil NodeList items slice is an empty candidate list, not an error', () => {
  const r = parseExtenderArgs({ Pod: { metadata: { name: 'p' } }, Nodes: { metadata: {}, items: null } });
  assert.ok(r.ok);
  assert.deepEqual(r.value.nodes, []);
});

test('scores map 0..100 onto 0..10, rounded and clamped', () => {
  assert.deepEqual(
    [-5, 0, 4, 5, 49, 50, 94, 95, 100, 250, Number.NaN].map(toExtenderScore),
    [0, 0, 0, 1, 5, 5, 9, 10, 10, 10, 0],
  );
});

test('any JSON value gets a parse result, never an exception (fuzzed)', () => {
  const podish = fc.record(
    {
      metadata: fc.oneof(fc.record({ name: fc.string(), namespace: fc.string() }), fc.jsonValue()),
      spec: fc.oneof(
        fc.record({
          containers: fc.oneof(fc.array(fc.jsonValue()), fc.jsonValue()),
          initContainers: fc.jsonValue(),
        }),
        fc.jsonValue(),
      ),
    },
    { requiredKeys: [] },
  );
  const args = fc.record(
    {
      Pod: fc.oneof(podish, fc.jsonValue()),
      NodeNames: fc.oneof(fc.array(fc.string()), fc.jsonValue()),
      Nodes: fc.oneof(fc.record({ items: fc.array(fc.jsonValue()) }), fc.jsonValue()),
    },
    { requiredKeys: [] },
  );
  fc.assert(
    fc.property(fc.oneof(args, fc.jsonValue()), (body) => {
      const r = parseExtenderArgs(body);
      assert.equal(typeof r.ok, 'boolean');
      if (!r.ok) assert.ok(r.error.length > 0);
      const b = parseBindingArgs(body);
      assert.equal(typeof b.ok, 'boolean');
    }),
    { numRuns: 2000, seed: 42 },
  );
});
