import { hostname } from 'node:os';
import { buildProfile, POLICY_NAMES } from '../../core/index.js';
import type { Profile } from '../../core/index.js';
import { jsonLogger } from '../../k8s/client/log.js';
import { Scheduler } from '../../k8s/scheduler/scheduler.js';
import { startHealthServer } from '../../k8s/scheduler/health.js';
import { noUsage, prometheusUsage } from '../../k8s/usage/index.js';
import type { UsageSource } from '../../k8s/usage/index.js';
import type { Command } from '../command.js';
import { CliError } from '../errors.js';
import { parseFlags, parseHostPort, parseLogLevel, parseSeed, positiveInt, usageWithHint } from '../flags.js';
import { loadKube, loadProfileConfig, parseConvertOptions } from '../k8s-flags.js';
import {
  MEASURED_USAGE_HELP,
  MEASURED_USAGE_OPTIONS,
  prometheusOptions,
  prometheusUrl,
} from '../usage-flags.js';

const HELP = `Usage: sgx-orchestrator scheduler [options]

A Kubernetes scheduler of its own for pods that set spec.schedulerName to --scheduler-name. Each
pod is placed by the SGX-aware core (the same code and profile the simulator replays), then bound
through pods/binding with its UID as precondition. SGX pods go only where EPC is free, measured
(through Prometheus, from the node agent's metrics) or requested, whichever is larger; standard
pods stay off SGX nodes while standard nodes have room. A pod that fits nowhere gets
PodScheduled=False with the reasons per node group and a FailedScheduling event, and is retried
with back-off (1 s doubling to 10 s). With leader election (the default) only the holder of the
Lease schedules, so two or more replicas can run.

Options:
  --scheduler-name <name>    pods with this spec.schedulerName are ours (default sgx-scheduler)
  --profile <file>           scheduling profile, YAML or JSON (see docs/scheduler.md); default: policy spread
  --policy <name>            shortcut for a profile with only this policy: ${POLICY_NAMES.join(', ')}
  --epc-resource <name>      EPC resource the nodes advertise (default sgx.intel.com/epc)
  --sgx-label <key=value>    also treat nodes with this label as SGX nodes
  --seed <n>                 seed of tie-breaking; same pod, cluster and seed give the same node (default 1)

${MEASURED_USAGE_HELP}
  --leader-elect[=false]     compete for a Lease and schedule only while holding it (default true)
  --lease-namespace <ns>     namespace of the Lease (default $POD_NAMESPACE, else the kubeconfig's, else default)
  --lease-name <name>        name of the Lease (default: the scheduler name)
  --lease-duration <dur>     how long a lease holds without renewal (default 15s)
  --renew-deadline <dur>     the leader stops scheduling if it cannot renew within this (default 10s)
  --retry-period <dur>       time between acquire/renew attempts (default 2s)
  --identity <name>          this replica in the Lease and in events (default $POD_NAME, else host_pid)

  --listen <host:port>       /metrics, /healthz, /readyz (default 0.0.0.0:10251)
  --max-binds-in-flight <n>  bindings sent in parallel (default 128)
  --kubeconfig <file>        API server access (default: $KUBECONFIG, in-cluster, ~/.kube/config)
  --context <name>           kubeconfig context
  --log-level <level>        debug, info, warn or error (default info); logs are JSON lines on stderr
  -h, --help                 this help

Durations: 500ms, 15s, 2m or plain seconds. Stops cleanly on SIGTERM or SIGINT: bindings in flight
finish, the lease is released so another replica takes over at once.
`;

const usage = usageWithHint('scheduler');

/** `500ms`, `15s`, `2m`, `1h` or plain seconds, to milliseconds. */
export function parseDuration(flag: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (m === null) throw usage(`${flag} ${text}: expected a duration such as 500ms, 15s or 2m`);
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  const ms = unit === 'ms' ? n : unit === 's' ? n * 1000 : unit === 'm' ? n * 60_000 : n * 3_600_000;
  if (!(ms > 0)) throw usage(`${flag} ${text}: must be more than zero`);
  return ms;
}

/** `--leader-elect=false` as kube-scheduler spells it; node's parseArgs wants `--no-leader-elect`. */
function normaliseBooleans(argv: readonly string[]): string[] {
  return argv.map((a) =>
    a === '--leader-elect=false' ? '--no-leader-elect' : a === '--leader-elect=true' ? '--leader-elect' : a,
  );
}

export const command: Command = {
  name: 'scheduler',
  summary: 'SGX-aware Kubernetes scheduler (spec.schedulerName), leader-elected, backed by the core',
  help: HELP,
  async run(argv) {
    const { values } = parseFlags(
      normaliseBooleans(argv),
      {
        'scheduler-name': { type: 'string', default: 'sgx-scheduler' },
        profile: { type: 'string' },
        policy: { type: 'string' },
        'epc-resource': { type: 'string', default: 'sgx.intel.com/epc' },
        'sgx-label': { type: 'string' },
        seed: { type: 'string', default: '1' },
        ...MEASURED_USAGE_OPTIONS,
        'leader-elect': { type: 'boolean', default: true },
        'no-leader-elect': { type: 'boolean', default: false },
        'lease-namespace': { type: 'string' },
        'lease-name': { type: 'string' },
        'lease-duration': { type: 'string', default: '15s' },
        'renew-deadline': { type: 'string', default: '10s' },
        'retry-period': { type: 'string', default: '2s' },
        identity: { type: 'string' },
        listen: { type: 'string', default: '0.0.0.0:10251' },
        'max-binds-in-flight': { type: 'string', default: '128' },
        kubeconfig: { type: 'string' },
        context: { type: 'string' },
        'log-level': { type: 'string', default: 'info' },
      },
      usage,
    );
    const level = parseLogLevel(values['log-level'], usage);
    const log = jsonLogger((line) => process.stderr.write(line), {
      minLevel: level,
      component: 'scheduler',
    });
    const schedulerName = values['scheduler-name'];
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(schedulerName))
      throw usage(`--scheduler-name ${schedulerName}: expected a lower-case DNS name such as sgx-scheduler`);
    const { host, port } = parseHostPort('--listen', values.listen, '0.0.0.0:10251', usage);
    const seed = parseSeed(values.seed, usage);

    const convert = parseConvertOptions(values, usage);

    // Measured usage.
    const url = prometheusUrl(values, usage);
    const intervalMs = parseDuration('--usage-interval', values['usage-interval']);
    let maxAgeMs = parseDuration('--usage-max-age', values['usage-max-age']);
    const source: UsageSource =
      url === undefined ? noUsage : prometheusUsage(prometheusOptions(url, values, parseDuration));

    const config = loadProfileConfig(values.profile, values.policy, usage);
    if (config.measuredMaxAge !== undefined) maxAgeMs = config.measuredMaxAge;
    // Live clock: milliseconds. A measured profile without a bound gets the --usage-max-age one.
    const profile: Profile = buildProfile(
      config.measuredMaxAge === undefined ? { ...config, measuredMaxAge: maxAgeMs } : config,
    );
    if (source === noUsage && config.usage === 'measured')
      log(
        'info',
        'no measured-usage source: EPC and memory count by requests (give --prometheus-url to measure)',
        {},
      );

    const loaded = await loadKube(values);
    const identity = values.identity ?? process.env['POD_NAME'] ?? `${hostname()}_${process.pid}`;
    const leaderElect = values['leader-elect'] && !values['no-leader-elect'];
    const leaseNamespace =
      values['lease-namespace'] ??
      process.env['POD_NAMESPACE'] ??
      loaded.kc.getContextObject(loaded.kc.getCurrentContext())?.namespace ??
      'default';
    const leaseDurationMs = parseDuration('--lease-duration', values['lease-duration']);
    const renewDeadlineMs = parseDuration('--renew-deadline', values['renew-deadline']);
    const retryPeriodMs = parseDuration('--retry-period', values['retry-period']);
    if (!(leaseDurationMs > renewDeadlineMs && renewDeadlineMs > 1.2 * retryPeriodMs))
      throw usage('leader election needs --lease-duration > --renew-deadline > 1.2 x --retry-period');

    const scheduler = new Scheduler({
      kc: loaded.kc,
      schedulerName,
      profile,
      convert,
      log,
      identity,
      seed,
      maxBindsInFlight: positiveInt('--max-binds-in-flight', values['max-binds-in-flight'], usage),
      ...(leaderElect
        ? {
            leaderElection: {
              namespace: leaseNamespace,
              name: values['lease-name'] ?? schedulerName,
              leaseDurationMs,
              renewDeadlineMs,
              retryPeriodMs,
            },
          }
        : {}),
      usage: { source, intervalMs, maxAgeMs },
    });
    let health;
    try {
      health = await startHealthServer(
        {
          get ready() {
            return scheduler.ready;
          },
          get healthy() {
            return scheduler.healthy;
          },
          registry: scheduler.metrics.registry,
        },
        host,
        port,
      );
    } catch (err) {
      throw new CliError('unavailable', `cannot listen on ${values.listen}: ${(err as Error).message}`);
    }
    log('info', 'serving metrics and health', { url: health.url, kubeconfig: loaded.source });

    return await new Promise<number>((resolve) => {
      let stopping = false;
      const shutdown = (signal: string): void => {
        if (stopping) return;
        stopping = true;
        log('info', 'shutting down', { signal });
        void (async () => {
          await scheduler.stop();
          await health.close();
          loaded.closeConnections();
          process.off('SIGTERM', onTerm);
          process.off('SIGINT', onInt);
          resolve(0);
        })();
      };
      const onTerm = (): void => shutdown('SIGTERM');
      const onInt = (): void => shutdown('SIGINT');
      process.on('SIGTERM', onTerm);
      process.on('SIGINT', onInt);
      scheduler.start().catch((err: unknown) => {
        log('error', 'scheduler failed to start', { error: (err as Error).message });
        shutdown('error');
      });
    });
  },
};
