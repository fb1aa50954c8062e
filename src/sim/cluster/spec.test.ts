import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseClusterSpec } from './spec.js';
import { expandCluster, withEpcReservedMiB, describeCluster } from './cluster.js';
import { BUILTIN_CLUSTERS, PAPER_CLUSTER } from './builtins.js';
import { SimConfigError } from '../config/structured-file.js';

const GiB = 1024 ** 3;

test('a YAML spec expands into named nodes, sorted by name', () => {
  const spec = parseClusterSpec(
    'lab.yaml',
    [
      'name: lab',
      'nodeGroups:',
      '  - { name: std, count: 2, memory: 16Gi, cpu: "3500m" }',
      '  - name: sgx',
      '    count: 2',
      '    sgx: true',
      '    epcReservedMiB: 128',
      '    memory: 32Gi',
      '    cpu: 8',
      '    labels: { zone: a }',
      '    taints: [{ key: sgx, value: "true", effect: NoSchedule }]',
    ].join('\n'),
  );
  const cluster = expandCluster(spec);
  assert.deepEqual(
    cluster.nodes.map((n) => [n.name, n.sgx, n.epcBytes, n.memoryBytes, n.cpuMillis]),
    [
      ['sgx-1', true, 98_041_856, 32 * GiB, 8000],
      ['sgx-2', true, 98_041_856, 32 * GiB, 8000],
      ['std-1', false, 0, 16 * GiB, 3500],
      ['std-2', false, 0, 16 * GiB, 3500],
    ],
  );
  assert.deepEqual(cluster.nodes[0]!.labels, { zone: 'a' });
  assert.deepEqual(cluster.nodes[0]!.taints, [{ key: 'sgx', value: 'true', effect: 'NoSchedule' }]);
});

test('JSON works too, with the usable EPC given directly', () => {
  const spec = parseClusterSpec(
    'c.json',
    JSON.stringify({ nodeGroups: [{ name: 'big', count: 1, sgx: true, usableEpc: '512Gi', memory: '1Ti' }] }),
  );
  const [node] = expandCluster(spec).nodes;
  assert.equal(node!.epcBytes, 512 * GiB);
  assert.equal(node!.epcReservedMiB, null);
  assert.equal(spec.name, 'c.json');
});

test('every bad field is reported with file, line and what was expected', () => {
  const text = [
    'nodeGroups:',
    '  - name: sgx',
    '    count: 0',
    '    sgx: true',
    '    memory: lots',
    '    colour: blue',
    '  - name: std',
    '    count: 1',
    '    memory: 1Gi',
    '    usableEpc: 1Mi',
  ].join('\n');
  const err = (() => {
    try {
      parseClusterSpec('bad.yaml', text);
    } catch (e) {
      return e;
    }
    return undefined;
  })();
  assert.ok(err instanceof SimConfigError);
  const fields = err.problems.map((p) => `${p.line}:${p.field}`);
  assert.ok(fields.includes('3:nodeGroups[0].count'), fields.join(' '));
  assert.ok(fields.includes('5:nodeGroups[0].memory'), fields.join(' '));
  assert.ok(fields.includes('6:nodeGroups[0].colour'), fields.join(' '));
  assert.ok(fields.includes('7:nodeGroups[1].sgx'), fields.join(' '));
  assert.match(err.message, /bad\.yaml:5: nodeGroups\[0\]\.memory: expected a positive byte quantity/);
});

test('an SGX group without EPC and YAML syntax errors are refused', () => {
  assert.throws(
    () => parseClusterSpec('x.yaml', 'nodeGroups: [{ name: s, count: 1, sgx: true, memory: 1Gi }]'),
    /an SGX group needs its EPC/,
  );
  assert.throws(
    () => parseClusterSpec('x.yaml', 'nodeGroups: [ { name: s'),
    (e: unknown) => e instanceof SimConfigError,
  );
  // A syntax error names its line, as a bad value does.
  assert.throws(
    () => parseClusterSpec('x.yaml', 'nodeGroups:\n  - name: s\n    count: 1\n    count: 2\n'),
    (e: unknown) =>
      e instanceof SimConfigError &&
      e.problems.length === 1 &&
      e.problems[0]!.line === 4 &&
      /x\.yaml:4: \(syntax\): Map keys must be unique/.test(e.message),
  );
});

test('the paper cluster: 2 SGX nodes of 23,936 pages and 2 standard nodes of 32 GiB', () => {
  const c = expandCluster(PAPER_CLUSTER);
  assert.deepEqual(
    c.nodes.map((n) => n.name),
    ['sgx-1', 'sgx-2', 'std-1', 'std-2'],
  );
  const d = describeCluster(c);
  assert.equal(d.sgxNodes, 2);
  assert.equal(d.epcBytesPerSgxNode, 23_936 * 4096);
  assert.equal(d.totalMemoryBytes, 4 * 32 * GiB);
});

test('an EPC sweep resizes SGX nodes by the paper formula and leaves the others alone', () => {
  const c = withEpcReservedMiB(expandCluster(PAPER_CLUSTER), 64);
  assert.deepEqual(
    c.nodes.map((n) => n.epcBytes / 4096),
    [11_648, 11_648, 0, 0],
  );
});

test('presets cover Azure DCsv3 and Xeon Scalable sizes', () => {
  assert.equal(expandCluster(BUILTIN_CLUSTERS.get('azure-dc48s-v3')!).nodes[0]!.epcBytes, 256 * GiB);
  assert.equal(expandCluster(BUILTIN_CLUSTERS.get('xeon-icelake-2s')!).nodes[0]!.epcBytes, 1024 * GiB);
});
