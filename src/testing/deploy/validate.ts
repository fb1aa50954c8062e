/**
 * Validation of a deploy tree: per-document schema checks, then references across documents.
 * Returns every issue found (not just the first), each located by file, line and object.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { formatConfigIssues, parseProfileConfig } from '../../core/index.js';
import { describeManifest, isObj, loadManifests, modelClass, schemaIssues } from './manifests.js';
import { PROMETHEUS_OPERATOR_API, prometheusOperatorIssues } from '../prometheus/monitor-shapes.js';
import type { Manifest, ManifestIssue, Obj } from './manifests.js';
import { kubeSchedulerConfigurationIssues, kustomizationIssues } from './shapes.js';

const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'PriorityClass',
  'CustomResourceDefinition',
  'RuntimeClass',
  'StorageClass',
]);
/** Kinds that are files for a tool, not cluster objects. */
const FILE_KINDS = new Set(['KubeSchedulerConfiguration', 'Kustomization']);
const BUILT_IN_NAMESPACES = new Set(['kube-system', 'default']);

function meta(o: Obj): Obj {
  return isObj(o['metadata']) ? o['metadata'] : {};
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
function at(o: unknown, ...path: string[]): unknown {
  let cur: unknown = o;
  for (const p of path) cur = isObj(cur) ? cur[p] : undefined;
  return cur;
}
function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** The pod template of a workload, if it has one. */
export function podTemplate(o: Obj): Obj | undefined {
  const kind = o['kind'];
  if (kind === 'Deployment' || kind === 'DaemonSet' || kind === 'StatefulSet' || kind === 'ReplicaSet') {
    const t = at(o, 'spec', 'template');
    return isObj(t) ? t : undefined;
  }
  if (kind === 'Job') {
    const t = at(o, 'spec', 'template');
    return isObj(t) ? t : undefined;
  }
  if (kind === 'CronJob') {
    const t = at(o, 'spec', 'jobTemplate', 'spec', 'template');
    return isObj(t) ? t : undefined;
  }
  if (kind === 'Pod') return o;
  return undefined;
}

export function containersOf(template: Obj): Obj[] {
  const spec = at(template, 'spec');
  return [...arr(at(spec, 'initContainers')), ...arr(at(spec, 'containers'))].filter(isObj);
}

async function documentIssues(m: Manifest, report: (msg: string) => void): Promise<void> {
  const o = m.object;
  const apiVersion = str(o['apiVersion']);
  const kind = str(o['kind']);
  if (apiVersion === undefined || kind === undefined) {
    report('apiVersion and kind are required strings');
    return;
  }
  if (kind === 'KubeSchedulerConfiguration') {
    for (const i of kubeSchedulerConfigurationIssues(o)) report(i);
    return;
  }
  if (apiVersion === PROMETHEUS_OPERATOR_API) {
    for (const i of prometheusOperatorIssues(o)) report(i);
    return;
  }
  if (kind === 'Kustomization') {
    if (apiVersion !== 'kustomize.config.k8s.io/v1beta1')
      report(`apiVersion: expected kustomize.config.k8s.io/v1beta1, got ${apiVersion}`);
    for (const i of kustomizationIssues(o)) report(i);
    return;
  }
  const cls = await modelClass(apiVersion, kind);
  if (cls === undefined) {
    report(
      `no schema for ${apiVersion} ${kind}: use a built-in kind, or add a shape check in src/testing/deploy/shapes.ts`,
    );
    return;
  }
  for (const i of await schemaIssues(m, cls)) report(i);
  const name = str(meta(o)['name']);
  if (name === undefined || name === '') report('metadata.name: required');
  const ns = str(meta(o)['namespace']);
  if (!CLUSTER_SCOPED.has(kind) && ns === undefined)
    report(
      "metadata.namespace: set it explicitly, so that `kubectl apply -f` never lands in the current context's namespace",
    );
  if (CLUSTER_SCOPED.has(kind) && ns !== undefined) report(`metadata.namespace: ${kind} is cluster-scoped`);
  // Files embedded in ConfigMaps are validated like the files they are.
  if (kind === 'ConfigMap' && isObj(o['data'])) {
    for (const [key, value] of Object.entries(o['data'])) {
      if (typeof value !== 'string' || !/\.ya?ml$/.test(key)) continue;
      let parsed: unknown;
      try {
        parsed = parseYaml(value);
      } catch (err) {
        report(`data["${key}"]: YAML syntax: ${(err as Error).message.split('\n')[0] ?? ''}`);
        continue;
      }
      if (isObj(parsed) && parsed['kind'] === 'KubeSchedulerConfiguration') {
        for (const i of kubeSchedulerConfigurationIssues(parsed)) report(`data["${key}"].${i}`);
      } else if (key === 'profile.yaml') {
        const r = parseProfileConfig(parsed);
        if (!r.ok) report(`data["${key}"]: ${formatConfigIssues(r.issues).replace(/\n/g, '; ')}`);
      }
    }
  }
}

/**
 * A `{{placeholder}}` value: the document is a template another tool fills in (e.g. the replay's pod
 * templates). Its schema is still checked; references through placeholders cannot be.
 */
function isPlaceholder(v: string | undefined): boolean {
  return v !== undefined && /\{\{[^}]*\}\}/.test(v);
}

function key(kind: string, ns: string | undefined, name: string): string {
  return `${kind}/${ns ?? ''}/${name}`;
}

function labelsMatch(selector: Obj, labels: Obj): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** References that must resolve within the deploy tree (or to built-in objects). */
function crossIssues(
  root: string,
  manifests: readonly Manifest[],
  report: (m: Manifest, msg: string) => void,
): void {
  const objects = new Set<string>();
  const namespaces = new Set<string>(BUILT_IN_NAMESPACES);
  const templates: { m: Manifest; ns: string | undefined; labels: Obj; ports: Set<string | number> }[] = [];
  const services: { ns: string | undefined; labels: Obj; ports: Set<string> }[] = [];
  for (const m of manifests) {
    const kind = str(m.object['kind']) ?? '';
    const md = meta(m.object);
    const name = str(md['name']) ?? '';
    objects.add(key(kind, str(md['namespace']), name));
    if (kind === 'Namespace') namespaces.add(name);
    if (kind === 'Service') {
      const ports = new Set(
        arr(at(m.object, 'spec', 'ports'))
          .filter(isObj)
          .map((p) => str(p['name']) ?? ''),
      );
      services.push({ ns: str(md['namespace']), labels: isObj(md['labels']) ? md['labels'] : {}, ports });
    }
    const t = podTemplate(m.object);
    if (t !== undefined) {
      const ports = new Set<string | number>();
      for (const c of containersOf(t))
        for (const p of arr(c['ports']).filter(isObj)) {
          if (typeof p['name'] === 'string') ports.add(p['name']);
          if (typeof p['containerPort'] === 'number') ports.add(p['containerPort']);
        }
      templates.push({
        m,
        ns: str(md['namespace']),
        labels: isObj(at(t, 'metadata', 'labels')) ? (at(t, 'metadata', 'labels') as Obj) : {},
        ports,
      });
    }
  }
  for (const m of manifests) {
    const o = m.object;
    const kind = str(o['kind']) ?? '';
    if (FILE_KINDS.has(kind)) continue;
    const ns = str(meta(o)['namespace']);
    if (ns !== undefined && !isPlaceholder(ns) && !namespaces.has(ns)) {
      report(m, `metadata.namespace: namespace ${ns} is not defined under deploy/`);
    }
    const t = podTemplate(o);
    if (t !== undefined) {
      const selector = at(o, 'spec', 'selector', 'matchLabels');
      const labels = at(t, 'metadata', 'labels');
      if (
        kind !== 'Pod' &&
        kind !== 'Job' &&
        kind !== 'CronJob' &&
        (!isObj(selector) || !isObj(labels) || !labelsMatch(selector, labels))
      ) {
        report(m, 'spec.selector.matchLabels: must match spec.template.metadata.labels');
      }
      const sa = str(at(t, 'spec', 'serviceAccountName'));
      if (
        sa !== undefined &&
        sa !== 'default' &&
        !isPlaceholder(sa) &&
        !objects.has(key('ServiceAccount', ns, sa))
      ) {
        report(m, `serviceAccountName: ServiceAccount ${ns ?? ''}/${sa} is not defined under deploy/`);
      }
      for (const v of arr(at(t, 'spec', 'volumes')).filter(isObj)) {
        const cm = str(at(v, 'configMap', 'name'));
        if (
          cm !== undefined &&
          at(v, 'configMap', 'optional') !== true &&
          !objects.has(key('ConfigMap', ns, cm))
        ) {
          report(
            m,
            `volumes[${String(v['name'])}]: ConfigMap ${ns ?? ''}/${cm} is not defined under deploy/`,
          );
        }
      }
      for (const c of containersOf(t)) {
        const mounts = new Set(
          arr(at(t, 'spec', 'volumes'))
            .filter(isObj)
            .map((v) => v['name']),
        );
        for (const vm of arr(c['volumeMounts']).filter(isObj)) {
          if (!mounts.has(vm['name']))
            report(m, `containers[${String(c['name'])}].volumeMounts: no volume named ${String(vm['name'])}`);
        }
      }
    }
    if (kind === 'Service') {
      const selector = at(o, 'spec', 'selector');
      if (isObj(selector)) {
        const backends = templates.filter((tp) => tp.ns === ns && labelsMatch(selector, tp.labels));
        if (backends.length === 0) report(m, 'spec.selector: matches no pod template under deploy/');
        for (const p of arr(at(o, 'spec', 'ports')).filter(isObj)) {
          const target = p['targetPort'] ?? p['port'];
          if (
            (typeof target === 'string' || typeof target === 'number') &&
            backends.length > 0 &&
            !backends.some((b) => b.ports.has(target))
          ) {
            report(
              m,
              `spec.ports: targetPort ${String(target)} is not a container port of the selected pods`,
            );
          }
        }
      }
    }
    if (kind === 'ServiceMonitor' || kind === 'PodMonitor') {
      const selector = at(o, 'spec', 'selector', 'matchLabels');
      const names = arr(at(o, 'spec', 'namespaceSelector', 'matchNames')).map(String);
      const inScope = (n: string | undefined): boolean =>
        at(o, 'spec', 'namespaceSelector', 'any') === true ||
        (names.length > 0 ? names.includes(n ?? '') : n === ns);
      const endpoints = arr(
        at(o, 'spec', kind === 'ServiceMonitor' ? 'endpoints' : 'podMetricsEndpoints'),
      ).filter(isObj);
      if (isObj(selector)) {
        const targets =
          kind === 'ServiceMonitor'
            ? services
                .filter((sv) => inScope(sv.ns) && labelsMatch(selector, sv.labels))
                .map((sv) => sv.ports as Set<string | number>)
            : templates
                .filter((tp) => inScope(tp.ns) && labelsMatch(selector, tp.labels))
                .map((tp) => tp.ports);
        if (targets.length === 0) {
          report(
            m,
            `spec.selector: matches no ${kind === 'ServiceMonitor' ? 'Service' : 'pod template'} under deploy/`,
          );
        }
        for (const e of endpoints) {
          const port = str(e['port']);
          if (port !== undefined && targets.length > 0 && !targets.some((p) => p.has(port))) {
            report(
              m,
              `port ${port}: not a port name of the selected ${kind === 'ServiceMonitor' ? 'Services' : 'pods'}`,
            );
          }
        }
      }
    }
    if (kind === 'PodDisruptionBudget') {
      const selector = at(o, 'spec', 'selector', 'matchLabels');
      if (!isObj(selector) || !templates.some((tp) => tp.ns === ns && labelsMatch(selector, tp.labels))) {
        report(m, 'spec.selector.matchLabels: matches no pod template under deploy/');
      }
    }
    if (kind === 'RoleBinding' || kind === 'ClusterRoleBinding') {
      const refKind = str(at(o, 'roleRef', 'kind')) ?? '';
      const refName = str(at(o, 'roleRef', 'name')) ?? '';
      const builtIn =
        refName.startsWith('system:') ||
        refName === 'extension-apiserver-authentication-reader' ||
        ['view', 'edit', 'admin', 'cluster-admin'].includes(refName);
      if (!builtIn && !objects.has(key(refKind, refKind === 'Role' ? ns : undefined, refName))) {
        report(m, `roleRef: ${refKind} ${refName} is not defined under deploy/`);
      }
      for (const s of arr(o['subjects']).filter(isObj)) {
        if (s['kind'] !== 'ServiceAccount') continue;
        const sNs = str(s['namespace']) ?? ns;
        if (!objects.has(key('ServiceAccount', sNs, str(s['name']) ?? ''))) {
          report(
            m,
            `subjects: ServiceAccount ${sNs ?? ''}/${String(s['name'])} is not defined under deploy/`,
          );
        }
      }
    }
    if (kind === 'Role' || kind === 'ClusterRole') {
      arr(o['rules'])
        .filter(isObj)
        .forEach((r, i) => {
          for (const field of ['verbs', 'resources', 'apiGroups']) {
            if (arr(r[field]).includes('*'))
              report(m, `rules[${i}].${field}: no wildcards (least privilege): list what is used`);
          }
        });
    }
  }
  // Kustomizations must list files and directories that exist.
  for (const m of manifests) {
    if (m.object['kind'] !== 'Kustomization') continue;
    for (const r of arr(m.object['resources'])) {
      if (typeof r !== 'string') continue;
      const p = join(root, dirname(m.file), r);
      const ok = existsSync(p) && (!statSync(p).isDirectory() || existsSync(join(p, 'kustomization.yaml')));
      if (!ok) report(m, `resources: ${r} does not exist (or is a directory without kustomization.yaml)`);
    }
  }
}

/** Validates every YAML document of `files` (paths under `root`). */
export async function validateDeployFiles(
  root: string,
  files: readonly string[],
): Promise<{ manifests: Manifest[]; issues: ManifestIssue[] }> {
  const { manifests, issues } = loadManifests(root, files);
  for (const m of manifests) {
    await documentIssues(m, (message) => issues.push({ where: describeManifest(m), message }));
  }
  crossIssues(root, manifests, (m, message) => issues.push({ where: describeManifest(m), message }));
  return { manifests, issues };
}

export function formatIssues(issues: readonly ManifestIssue[]): string {
  return issues.map((i) => `${i.where}: ${i.message}`).join('\n');
}
