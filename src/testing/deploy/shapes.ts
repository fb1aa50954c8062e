/**
 * Shape checks for the kinds kubernetes-models has no schema for. They follow the Go types and the
 * validation of kube-scheduler (config/v1 types.go, validateExtenders) and kustomize, and, like
 * kube-scheduler's strict decoding, treat unknown fields as errors.
 */
import { isObj } from './manifests.js';
import type { Obj } from './manifests.js';

type Bad = (path: string, message: string) => void;

function unknownFields(o: Obj, known: readonly string[], path: string, bad: Bad): void {
  for (const k of Object.keys(o))
    if (!known.includes(k))
      bad(path === '' ? k : `${path}.${k}`, `unknown field (known: ${known.join(', ')})`);
}

function optional(o: Obj, key: string, type: 'string' | 'boolean' | 'number', path: string, bad: Bad): void {
  const v = o[key];
  if (v !== undefined && typeof v !== type)
    bad(`${path}${key}`, `expected a ${type}, got ${JSON.stringify(v)}`);
}

/** Go's time.ParseDuration syntax, as metav1.Duration decodes it ("2s", "1m30s", "500ms"). */
const GO_DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;
/** IsExtendedResourceName: a domain-prefixed name outside kubernetes.io, without requests. prefix. */
const QUALIFIED =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)\/([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;

export function isExtendedResourceName(name: string): boolean {
  const m = QUALIFIED.exec(name);
  if (m === null || name.length > 253) return false;
  const domain = m[1] ?? '';
  return !(domain === 'kubernetes.io' || domain.endsWith('.kubernetes.io') || name.startsWith('requests.'));
}

const EXTENDER_FIELDS = [
  'urlPrefix',
  'filterVerb',
  'preemptVerb',
  'prioritizeVerb',
  'weight',
  'bindVerb',
  'enableHTTPS',
  'tlsConfig',
  'httpTimeout',
  'nodeCacheCapable',
  'managedResources',
  'ignorable',
];
const TLS_FIELDS = [
  'insecure',
  'serverName',
  'certFile',
  'keyFile',
  'caFile',
  'certData',
  'keyData',
  'caData',
];
const TOP_FIELDS = [
  'apiVersion',
  'kind',
  'parallelism',
  'leaderElection',
  'clientConnection',
  'healthzBindAddress',
  'metricsBindAddress',
  'enableProfiling',
  'enableContentionProfiling',
  'percentageOfNodesToScore',
  'podInitialBackoffSeconds',
  'podMaxBackoffSeconds',
  'profiles',
  'extenders',
  'delayCacheUntilActive',
];
const LEADER_FIELDS = [
  'leaderElect',
  'leaseDuration',
  'renewDeadline',
  'retryPeriod',
  'resourceLock',
  'resourceName',
  'resourceNamespace',
];
const CLIENT_FIELDS = ['kubeconfig', 'acceptContentTypes', 'contentType', 'qps', 'burst'];

/** kubescheduler.config.k8s.io/v1 KubeSchedulerConfiguration. Returns `path: message` issues. */
export function kubeSchedulerConfigurationIssues(cfg: Obj): string[] {
  const issues: string[] = [];
  const bad: Bad = (path, message) => issues.push(`${path}: ${message}`);
  if (cfg['apiVersion'] !== 'kubescheduler.config.k8s.io/v1') {
    bad(
      'apiVersion',
      `expected kubescheduler.config.k8s.io/v1 (v1beta3 was removed in 1.29), got ${JSON.stringify(cfg['apiVersion'])}`,
    );
  }
  unknownFields(cfg, TOP_FIELDS, '', bad);
  const le = cfg['leaderElection'];
  if (le !== undefined) {
    if (!isObj(le)) bad('leaderElection', 'expected an object');
    else {
      unknownFields(le, LEADER_FIELDS, 'leaderElection', bad);
      optional(le, 'leaderElect', 'boolean', 'leaderElection.', bad);
      for (const k of ['resourceLock', 'resourceName', 'resourceNamespace'])
        optional(le, k, 'string', 'leaderElection.', bad);
      if (le['resourceLock'] !== undefined && le['resourceLock'] !== 'leases')
        bad('leaderElection.resourceLock', 'only "leases" is supported by current kube-scheduler');
      for (const k of ['leaseDuration', 'renewDeadline', 'retryPeriod']) {
        const v = le[k];
        if (v !== undefined && (typeof v !== 'string' || !GO_DURATION.test(v)))
          bad(`leaderElection.${k}`, 'expected a duration such as "15s"');
      }
    }
  }
  const cc = cfg['clientConnection'];
  if (cc !== undefined) {
    if (!isObj(cc)) bad('clientConnection', 'expected an object');
    else {
      unknownFields(cc, CLIENT_FIELDS, 'clientConnection', bad);
      optional(cc, 'kubeconfig', 'string', 'clientConnection.', bad);
    }
  }
  const profiles = cfg['profiles'];
  if (profiles !== undefined) {
    if (!Array.isArray(profiles)) bad('profiles', 'expected a list');
    else {
      const names = new Set<string>();
      profiles.forEach((p: unknown, i) => {
        if (!isObj(p)) return bad(`profiles[${i}]`, 'expected an object');
        unknownFields(
          p,
          ['schedulerName', 'percentageOfNodesToScore', 'plugins', 'pluginConfig'],
          `profiles[${i}]`,
          bad,
        );
        const n = p['schedulerName'];
        if (typeof n !== 'string' || n === '')
          return bad(`profiles[${i}].schedulerName`, 'expected a non-empty string');
        if (names.has(n)) bad(`profiles[${i}].schedulerName`, `duplicate scheduler name ${n}`);
        names.add(n);
      });
    }
  }
  const extenders = cfg['extenders'];
  if (extenders !== undefined) {
    if (!Array.isArray(extenders)) bad('extenders', 'expected a list');
    else {
      let binders = 0;
      extenders.forEach((e: unknown, i) => {
        const at = `extenders[${i}]`;
        if (!isObj(e)) return bad(at, 'expected an object');
        unknownFields(e, EXTENDER_FIELDS, at, bad);
        const url = e['urlPrefix'];
        if (typeof url !== 'string' || !/^https?:\/\/[^/\s]+/.test(url))
          bad(`${at}.urlPrefix`, 'required: an http(s) URL');
        else if (url.startsWith('https:') && e['enableHTTPS'] !== true)
          bad(`${at}.enableHTTPS`, 'an https urlPrefix needs enableHTTPS: true');
        for (const k of ['filterVerb', 'preemptVerb', 'prioritizeVerb', 'bindVerb'])
          optional(e, k, 'string', `${at}.`, bad);
        for (const k of ['enableHTTPS', 'nodeCacheCapable', 'ignorable'])
          optional(e, k, 'boolean', `${at}.`, bad);
        const weight = e['weight'];
        if (weight !== undefined && (typeof weight !== 'number' || !Number.isInteger(weight)))
          bad(`${at}.weight`, 'expected an integer');
        if (
          typeof e['prioritizeVerb'] === 'string' &&
          e['prioritizeVerb'] !== '' &&
          !(typeof weight === 'number' && weight > 0)
        ) {
          bad(`${at}.weight`, 'must have a positive weight applied to it (prioritizeVerb is set)');
        }
        if (typeof e['bindVerb'] === 'string' && e['bindVerb'] !== '') binders++;
        const timeout = e['httpTimeout'];
        if (timeout !== undefined && (typeof timeout !== 'string' || !GO_DURATION.test(timeout)))
          bad(`${at}.httpTimeout`, 'expected a duration such as "2s"');
        const tls = e['tlsConfig'];
        if (tls !== undefined) {
          if (!isObj(tls)) bad(`${at}.tlsConfig`, 'expected an object');
          else unknownFields(tls, TLS_FIELDS, `${at}.tlsConfig`, bad);
        }
        const managed = e['managedResources'];
        if (managed !== undefined) {
          if (!Array.isArray(managed)) return bad(`${at}.managedResources`, 'expected a list');
          const seen = new Set<string>();
          managed.forEach((r: unknown, j) => {
            const rp = `${at}.managedResources[${j}]`;
            if (!isObj(r)) return bad(rp, 'expected {name, ignoredByScheduler}');
            unknownFields(r, ['name', 'ignoredByScheduler'], rp, bad);
            const name = r['name'];
            if (typeof name !== 'string' || !isExtendedResourceName(name))
              return bad(
                `${rp}.name`,
                `expected an extended resource name such as sgx.intel.com/epc, got ${JSON.stringify(name)}`,
              );
            if (seen.has(name)) bad(`${rp}.name`, `duplicate resource ${name}`);
            seen.add(name);
            optional(r, 'ignoredByScheduler', 'boolean', `${rp}.`, bad);
          });
        }
      });
      if (binders > 1) bad('extenders', 'only one extender can implement bind');
    }
  }
  return issues;
}

/** kustomize.config.k8s.io/v1beta1 Kustomization: the fields we use, each resource a string. */
export function kustomizationIssues(k: Obj): string[] {
  const issues: string[] = [];
  const bad: Bad = (path, message) => issues.push(`${path}: ${message}`);
  const known = [
    'apiVersion',
    'kind',
    'resources',
    'namespace',
    'images',
    'labels',
    'commonLabels',
    'patches',
    'configMapGenerator',
    'generatorOptions',
    'components',
  ];
  unknownFields(k, known, '', bad);
  const resources = k['resources'];
  if (!Array.isArray(resources) || resources.some((r) => typeof r !== 'string' || r === ''))
    bad('resources', 'expected a list of paths');
  return issues;
}
