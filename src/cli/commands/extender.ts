import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { buildProfile, formatConfigIssues, parseProfileConfig, POLICY_NAMES } from '../../core/index.js';
import type { ProfileConfig } from '../../core/index.js';
import type { LogLevel } from '../../k8s/client/log.js';
import { parseEpcResource } from '../../k8s/extender/convert.js';
import type { ConvertOptions } from '../../k8s/extender/convert.js';
import { DEFAULT_MAX_BODY_BYTES } from '../../k8s/extender/limits.js';
import { DEFAULT_EPC_QUERY, DEFAULT_TIMESTAMP_QUERY, prometheusUsage } from '../../k8s/usage/index.js';
import type { Command } from '../command.js';
import { CliError } from '../errors.js';
import { USAGE_WINDOW_HELP, USAGE_WINDOW_OPTIONS, usageWindowOptions } from '../usage-flags.js';

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
  --prometheus-url <url>     measured usage from this Prometheus (enables --usage-source prometheus)
  --usage-source <name>      none (requests only) or prometheus (default: prometheus if --prometheus-url)
  --usage-query <promql>     per-node EPC in use, bytes, by label node (default: the node agent's metrics,
                             ${DEFAULT_EPC_QUERY})
  --usage-timestamp-query <promql>
                             per-node time of the sample, seconds (default ${DEFAULT_TIMESTAMP_QUERY})
  --usage-memory-query <promql>
                             per-node memory in use, bytes (default: none, memory counts by requests)
  --usage-interval <dur>     how often to query (default 5s)
  --usage-max-age <dur>      samples older than this are ignored, requests used instead (default 60s;
                             a profile's measuredMaxAge, in ms, takes precedence)
${USAGE_WINDOW_HELP}  --bind                     serve the bind verb (set bindVerb: bind in the scheduler configuration)
  --tls-cert <file>          serve HTTPS with this certificate (PEM); needs --tls-key
  --tls-key <file>           private key of --tls-cert (PEM)
  --max-body-bytes <n>       largest accepted request (default ${DEFAULT_MAX_BODY_BYTES}, 10 MiB)
  --seed <n>                 seed of tie-breaking; same pod, cluster and seed give the same answer (default 1)
  --kubeconfig <file>        API server access (default: $KUBECONFIG, in-cluster, ~/.kube/config)
  --context <name>           kubeconfig context
  --log-level <level>        debug, info, warn or error (default info); logs are JSON lines on stderr
  -h, --help                 this help

Endpoints: POST <prefix>/filter, <prefix>/prioritize, <prefix>/bind; GET /healthz, /readyz (503 until
the node and pod caches are synced), /metrics (Prometheus). Stops cleanly on SIGTERM or SIGINT.
`;

function loadProfileConfig(path: string | undefined, policy: string | undefined): ProfileConfig {
  if (path !== undefined && policy !== undefined)
    throw new CliError('usage', 'give --profile or --policy, not both');
  let input: unknown = { policy: policy ?? 'spread' };
  if (path !== undefined) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new CliError('config', `cannot read profile ${path}: ${(err as Error).message}`);
    }
    try {
      input = parseYaml(text) as unknown;
    } catch (err) {
      throw new CliError(
        'config',
        `${path}: not valid YAML or JSON: ${(err as Error).message.split('\n')[0] ?? ''}`,
      );
    }
  }
  const parsed = parseProfileConfig(input);
  if (!parsed.ok) {
    const where = path ?? `--policy ${policy ?? ''}`;
    throw new CliError('config', `${where}: invalid profile:\n${formatConfigIssues(parsed.issues)}`);
  }
  return parsed.value;
}

/** 500ms, 15s, 2m or plain seconds, in milliseconds. */
function parseDuration(flag: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text);
  const ms = m === null ? NaN : Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 'm' ? 60_000 : 1000);
  if (!(ms > 0)) throw new CliError('usage', `${flag} ${text}: expected a duration such as 500ms, 15s or 2m`);
  return ms;
}

function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(text);
  const port = Number(m?.[3]);
  if (m === null || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CliError('usage', `--listen ${text}: expected host:port, e.g. 0.0.0.0:8888 or 127.0.0.1:0`);
  }
  const host = m[1] ?? m[2] ?? '';
  return { host: host === '' ? '0.0.0.0' : host, port };
}

function positiveInt(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new CliError('usage', `${flag} ${text}: expected a positive integer`);
  return n;
}

export const command: Command = {
  name: 'extender',
  summary: 'kube-scheduler extender (filter, prioritize, bind) over HTTP(S), backed by the SGX-aware core',
  help: HELP,
  async run(argv) {
    let values;
    try {
      ({ values } = parseArgs({
        args: [...argv],
        strict: true,
        allowPositionals: false,
        options: {
          listen: { type: 'string', default: '0.0.0.0:8888' },
          'url-prefix': { type: 'string', default: '/' },
          profile: { type: 'string' },
          policy: { type: 'string' },
          'epc-resource': { type: 'string', default: 'sgx.intel.com/epc' },
          'sgx-label': { type: 'string' },
          bind: { type: 'boolean', default: false },
          'prometheus-url': { type: 'string' },
          'usage-source': { type: 'string' },
          'usage-query': { type: 'string' },
          'usage-timestamp-query': { type: 'string' },
          'usage-memory-query': { type: 'string' },
          'usage-interval': { type: 'string', default: '5s' },
          'usage-max-age': { type: 'string', default: '60s' },
          ...USAGE_WINDOW_OPTIONS,
          'tls-cert': { type: 'string' },
          'tls-key': { type: 'string' },
          'max-body-bytes': { type: 'string' },
          seed: { type: 'string', default: '1' },
          kubeconfig: { type: 'string' },
          context: { type: 'string' },
          'log-level': { type: 'string', default: 'info' },
        },
      }));
    } catch (err) {
      throw new CliError(
        'usage',
        `${(err as Error).message}\nRun \`sgx-orchestrator extender --help\` for the options.`,
      );
    }
    const { host, port } = parseListen(values.listen);
    const config = loadProfileConfig(values.profile, values.policy);
    const sourceName =
      values['usage-source'] ?? (values['prometheus-url'] !== undefined ? 'prometheus' : 'none');
    if (sourceName !== 'none' && sourceName !== 'prometheus') {
      throw new CliError('usage', `--usage-source ${sourceName}: expected none or prometheus`);
    }
    const promUrl = values['prometheus-url'];
    if (sourceName === 'prometheus') {
      if (promUrl === undefined)
        throw new CliError('usage', '--usage-source prometheus needs --prometheus-url');
      if (!URL.canParse(promUrl)) {
        throw new CliError(
          'usage',
          `--prometheus-url ${promUrl}: expected a URL such as http://prometheus.monitoring.svc:9090`,
        );
      }
    }
    const intervalMs = parseDuration('--usage-interval', values['usage-interval']);
    // Live clock: milliseconds. A profile without a bound gets the --usage-max-age one.
    const maxAgeMs = config.measuredMaxAge ?? parseDuration('--usage-max-age', values['usage-max-age']);
    const profile = buildProfile({ ...config, measuredMaxAge: maxAgeMs });
    let convert: ConvertOptions;
    try {
      const epcResource = parseEpcResource(values['epc-resource']);
      const label = values['sgx-label'];
      if (label !== undefined && !/^[^=]+=[^=]*$/.test(label))
        throw new Error(`--sgx-label ${label}: expected key=value`);
      const [key = '', value = ''] = label?.split('=') ?? [];
      convert = label === undefined ? { epcResource } : { epcResource, sgxLabel: { key, value } };
    } catch (err) {
      throw new CliError('usage', (err as Error).message);
    }
    const level = values['log-level'];
    if (!['debug', 'info', 'warn', 'error'].includes(level)) {
      throw new CliError('usage', `--log-level ${level}: expected debug, info, warn or error`);
    }
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
    const seed = Number(values.seed);
    if (!Number.isSafeInteger(seed))
      throw new CliError('usage', `--seed ${values.seed}: expected an integer`);
    const maxBody =
      values['max-body-bytes'] === undefined
        ? DEFAULT_MAX_BODY_BYTES
        : positiveInt('--max-body-bytes', values['max-body-bytes']);

    // The Kubernetes client takes seconds to load: only once the flags are known to be good.
    const { loadKubeConfig, KubeConfigError } = await import('../../k8s/client/kubeconfig.js');
    const { jsonLogger } = await import('../../k8s/client/log.js');
    const { startExtenderApp } = await import('../../k8s/extender/app.js');
    const { ExtenderMetrics } = await import('../../k8s/extender/metrics.js');
    const { collectDefaultMetrics } = await import('prom-client');
    const metrics = new ExtenderMetrics();
    // Process metrics (CPU, heap, event-loop lag) beside the extender's own.
    collectDefaultMetrics({ register: metrics.registry });
    const usageOpts =
      sourceName === 'prometheus' && promUrl !== undefined
        ? {
            source: prometheusUsage({
              url: promUrl,
              ...usageWindowOptions(values, parseDuration),
              ...(values['usage-query'] === undefined ? {} : { epcQuery: values['usage-query'] }),
              ...(values['usage-timestamp-query'] === undefined
                ? {}
                : { timestampQuery: values['usage-timestamp-query'] }),
              ...(values['usage-memory-query'] === undefined
                ? {}
                : { memoryQuery: values['usage-memory-query'] }),
            }),
            intervalMs,
            maxAgeMs,
          }
        : undefined;
    let kube;
    try {
      kube = loadKubeConfig({
        ...(values.kubeconfig === undefined ? {} : { path: values.kubeconfig }),
        ...(values.context === undefined ? {} : { context: values.context }),
      });
    } catch (err) {
      if (err instanceof KubeConfigError) throw new CliError('config', err.message);
      throw err;
    }
    const log = jsonLogger((line) => process.stderr.write(line), {
      minLevel: level as LogLevel,
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
        void app.close().then(() => {
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
