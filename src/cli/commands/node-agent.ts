import { hostname } from 'node:os';
import type { AddressInfo } from 'node:net';
import { resolve as resolvePath } from 'node:path';
import { isEpcResourceName, EPC_RESOURCE_NAMES, type EpcResourceName } from '../../core/index.js';
import { jsonLogger, type Logger } from '../../k8s/client/log.js';
import {
  DEFAULT_DEVICE_PLUGIN_DIR,
  DevicePluginRunner,
  SharedDeviceService,
  sgxResources,
  validateResourceName,
} from '../../k8s/device-plugin/index.js';
import {
  allocationEnv,
  createMetricsServer,
  describeProblem,
  discoverSgx,
  NodeAgentMetrics,
  Sampler,
  selectBackends,
  UNREQUESTED_EPC_POLICIES,
  type CgroupDriver,
  type NodePod,
  type UnrequestedEpcPolicy,
} from '../../node-agent/index.js';
import type { Command } from '../command.js';
import { CliError } from '../errors.js';
import {
  parseDuration as parseDurationFlag,
  parseFlags,
  parseHostPort,
  parseLogLevel,
  plainUsage,
  usageWithHelp,
} from '../flags.js';
import { hostFromFlag, parseEpcBytes } from './discover.js';

const HELP = `Usage: sgx-orchestrator node-agent [options]

Runs on every node (a DaemonSet: deploy/node-agent/). It discovers the node's SGX, advertises its EPC
as an extended resource on the node status and labels SGX nodes, serves the SGX device nodes to the
kubelet as a device plugin, reads each pod's EPC usage from the misc cgroup (misc.current, sgx_epc)
and holds each pod to its EPC limit (misc.max), and exports all of it as Prometheus metrics. Where the
kernel has no sgx_epc misc resource (upstream kernels so far), usage is reported unmeasured and limits
unenforced, and everything else keeps working. Details: docs/node-agent.md; metrics: docs/metrics.md.

Options:
  --node-name <name>            this node (default $NODE_NAME, else the host name)
  --host-root <dir>             where the host's /proc, /sys and /dev are mounted (default /)
  --epc-resource <name>         EPC resource to advertise: ${EPC_RESOURCE_NAMES.join(', ')}
                                (default sgx.intel.com/epc, bytes; intel.com/sgx counts 4 KiB pages)
  --epc-bytes <qty>             EPC size when the kernel does not report it (e.g. 93.5Mi)
  --sgx-label <key=value>       label for SGX nodes (default sgx.intel.com/capable=true); removed from a
                                node without SGX only if the agent added it, never if found in place
  --device-plugin-dir <dir>     the kubelet's device-plugins directory (default ${DEFAULT_DEVICE_PLUGIN_DIR})
  --enclave-resource <name>     device plugin resource for the enclave device (default sgx.intel.com/enclave)
  --provision-resource <name>   resource for /dev/sgx_provision, or "none" (default sgx.intel.com/provision)
  --slots <n>                   containers per node that may hold each device at once (default 110)
  --no-device-plugin            do not serve the device plugin
  --no-node-status              do not patch the node's capacity and label
  --standalone                  no API server at all: no node status, pods known only by cgroup UID
  --enforce-limits <bool>       write pod EPC limits to misc.max where the kernel allows (default true)
  --unrequested-epc <policy>    limit of pods that ask for no EPC: ${UNREQUESTED_EPC_POLICIES.join(' or ')}
                                (default zero: no enclave without a declared EPC size, as in the paper)
  --cgroup-driver <name>        auto, systemd or cgroupfs (default auto: whichever hierarchy exists)
  --sample-interval <dur>       how often usage is read and limits enforced (default 7s, the paper's probe)
  --node-status-interval <dur>  how often the node status is checked and repaired (default 60s)
  --rediscover-interval <dur>   how often discovery runs again; when its findings change (driver loaded,
                                EPC cgroup appeared) the agent stops with status 75 to be restarted (default 60s)
  --metrics-address <host:port> where /metrics and /healthz are served (default 0.0.0.0:9102)
  --kubeconfig <file>           API server access (default: $KUBECONFIG, in-cluster, ~/.kube/config)
  --context <name>              kubeconfig context
  --log-level <level>           debug, info, warn or error (default info); JSON lines on stderr
  -h, --help                    this help

Stops cleanly on SIGTERM or SIGINT (the device plugin socket is removed): exit status 0; 75 when the
node's SGX changed; 2 for bad options, 3 for bad configuration (kubeconfig, a --host-root without proc
and sys, a device-plugins directory or metrics address that cannot be served); on a startup failure
whatever had started is stopped first.
`;

/** Exit status when the node's SGX changed and the agent stops to be restarted (EX_TEMPFAIL). */
const EXIT_RESTART = 75;

function parseDuration(flag: string, text: string): number {
  return parseDurationFlag(flag, text, plainUsage, '500ms, 7s or 1m');
}

function parseLabel(text: string): { key: string; value: string } {
  const i = text.indexOf('=');
  if (i <= 0)
    throw new CliError('usage', `--sgx-label ${text}: expected key=value, e.g. sgx.intel.com/capable=true`);
  return { key: text.slice(0, i), value: text.slice(i + 1) };
}

function parseBool(flag: string, text: string): boolean {
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new CliError('usage', `${flag} ${text}: expected true or false`);
}

function resourceFlag(flag: string, text: string): string {
  const bad = validateResourceName(text);
  if (bad !== undefined) throw new CliError('usage', `${flag}: ${bad}`);
  return text;
}

export const command: Command = {
  name: 'node-agent',
  summary:
    'per-node agent: SGX discovery, EPC capacity, device plugin, per-pod EPC usage and limits, metrics',
  help: HELP,
  async run(argv) {
    const { values } = parseFlags(
      argv,
      {
        'node-name': { type: 'string' },
        'host-root': { type: 'string', default: '/' },
        'epc-resource': { type: 'string', default: 'sgx.intel.com/epc' },
        'epc-bytes': { type: 'string' },
        'sgx-label': { type: 'string', default: 'sgx.intel.com/capable=true' },
        'device-plugin-dir': { type: 'string', default: DEFAULT_DEVICE_PLUGIN_DIR },
        'enclave-resource': { type: 'string', default: 'sgx.intel.com/enclave' },
        'provision-resource': { type: 'string', default: 'sgx.intel.com/provision' },
        slots: { type: 'string', default: '110' },
        'no-device-plugin': { type: 'boolean', default: false },
        'no-node-status': { type: 'boolean', default: false },
        standalone: { type: 'boolean', default: false },
        'enforce-limits': { type: 'string', default: 'true' },
        'unrequested-epc': { type: 'string', default: 'zero' },
        'cgroup-driver': { type: 'string', default: 'auto' },
        'sample-interval': { type: 'string', default: '7s' },
        'node-status-interval': { type: 'string', default: '60s' },
        'rediscover-interval': { type: 'string', default: '60s' },
        'metrics-address': { type: 'string', default: '0.0.0.0:9102' },
        kubeconfig: { type: 'string' },
        context: { type: 'string' },
        'log-level': { type: 'string', default: 'info' },
      },
      usageWithHelp(HELP),
    );

    const nodeName = values['node-name'] ?? process.env['NODE_NAME'] ?? hostname();
    const epcResourceText = values['epc-resource'];
    if (!isEpcResourceName(epcResourceText)) {
      throw new CliError(
        'usage',
        `--epc-resource ${epcResourceText}: expected one of ${EPC_RESOURCE_NAMES.join(', ')}`,
      );
    }
    const epcResource: EpcResourceName = epcResourceText;
    const epcOverride = values['epc-bytes'] === undefined ? undefined : parseEpcBytes(values['epc-bytes']);
    const label = parseLabel(values['sgx-label']);
    const enclaveResource = resourceFlag('--enclave-resource', values['enclave-resource']);
    const provisionResource =
      values['provision-resource'] === 'none'
        ? undefined
        : resourceFlag('--provision-resource', values['provision-resource']);
    for (const r of [enclaveResource, provisionResource]) {
      if (r === epcResource) {
        // The kubelet owns the capacity of device plugin resources and would overwrite the EPC.
        throw new CliError('usage', `${r} cannot be both the EPC resource and a device plugin resource`);
      }
    }
    const slots = Number(values.slots);
    if (!Number.isInteger(slots) || slots < 1 || slots > 100_000) {
      throw new CliError('usage', `--slots ${values.slots}: expected a whole number from 1 to 100000`);
    }
    const enforce = parseBool('--enforce-limits', values['enforce-limits']);
    const unrequested = values['unrequested-epc'];
    if (!(UNREQUESTED_EPC_POLICIES as readonly string[]).includes(unrequested)) {
      throw new CliError(
        'usage',
        `--unrequested-epc ${unrequested}: expected ${UNREQUESTED_EPC_POLICIES.join(' or ')}`,
      );
    }
    const driverText = values['cgroup-driver'];
    if (!['auto', 'systemd', 'cgroupfs'].includes(driverText)) {
      throw new CliError('usage', `--cgroup-driver ${driverText}: expected auto, systemd or cgroupfs`);
    }
    const cgroupDriver = driverText === 'auto' ? undefined : (driverText as CgroupDriver);
    const sampleMs = parseDuration('--sample-interval', values['sample-interval']);
    const statusMs = parseDuration('--node-status-interval', values['node-status-interval']);
    const rediscoverMs = parseDuration('--rediscover-interval', values['rediscover-interval']);
    const address = parseHostPort('--metrics-address', values['metrics-address'], '0.0.0.0:9102', plainUsage);
    const level = parseLogLevel(values['log-level'], plainUsage);
    // Absolute, because the sockets in it are given to gRPC as unix: addresses, where a relative
    // path would be read as a host name.
    const pluginDir = resolvePath(values['device-plugin-dir']);
    const log: Logger = jsonLogger((l) => process.stderr.write(l), {
      minLevel: level,
      component: 'node-agent',
    });

    // Discovery
    const host = await hostFromFlag(values['host-root']);
    const discovery = await discoverSgx(
      host,
      epcOverride === undefined ? {} : { epcOverrideBytes: epcOverride },
    );
    const metrics = new NodeAgentMetrics(nodeName);
    metrics.recordDiscovery(discovery);
    log('info', 'SGX discovered', {
      node: nodeName,
      capable: discovery.sgxCapable,
      driver: discovery.driver,
      epcBytes: discovery.epc.totalBytes,
      epcSource: discovery.epc.source,
      sgxEpcCgroup: discovery.cgroup.sgxEpcMisc,
    });
    for (const n of discovery.notes) log('info', n, { node: nodeName });
    for (const p of discovery.problems)
      log('warn', `discovery: ${describeProblem(p)}`, { file: p.file, reason: p.reason });

    // Kubernetes: the pods of this node, and the node status
    // Everything started below is stopped through `stops`, in reverse order, on the way out: after
    // SIGTERM, after a discovery change, and also when a later part fails to start, since the pod
    // watch and the node status timers would otherwise keep the process running (and patching the
    // node) after the error was reported.
    const stops: (() => Promise<void> | void)[] = [];
    let exitCode = 0;
    try {
      let pods: () => readonly NodePod[] = () => [];
      if (!values.standalone) {
        // Loaded only when needed: the Kubernetes client takes seconds to import, and --standalone
        // (and the device plugin) do not use it.
        const [{ loadKubeConfig }, { NodePodsWatcher }, { NodeStatusReconciler }] = await Promise.all([
          import('../../k8s/client/kubeconfig.js'),
          import('../../k8s/node-pods/index.js'),
          import('../../k8s/node-status/index.js'),
        ]);
        let kc;
        try {
          kc = loadKubeConfig({
            ...(values.kubeconfig === undefined ? {} : { path: values.kubeconfig }),
            ...(values.context === undefined ? {} : { context: values.context }),
          });
        } catch (err) {
          throw new CliError('config', `${(err as Error).message} (or run with --standalone)`);
        }
        const watcher = new NodePodsWatcher({ kc: kc.kc, nodeName, enclaveResource, log });
        watcher.start().then(
          () => log('info', 'pods of the node listed', { node: nodeName }),
          (err: unknown) => log('error', 'pod watch failed', { error: String(err) }),
        );
        stops.push(() => watcher.stop());
        pods = () => watcher.pods();
        if (!values['no-node-status']) {
          const reconciler = new NodeStatusReconciler({
            kc: kc.kc,
            nodeName,
            desired: () => ({
              resourceName: epcResource,
              epcBytes: discovery.epc.totalBytes,
              capable: discovery.sgxCapable,
              label,
            }),
            log,
            observer: metrics,
          });
          void reconciler.start(statusMs);
          stops.push(() => reconciler.stop());
        }
        stops.push(() => kc.closeConnections());
      }

      // Usage and limits
      const { usage, enforcer } = selectBackends(host, discovery, {
        enforce,
        ...(cgroupDriver === undefined ? {} : { cgroupDriver }),
      });
      const sampler = new Sampler({
        usage,
        enforcer,
        pods,
        metrics,
        log,
        unrequested: unrequested as UnrequestedEpcPolicy,
      });
      sampler.start(sampleMs);
      stops.push(() => sampler.stop());
      log('info', 'sampling EPC usage', {
        source: usage.name,
        enforcement: enforcer.name,
        intervalMs: sampleMs,
      });

      // Device plugin
      const runners: DevicePluginRunner[] = [];
      if (!values['no-device-plugin'] && discovery.sgxCapable && discovery.devices.enclave !== undefined) {
        const resources = sgxResources({
          enclaveResource,
          provisionResource,
          slots,
          enclaveDevice: discovery.devices.enclave,
          provisionDevice: discovery.devices.provision,
        });
        for (const r of resources) {
          const runner = new DevicePluginRunner({
            service: new SharedDeviceService(r, {
              env: (requests) => allocationEnv(pods(), requests),
              observer: {
                devices: (res, healthy, unhealthy) => metrics.devicePluginDevices(res, healthy, unhealthy),
                allocation: (res, n, ok) => metrics.devicePluginAllocation(res, n, ok),
              },
            }),
            pluginDir,
            health: async () => {
              for (const p of r.healthPaths) if ((await host.kind(p)) === undefined) return false;
              return true;
            },
            log,
            observer: {
              registration: (res, ok) => metrics.devicePluginRegistration(res, ok),
              unregistered: (res) => metrics.devicePluginUnregistered(res),
            },
          });
          stops.push(() => runner.stop());
          try {
            await runner.start();
          } catch (err) {
            throw new CliError(
              'config',
              `cannot serve the device plugin in ${pluginDir}: ${(err as Error).message} (mount the kubelet's device-plugins directory, or use --no-device-plugin)`,
            );
          }
          runners.push(runner);
        }
      } else if (!values['no-device-plugin']) {
        log('info', 'no SGX device: the device plugin is not served', { node: nodeName });
      }

      // Metrics and health
      const server = createMetricsServer({
        registry: metrics.registry,
        health: () => {
          const last = sampler.lastSampleAtMs;
          if (last === undefined) return undefined;
          const age = Date.now() - last;
          return age > 3 * sampleMs + 5000 ? `last sample ${Math.round(age / 1000)} s ago` : undefined;
        },
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', (err) =>
          reject(
            new CliError('config', `cannot serve metrics on ${values['metrics-address']}: ${err.message}`),
          ),
        );
        server.listen(address.port, address.host, resolve);
      });
      stops.push(() => void server.close());
      const bound = server.address() as AddressInfo;
      log('info', 'serving metrics', {
        address: `${bound.address}:${bound.port}`,
        paths: ['/metrics', '/healthz'],
      });

      // What discovery found decides which parts run. If it changes (a driver loaded after boot, a
      // kernel with the EPC cgroup), stop cleanly with status 75 and let the DaemonSet start us again
      // with the new picture, rather than rebuilding every part in place.
      const signature = (d: typeof discovery): string =>
        JSON.stringify([
          d.sgxCapable,
          d.driver,
          d.devices,
          d.epc.totalBytes,
          d.cgroup.miscRoot,
          d.cgroup.sgxEpcMisc,
        ]);
      const initial = signature(discovery);
      await new Promise<void>((resolve) => {
        const done = (): void => resolve();
        process.once('SIGTERM', done);
        process.once('SIGINT', done);
        const timer = setInterval(() => {
          discoverSgx(host, epcOverride === undefined ? {} : { epcOverrideBytes: epcOverride })
            .then((again) => {
              if (signature(again) === initial) return;
              log('warn', 'SGX configuration of the node changed: restarting to apply it', {
                capable: again.sgxCapable,
                driver: again.driver,
                epcBytes: again.epc.totalBytes,
                sgxEpcCgroup: again.cgroup.sgxEpcMisc,
              });
              exitCode = EXIT_RESTART;
              clearInterval(timer);
              resolve();
            })
            .catch(() => undefined);
        }, rediscoverMs);
        stops.push(() => clearInterval(timer));
      });
    } finally {
      log('info', 'stopping', { node: nodeName });
      for (const stop of stops.reverse()) {
        try {
          await stop();
        } catch (err) {
          log('warn', 'error while stopping', { error: String(err) });
        }
      }
    }
    return exitCode;
  },
};
