import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { Pod } from 'kubernetes-models/v1';
import { stringify } from 'yaml';
import { repoPath } from '../../testing/paths.js';
import {
  ANNOTATIONS,
  DEFAULT_SGX_TEMPLATE,
  DEFAULT_STANDARD_TEMPLATE,
  RUN_LABEL,
  TemplateError,
  epcQuantity,
  liveSeconds,
  loadTemplate,
  podManifest,
  podName,
  runIdProblem,
} from './index.js';
import type { ManifestOptions, ReplayItem } from './index.js';
import { makeTempDir } from '../../testing/temp-dir.js';

const OPTIONS: ManifestOptions = {
  runId: 'run-1',
  namespace: 'exp',
  schedulerName: 'sgx-scheduler',
  labels: { team: 'sched' },
  epcResource: 'sgx.intel.com/epc',
  enclaveResource: 'sgx.intel.com/enclave',
  sgxImage: 'registry.example/stress-sgx:1',
  standardImage: 'registry.example/stress-ng:1',
  sgxTemplate: DEFAULT_SGX_TEMPLATE,
  standardTemplate: DEFAULT_STANDARD_TEMPLATE,
  compression: 10,
  originMs: 1_700_000_000_000,
};

const sgxItem: ReplayItem = {
  name: 'run-1-job-0-1',
  recordId: 'job-0-1',
  kind: 'sgx',
  submit: 12.5,
  duration: 95,
  requestBytes: 100 * 4096,
  usageBytes: 80 * 4096,
  cpuMillis: 0,
};
const stdItem: ReplayItem = {
  ...sgxItem,
  name: 'run-1-job-1-1',
  recordId: 'job-1-1',
  kind: 'standard',
  cpuMillis: 250,
};

type PodJson = {
  metadata: { name: string; labels: Record<string, string>; annotations: Record<string, string> };
  spec: {
    schedulerName: string;
    nodeName?: string;
    containers: {
      args: string[];
      resources: { requests: Record<string, string>; limits?: Record<string, string> };
    }[];
  };
};

test('an SGX pod requests its EPC with limit = request, one enclave device, and runs stress-sgx for its compressed duration', () => {
  const pod = podManifest(sgxItem, OPTIONS) as unknown as PodJson;
  new Pod(pod as never).validate();
  const c = pod.spec.containers[0]!;
  const resources = { 'sgx.intel.com/epc': String(100 * 4096), 'sgx.intel.com/enclave': '1' };
  assert.deepEqual(c.resources.requests, resources);
  assert.deepEqual(c.resources.limits, resources);
  // Where an admission webhook adds the device request, the replay can leave it out.
  const bare = podManifest(sgxItem, { ...OPTIONS, enclaveResource: null }) as unknown as PodJson;
  assert.deepEqual(bare.spec.containers[0]!.resources.requests, { 'sgx.intel.com/epc': String(100 * 4096) });
  assert.deepEqual(c.args, ['--sgx-vm', '1', '--sgx-vm-bytes', String(80 * 4096), '--timeout', '10']);
  assert.equal(pod.spec.schedulerName, 'sgx-scheduler');
  assert.equal(pod.metadata.labels[RUN_LABEL], 'run-1');
  assert.equal(pod.metadata.labels['team'], 'sched');
  assert.equal(pod.metadata.annotations[ANNOTATIONS.record], 'job-0-1');
  assert.equal(pod.metadata.annotations[ANNOTATIONS.requestedPages], '100');
  assert.equal(pod.metadata.annotations[ANNOTATIONS.actualPages], '80');
  assert.equal(pod.metadata.annotations[ANNOTATIONS.origin], '1700000000000');
});

test('a standard pod requests memory without a limit (as the paper), and CPU when the record has some', () => {
  const pod = podManifest(stdItem, OPTIONS) as unknown as PodJson;
  new Pod(pod as never).validate();
  const c = pod.spec.containers[0]!;
  assert.deepEqual(c.resources.requests, { memory: String(100 * 4096), cpu: '250m' });
  assert.equal(c.resources.limits, undefined);
  assert.deepEqual(c.args, ['--vm', '1', '--vm-bytes', String(80 * 4096), '--vm-keep', '--timeout', '10']);
});

test('EPC quantities are in the resource unit, rounded up to whole units', () => {
  assert.equal(epcQuantity('sgx.intel.com/epc', 4096 * 3), '12288');
  assert.equal(epcQuantity('intel.com/sgx', 4096 * 3), '3');
  assert.equal(epcQuantity('kubernetes.azure.com/sgx_epc_mem_in_MiB', 1024 * 1024 + 1), '2');
  assert.equal(epcQuantity('alibabacloud.com/sgx_epc_MiB', 4096), '1');
  const pod = podManifest(sgxItem, { ...OPTIONS, epcResource: 'intel.com/sgx' }) as unknown as PodJson;
  assert.deepEqual(pod.spec.containers[0]!.resources.limits, {
    'intel.com/sgx': '100',
    'sgx.intel.com/enclave': '1',
  });
});

test('live durations are whole seconds, at least one', () => {
  assert.equal(liveSeconds(95, 10), 10);
  assert.equal(liveSeconds(100, 10), 10);
  assert.equal(liveSeconds(0, 10), 1);
  assert.equal(liveSeconds(3600, 1), 3600);
});

test('pod names are deterministic DNS labels; odd record ids get a hash, never a collision', () => {
  assert.equal(podName('r1', '6251812952-0-6480000000'), 'r1-6251812952-0-6480000000');
  assert.notEqual(podName('r1', 'A_1'), podName('r1', 'a-1'));
  const long = podName('r1', 'x'.repeat(200));
  assert.ok(long.length <= 63, long);
  assert.match(long, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  assert.equal(podName('r1', 'x'.repeat(200)), long);
  assert.equal(runIdProblem('paper-50'), null);
  assert.match(runIdProblem('Paper_50') ?? '', /lowercase/);
});

test('user templates: placeholders anywhere, :int for numbers; unknown placeholders are refused with the path', () => {
  const dir = makeTempDir('replay-template-');
  const file = join(dir, 'sgx.yaml');
  writeFileSync(
    file,
    stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { labels: { app: 'enclave' }, annotations: { note: 'record {{recordId}}' } },
      spec: {
        activeDeadlineSeconds: '{{timeoutSeconds:int}}',
        containers: [
          { name: 'app', image: '{{image}}', args: ['-d', '{{timeoutSeconds}}', '{{usagePages}}'] },
        ],
      },
    }),
  );
  const t = loadTemplate(file);
  const pod = podManifest(sgxItem, { ...OPTIONS, sgxTemplate: t }) as unknown as PodJson & {
    spec: { activeDeadlineSeconds: number };
  };
  new Pod(pod as never).validate();
  assert.equal(pod.spec.activeDeadlineSeconds, 10);
  assert.deepEqual(pod.spec.containers[0]!.args, ['-d', '10', '80']);
  assert.equal(pod.metadata.labels['app'], 'enclave');
  assert.equal(pod.metadata.annotations['note'], 'record job-0-1');

  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'kind: Pod\nspec:\n  containers:\n    - name: a\n      image: "{{imag}}"\n');
  assert.throws(
    () => loadTemplate(bad),
    (e: unknown) =>
      e instanceof TemplateError &&
      /containers\[0\]\.image: unknown placeholder \{\{imag\}\}/.test(e.message),
  );
  const noContainers = join(dir, 'none.yaml');
  writeFileSync(noContainers, 'kind: Pod\nspec: {}\n');
  assert.throws(() => loadTemplate(noContainers), /spec.containers: expected at least one container/);
});

test('dry-run style YAML documents parse back into valid Pods', () => {
  const text = [sgxItem, stdItem]
    .map((i) => `---\n${stringify(podManifest(i, { ...OPTIONS, originMs: null }))}`)
    .join('');
  const docs = parseAllDocuments(text).map((d) => d.toJSON() as PodJson);
  assert.equal(docs.length, 2);
  for (const d of docs) {
    new Pod(d as never).validate();
    assert.equal(d.metadata.annotations[ANNOTATIONS.origin], undefined);
  }
});

test('the templates shipped in deploy/replay are the built-in defaults, and the paper template loads', () => {
  const strip = (t: { body: Record<string, unknown> }): unknown => {
    const body = structuredClone(t.body) as { metadata?: unknown };
    delete body.metadata; // the replay owns metadata
    return body;
  };
  assert.deepEqual(
    strip(loadTemplate(repoPath('deploy/replay/sgx-pod.yaml.template'))),
    strip(DEFAULT_SGX_TEMPLATE),
  );
  assert.deepEqual(
    strip(loadTemplate(repoPath('deploy/replay/standard-pod.yaml.template'))),
    strip(DEFAULT_STANDARD_TEMPLATE),
  );
  const paper = loadTemplate(repoPath('deploy/replay/paper-sgx-app-mem.yaml.template'));
  const pod = podManifest(sgxItem, { ...OPTIONS, sgxTemplate: paper }) as unknown as PodJson;
  assert.deepEqual(pod.spec.containers[0]!.args, ['-d', '10', '80']);
  assert.equal((pod.metadata as { namespace?: string }).namespace, 'exp');
});
