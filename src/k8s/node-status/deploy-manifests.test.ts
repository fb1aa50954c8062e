// The node agent's manifests (deploy/node-agent): valid against the Kubernetes schemas, least
// privilege, and the host mounts the agent's code actually reads and writes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isObj, type Manifest, type Obj } from '../../testing/deploy/manifests.js';
import { formatIssues, validateDeployFiles } from '../../testing/deploy/validate.js';
import { REPO_ROOT, repoPath } from '../../testing/paths.js';
import { yamlFilesUnder } from '../../testing/deploy/manifests.js';

// With deploy/common, which the kustomization includes (the namespace).
const loaded = validateDeployFiles(REPO_ROOT, [
  ...yamlFilesUnder(repoPath('deploy/node-agent')),
  ...yamlFilesUnder(repoPath('deploy/common')),
]);

function find(ms: readonly Manifest[], kind: string): Obj {
  const m = ms.find((x) => x.object['kind'] === kind && x.file.startsWith('deploy/node-agent/'));
  assert.ok(m, `${kind} in deploy/node-agent`);
  return m.object;
}

const at = (o: unknown, ...path: (string | number)[]): unknown =>
  path.reduce<unknown>(
    (v, k) => (isObj(v) || Array.isArray(v) ? (v as Record<string | number, unknown>)[k] : undefined),
    o,
  );

test('deploy/node-agent is valid against the Kubernetes schemas', async () => {
  const { manifests, issues } = await loaded;
  assert.equal(issues.length, 0, '\n' + formatIssues(issues));
  for (const kind of [
    'DaemonSet',
    'ServiceAccount',
    'ClusterRole',
    'ClusterRoleBinding',
    'Service',
    'Kustomization',
  ]) {
    find(manifests, kind);
  }
});

test('RBAC: nodes get/patch, nodes/status patch, pods list/watch, nothing else', async () => {
  const role = find((await loaded).manifests, 'ClusterRole');
  const rules = (role['rules'] as Obj[]).map(
    (r) => `${(r['resources'] as string[]).join(',')}:${(r['verbs'] as string[]).join(',')}`,
  );
  assert.deepEqual(rules, ['nodes:get,patch', 'nodes/status:patch', 'pods:list,watch']);
});

test('DaemonSet: SGX nodes only, no privilege, host mounts read-only except cgroups and device-plugins', async () => {
  const ds = find((await loaded).manifests, 'DaemonSet');
  const spec = at(ds, 'spec', 'template', 'spec') as Obj;
  const terms = at(
    spec,
    'affinity',
    'nodeAffinity',
    'requiredDuringSchedulingIgnoredDuringExecution',
    'nodeSelectorTerms',
  ) as Obj[];
  assert.ok(terms.some((t) => JSON.stringify(t).includes('sgx.intel.com/capable')));
  const c = (spec['containers'] as Obj[])[0]!;
  assert.deepEqual(at(c, 'securityContext'), {
    privileged: false,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
  });
  const writable = (c['volumeMounts'] as Obj[])
    .filter((m) => m['readOnly'] !== true)
    .map((m) => m['mountPath']);
  assert.deepEqual(writable, ['/host/sys/fs/cgroup', '/var/lib/kubelet/device-plugins']);
  const args = c['args'] as string[];
  assert.ok(args.includes('--host-root=/host'));
  assert.ok(JSON.stringify(c['env']).includes('spec.nodeName'));
});
