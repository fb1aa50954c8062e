import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { repoPath, REPO_ROOT } from '../paths.js';
import { describeManifest, isObj, yamlFilesUnder } from './manifests.js';
import type { Manifest } from './manifests.js';
import { containersOf, formatIssues, podTemplate, validateDeployFiles } from './validate.js';

const files = yamlFilesUnder(repoPath('deploy'));
const loaded = validateDeployFiles(REPO_ROOT, files);

function find(manifests: readonly Manifest[], kind: string, name: string): Manifest {
  const m = manifests.find(
    (x) => x.object['kind'] === kind && isObj(x.object['metadata']) && x.object['metadata']['name'] === name,
  );
  assert.ok(m, `${kind} ${name} not found under deploy/`);
  return m;
}

test('every YAML document under deploy/ is valid against its schema and its references resolve', async () => {
  const { manifests, issues } = await loaded;
  assert.ok(files.length >= 10, `expected the deploy tree, found ${files.length} files`);
  assert.ok(manifests.length >= 20);
  assert.equal(issues.length, 0, '\n' + formatIssues(issues));
});

test('both modes are installable with kustomize and share the namespace and the profile', async () => {
  const { manifests } = await loaded;
  for (const dir of ['deploy/scheduler', 'deploy/extender']) {
    const k = manifests.find((m) => m.file === `${dir}/kustomization.yaml`);
    assert.ok(k, `${dir}/kustomization.yaml`);
    assert.ok((k.object['resources'] as string[]).includes('../common'));
  }
  find(manifests, 'Namespace', 'sgx-orchestrator');
  find(manifests, 'ConfigMap', 'sgx-orchestrator-profile');
});

/** Rules of a ClusterRole as "group/resource:verb" strings, sorted. */
function grants(m: Manifest): string[] {
  const out: string[] = [];
  for (const r of m.object['rules'] as {
    apiGroups: string[];
    resources: string[];
    verbs: string[];
    resourceNames?: string[];
  }[]) {
    for (const g of r.apiGroups)
      for (const res of r.resources)
        for (const v of r.verbs) {
          out.push(
            `${g === '' ? 'core' : g}/${res}:${v}${r.resourceNames === undefined ? '' : `[${r.resourceNames.join(',')}]`}`,
          );
        }
  }
  return out.sort();
}

test('RBAC is least privilege: the scheduler gets exactly what it calls, the extender only reads', async () => {
  const { manifests } = await loaded;
  assert.deepEqual(grants(find(manifests, 'ClusterRole', 'sgx-scheduler')), [
    'core/events:create',
    'core/nodes:list',
    'core/nodes:watch',
    'core/pods/binding:create',
    'core/pods/status:patch',
    'core/pods:list',
    'core/pods:watch',
    'events.k8s.io/events:create',
  ]);
  assert.deepEqual(grants(find(manifests, 'Role', 'sgx-scheduler-leader-election')), [
    'coordination.k8s.io/leases:create',
    'coordination.k8s.io/leases:get[sgx-scheduler]',
    'coordination.k8s.io/leases:update[sgx-scheduler]',
  ]);
  assert.deepEqual(grants(find(manifests, 'ClusterRole', 'sgx-extender')), [
    'core/nodes:list',
    'core/nodes:watch',
    'core/pods:list',
    'core/pods:watch',
  ]);
  assert.deepEqual(grants(find(manifests, 'ClusterRole', 'sgx-extender-bind')), ['core/pods/binding:create']);
});

test('the product containers run non-root with a read-only root filesystem and no capabilities', async () => {
  const { manifests } = await loaded;
  for (const name of ['sgx-scheduler', 'sgx-extender']) {
    const d = find(manifests, 'Deployment', name).object as {
      spec: {
        template: {
          spec: {
            securityContext: Record<string, unknown>;
            containers: { securityContext: Record<string, unknown> }[];
          };
        };
      };
    };
    const pod = d.spec.template.spec;
    assert.equal(pod.securityContext['runAsNonRoot'], true, name);
    for (const c of pod.containers) {
      assert.equal(c.securityContext['readOnlyRootFilesystem'], true, name);
      assert.equal(c.securityContext['allowPrivilegeEscalation'], false, name);
      assert.deepEqual(c.securityContext['capabilities'], { drop: ['ALL'] }, name);
    }
  }
});

test('the extender example configuration manages the EPC resource and is node-cache capable', async () => {
  const { manifests } = await loaded;
  const cfg = manifests.find((m) => m.object['kind'] === 'KubeSchedulerConfiguration');
  assert.ok(cfg);
  const ext = (cfg.object['extenders'] as Record<string, unknown>[])[0]!;
  assert.equal(ext['nodeCacheCapable'], true);
  assert.equal(ext['filterVerb'], 'filter');
  assert.equal(ext['prioritizeVerb'], 'prioritize');
  assert.ok((ext['weight'] as number) > 0);
  assert.deepEqual(ext['managedResources'], [{ name: 'sgx.intel.com/epc', ignoredByScheduler: false }]);
});

test('the validator itself catches schema errors, bad extender configs, dangling references and wildcards', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sgx-deploy-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'deploy'));
  writeFileSync(
    join(dir, 'deploy', 'bad.yaml'),
    [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: d, namespace: nowhere}',
      'spec:',
      '  selector: {matchLabels: {a: b}}',
      '  template:',
      '    metadata: {labels: {a: c}}',
      '    spec:',
      '      serviceAccountName: ghost',
      '      containers: [{name: c, image: i, ports: [{containerPort: "80"}]}]',
      '---',
      'apiVersion: kubescheduler.config.k8s.io/v1',
      'kind: KubeSchedulerConfiguration',
      'extenders:',
      '- {urlPrefix: "http://x:1", prioritizeVerb: prioritize, bindVerb: b, nodeCacheCapabel: true,',
      '   managedResources: [{name: kubernetes.io/epc}]}',
      '- {urlPrefix: "http://y:1", bindVerb: b, httpTimeout: 5}',
      '---',
      'apiVersion: rbac.authorization.k8s.io/v1',
      'kind: ClusterRole',
      'metadata: {name: r}',
      'rules: [{apiGroups: [""], resources: ["*"], verbs: [get]}]',
      '---',
      'apiVersion: policy/v1',
      'kind: PodDisruptionBudget',
      'metadata: {name: pdb, namespace: nowhere}',
      'spec: {minAvailable: 1, selector: {matchLabels: {app: none}}}',
      '---',
      'apiVersion: monitoring.coreos.com/v1',
      'kind: ServiceMonitor',
      'metadata: {name: sm, namespace: nowhere}',
      'spec: {selector: {matchLabels: {app: none}}, endpoints: [{port: web, interval: 5s, scrapeTimeout: 10s}]}',
      '---',
      'apiVersion: monitoring.coreos.com/v1',
      'kind: PodMonitor',
      'metadata: {name: pm, namespace: nowhere}',
      'spec: {selector: {matchLabels: {a: c}}, podMetricsEndpoints: [{port: nope}]}',
      '---',
      'apiVersion: example.com/v1',
      'kind: Gadget',
      'metadata: {name: g}',
      '---',
      'key: [unclosed',
    ].join('\n'),
  );
  const { issues } = await validateDeployFiles(dir, yamlFilesUnder(join(dir, 'deploy')));
  const text = formatIssues(issues);
  for (const expected of [
    /bad\.yaml:1 \(Deployment d\): spec\.template\.spec\.containers\.0\.ports\.0\.containerPort: must be integer/,
    /Deployment d\): spec\.selector\.matchLabels: must match/,
    /Deployment d\): serviceAccountName: ServiceAccount nowhere\/ghost is not defined/,
    /Deployment d\): metadata\.namespace: namespace nowhere is not defined/,
    /extenders\[0\]\.weight: must have a positive weight/,
    /extenders\[0\]\.nodeCacheCapabel: unknown field/,
    /extenders\[0\]\.managedResources\[0\]\.name: expected an extended resource name/,
    /extenders\[1\]\.httpTimeout: expected a duration/,
    /extenders: only one extender can implement bind/,
    /ClusterRole r\): rules\[0\]\.resources: no wildcards/,
    /no schema for example\.com\/v1 Gadget/,
    /PodDisruptionBudget pdb\): spec\.selector\.matchLabels: matches no pod template/,
    /ServiceMonitor sm\): spec\.selector: matches no Service/,
    /PodMonitor pm\): port nope: not a port name of the selected pods/,
    /bad\.yaml:\d+: YAML syntax/,
  ]) {
    assert.match(text, expected);
  }
});

test('every flag our containers pass is one their command knows (checked against its --help)', async () => {
  const { manifests } = await loaded;
  const helps = new Map<string, { status: number | null; text: string }>();
  const problems: string[] = [];
  let checked = 0;
  for (const m of manifests) {
    const t = podTemplate(m.object);
    if (t === undefined) continue;
    for (const c of containersOf(t)) {
      if (typeof c['image'] !== 'string' || !/(^|\/)sgx-orchestrator(:|@|$)/.test(c['image'])) continue;
      const args = [
        ...(Array.isArray(c['command']) ? c['command'] : []),
        ...(Array.isArray(c['args']) ? c['args'] : []),
      ].map(String);
      const name = args.find((a) => !a.startsWith('-') && !a.includes('/') && a !== 'node');
      if (name === undefined) {
        problems.push(
          `${describeManifest(m)}: container ${String(c['name'])} names no sgx-orchestrator command`,
        );
        continue;
      }
      let help = helps.get(name);
      if (help === undefined) {
        const r = spawnSync(process.execPath, [repoPath('bin', 'sgx-orchestrator.js'), name, '--help'], {
          encoding: 'utf8',
        });
        help = { status: r.status, text: r.stdout };
        helps.set(name, help);
      }
      if (help.status !== 0) {
        problems.push(`${describeManifest(m)}: \`sgx-orchestrator ${name}\` is not a command`);
        continue;
      }
      for (const a of args.filter((x) => x.startsWith('--'))) {
        const flag = a.split('=')[0]!;
        checked++;
        if (!new RegExp(`${flag.replace(/[-]/g, '\\-')}(\\[|\\s|=|$)`, 'm').test(help.text)) {
          problems.push(`${describeManifest(m)}: \`sgx-orchestrator ${name}\` has no flag ${flag}`);
        }
      }
    }
  }
  assert.ok(checked > 5, `checked ${checked} flags`);
  assert.deepEqual(problems, []);
});

test('the control-plane and the second-scheduler configurations give the extender the same settings', async () => {
  const { manifests } = await loaded;
  const file = manifests.find((m) => m.object['kind'] === 'KubeSchedulerConfiguration');
  const cm = find(manifests, 'ConfigMap', 'sgx-kube-scheduler-config');
  assert.ok(file);
  const embedded = parseYaml(
    (cm.object['data'] as Record<string, string>)['kube-scheduler-config.yaml']!,
  ) as Record<string, unknown>;
  const strip = (cfg: Record<string, unknown>): Record<string, unknown>[] =>
    (cfg['extenders'] as Record<string, unknown>[]).map(({ urlPrefix: _u, bindVerb: _b, ...rest }) => rest);
  assert.deepEqual(strip(embedded), strip(file.object));
  assert.equal(
    (embedded['extenders'] as Record<string, unknown>[])[0]!['urlPrefix'],
    'http://sgx-extender.sgx-orchestrator.svc:8888',
  );
});

test('every kustomization under deploy/ builds with kubectl kustomize (when kubectl is installed)', async (t) => {
  const probe = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) {
    t.skip('kubectl is not installed');
    return;
  }
  const { manifests } = await loaded;
  const dirs = manifests
    .filter((m) => m.object['kind'] === 'Kustomization')
    .map((m) => m.file.replace(/\/kustomization\.ya?ml$/, ''));
  assert.ok(dirs.length >= 3);
  for (const dir of dirs) {
    const r = spawnSync('kubectl', ['kustomize', repoPath(dir)], { encoding: 'utf8' });
    assert.equal(r.status, 0, `kubectl kustomize ${dir}: ${r.stderr}`);
    const kinds = parseAllDocuments(r.stdout).map((d) => (d.toJS() as { kind?: string } | null)?.kind);
    assert.ok(kinds.includes('Namespace'), `${dir}: the namespace comes with every mode`);
  }
});
