import { readFileSync } from 'node:fs';
import { buildProfile, POLICY_NAMES } from '../../core/index.js';
import { DEFAULT_MAX_BODY_BYTES } from '../../k8s/extender/limits.js';
import { prometheusUsage } from '../../k8s/usage/index.js';
import type { Command } from '../command.js';
import { CliError } from '../errors.js';
import {
  parseDuration as parseDurationFlag,
  parseFlags,
  parseHostPort,
  parseLogLevel,
  parseSeed,
  plainUsage,
  positiveInt,
  usageWithHint,
} from '../flags.js';
import { loadKube, loadProfileConfig, parseConvertOptions } from '../k8s-flags.js';
import {
  MEASURED_USAGE_HELP,
  MEASURED_USAGE_OPTIONS,
  prometheusOptions,
  prometheusUrl,
} from '../usage-flags.js';

const HELP = `Usage: sgx-orchestrator extender [options]

Serves kube-scheduler's extender protocol (filter, prioritize, optional bind) so that the stock
kube-scheduler places SGX pods with the same core, profile and rules as \`sgx-orchestrator scheduler\`.
Nodes without SGX come back in FailedAndUnresolvableNodes, nodes without enough free EPC now in
FailedNodes; scores are the profile's, mapped from 0..100 to kube-scheduler's 0..10. Works with
nodeCacheCapable: true (node names; nodes come from the extender's own informer cache) and with
full NodeLists. Configure kube-scheduler with deploy/extender/kube-scheduler-config.yaml.

Options:
  --listen <host:port>       where to serve (default 0.0.0.0:8888)
  --url-prefix <path>        path before the verbs, as in urlPrefix (default /: /filter, /prioritize, /bind)
  --profile <file>           scheduling profile, YAML or JSON (see docs/deploy.md); default: policy spread
  --policy <name>            shortcut for a profile with only this policy: ${POLICY_NAMES.join(', ')}
  --epc-resource <name>      EPC resource the nodes advertise (default sgx.intel.com/epc)
  --sgx-label <key=value>    also treat nodes with this label as SGX nodes
                             (e.g. feature.node.kubernetes.io/cpu-security.sgx.enabled=true)
${MEASURED_USAGE_HELP}  --bind                     serve the bind verb (set bindVerb: bind in the scheduler configuration)
  --tls-cert <file>          serve HTTPS with this certificate (PEM); needs --tls-key
  --tls-key <file>           private key of --tls-cert (PEM)
  --max-body-bytes <n>       largest accepted request (default ${DEFAULT_MAX_BODY_BYTES}, 10 MiB)
  --seed <n>                 seed of tie-breaking; same pod, cluster and seed give the same answer (default 1)
  --kubeconfig <file>        API server access (default: $KUBECONFIG, in-cluster, ~/.kube/config)
  --context <name>           kubeconfig context
  --log-level <level>        debug, info, warn or error (default info); logs are JSON lines on stderr
  --shutdown-grace <dur>     on SIGTERM, /readyz answers 503 and requests are still answered for this
                             long, then the server drains (default 5s; keep it under the pod's
                             terminationGracePeriodSeconds)
  -h, --help                 this help

Endpoints: POST <prefix>/filter, <prefix>/prioritize, <prefix>/bind; GET /healthz, /readyz (503 until
the node and pod caches are synced), /metrics (Prometheus). Stops cleanly on SIGTERM or SIGINT.
`;

function parseDuration(flag: string, text: string): number {
  return parseDurationFlag(flag, text, plainUsage);
}

export const command: Command = {
  name: 'extender',
  summary: 'kube-scheduler extender (filter, prioritize, bind) over HTTP(S), backed by the SGX-aware core',
  help: HELP,
  async run(argv) {
    const { values } = parseFlags(
      argv,
      {
        listen: { type: 'string', default: '0.0.0.0:8888' },
        'url-prefix': { type: 'string', default: '/' },
        profile: { type: 'string' },
        policy: { type: 'string' },
        'epc-resource': { type: 'string', default: 'sgx.intel.com/epc' },
        'sgx-label': { type: 'string' },
        bind: { type: 'boolean', default: false },
        ...MEASURED_USAGE_OPTIONS,
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'max-body-bytes': { type: 'string' },
        seed: { type: 'string', default: '1' },
        kubeconfig: { type: 'string' },
        context: { type: 'string' },
        'log-level': { type: 'string', default: 'info' },
        'shutdown-grace': { type: 'string', default: '5s' },
      },
      usageWithHint('extender'),
    );
    const { host, port } = parseHostPort('--listen', values.listen, '0.0.0.0:8888', plainUsage);
    const config = loadProfileConfig(values.profile, values.policy, plainUsage);
    const promUrl = prometheusUrl(values, plainUsage);
    const intervalMs = parseDuration('--usage-interval', values['usage-interval']);
    // Live clock: milliseconds. A profile without a bound gets the --usage-max-age one.
    const maxAgeMs = config.measuredMaxAge ?? parseDuration('--usage-max-age', values['usage-max-age']);
    const profile = buildProfile({ ...config, measuredMaxAge: maxAgeMs });
    const convert = parseConvertOptions(values, plainUsage);
    const level = parseLogLevel(values['log-level'], plainUsage);
    const certPath = values['tls-cert'];
    const keyPath = values['tls-key'];
    if ((certPath === undefined) !== (keyPath === undefined)) {
      throw new CliError('usage', '--tls-cert and --tls-key go together');
    }
    let tls: { cert: Buffer; key: Buffer } | undefined;
    if (certPath !== undefined && keyPath !== undefined) {
      try {
        tls = { cert: readFileSync(certPath), key: readFileSync(keyPath) };
      } catch (err) {
        throw new CliError('config', `cannot read the TLS files: ${(err as Error).message}`);
      }
    }
    const seed = parseSeed(values.seed, plainUsage);
    const graceMs = parseDuration('--shutdown-grace', values['shutdown-grace']);
    const maxBody =
      values['max-body-bytes'] === undefined
        ? DEFAULT_MAX_BODY_BYTES
        : positiveInt('--max-body-bytes', values['max-body-bytes'], plainUsage);

    // The Kubernetes client takes seconds to load: only once the flags are known to be good.
    const { jsonLogger } = await import('../../k8s/client/log.js');
    const { startExtenderApp } = await import('../../k8s/extender/app.js');
    const { ExtenderMetrics } = await import('../../k8s/extender/metrics.js');
    const { collectDefaultMetrics } = await import('prom-client');
    const metrics = new ExtenderMetrics();
    // Process metrics (CPU, heap, event-loop lag) beside the extender's own.
    collectDefaultMetrics({ register: metrics.registry });
    const usageOpts =
      promUrl === undefined
        ? undefined
        : {
            source: prometheusUsage(prometheusOptions(promUrl, values, parseDuration)),
            intervalMs,
            maxAgeMs,
          };
    const kube = await loadKube(values);
    const log = jsonLogger((line) => process.stderr.write(line), {
      minLevel: level,
      component: 'extender',
    });
    let app;
    try {
      app = await startExtenderApp({
        metrics,
        kc: kube.kc,
        profile,
        convert,
        seed,
        log,
        host,
        port,
        urlPrefix: values['url-prefix'],
        maxBodyBytes: maxBody,
        ...(tls === undefined ? {} : { tls }),
        bind: values.bind,
        ...(usageOpts === undefined ? {} : { usage: usageOpts }),
      });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'EADDRINUSE' || e.code === 'EACCES') {
        throw new CliError('unavailable', `cannot listen on ${values.listen}: ${e.message}`);
      }
      throw err;
    }
    log('info', 'extender listening', {
      url: app.server.url,
      profile: profile.config.name,
      policy: profile.config.policy,
      bind: values.bind,
      usage: usageOpts === undefined ? 'requests only' : `prometheus ${promUrl ?? ''}`,
      kubeconfig: kube.source,
    });
    app.synced.catch(() => undefined);
    await new Promise<void>((resolve) => {
      const stop = (signal: string): void => {
        log('info', 'shutting down', { signal });
        process.off('SIGTERM', onTerm);
        process.off('SIGINT', onInt);
        void app.drain(graceMs).then(() => {
          kube.closeConnections();
          resolve();
        });
      };
      const onTerm = (): void => stop('SIGTERM');
      const onInt = (): void => stop('SIGINT');
      process.on('SIGTERM', onTerm);
      process.on('SIGINT', onInt);
    });
    return 0;
  },
};
