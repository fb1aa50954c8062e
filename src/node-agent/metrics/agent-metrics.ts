import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { SgxDiscovery } from '../discovery/types.js';
import type { EnforcementState } from '../enforcement/limit-enforcer.js';
import type { Problem } from '../host/problems.js';

const ENFORCEMENT_STATES: readonly EnforcementState[] = ['enforcing', 'degraded', 'unsupported', 'disabled'];

/** One pod's row in the per-pod metrics. */
export interface PodMetricRow {
  readonly namespace: string;
  readonly pod: string;
  readonly uid: string;
  readonly usageBytes: number | undefined;
  readonly limitBytes: number | undefined;
  readonly enforced: boolean;
}

/**
 * Every metric of the node agent (documented in docs/metrics.md), in a registry of its own whose
 * default label `node` names this node. The device plugin and node-status code report through the
 * small observer methods below, so they need no Prometheus types.
 */
export class NodeAgentMetrics {
  readonly registry: Registry;
  private readonly capacity: Gauge;
  private readonly capable: Gauge;
  private readonly info: Gauge;
  private readonly discoveryErrors: Counter;
  private readonly podUsage: Gauge;
  private readonly podLimit: Gauge;
  private readonly podEnforced: Gauge;
  private readonly nodeUsage: Gauge;
  private readonly measured: Gauge;
  private readonly enforcementState: Gauge;
  private readonly limitWrites: Counter;
  private readonly usageErrors: Counter;
  private readonly unmatched: Gauge;
  private readonly sampleTimestamp: Gauge;
  private readonly sampleDuration: Gauge;
  private readonly dpRegistered: Gauge;
  private readonly dpRegistrations: Counter;
  private readonly dpDevices: Gauge;
  private readonly dpAllocations: Counter;
  private readonly statusPatches: Counter;

  constructor(node: string, options: { defaultMetrics?: boolean } = {}) {
    const registers = [(this.registry = new Registry())];
    this.registry.setDefaultLabels({ node });
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    const gauge = (name: string, help: string, labelNames: string[] = []): Gauge =>
      new Gauge({ name, help, labelNames, registers });
    const counter = (name: string, help: string, labelNames: string[] = []): Counter =>
      new Counter({ name, help, labelNames, registers });
    const podLabels = ['namespace', 'pod', 'uid'];

    this.capacity = gauge('sgx_epc_capacity_bytes', 'Total EPC of the node in bytes (0 without usable SGX).');
    this.capable = gauge(
      'sgx_node_sgx_capable',
      '1 when the node can run enclaves (an SGX device node exists).',
    );
    this.info = gauge('sgx_node_info', 'Always 1; labels describe the SGX driver and EPC source.', [
      'driver',
      'epc_source',
      'launch_control',
    ]);
    this.discoveryErrors = counter('sgx_discovery_errors_total', 'Host files discovery could not use.', [
      'file',
      'reason',
    ]);
    this.podUsage = gauge(
      'sgx_pod_epc_usage_bytes',
      'EPC in use by the pod (misc.current sgx_epc), bytes.',
      podLabels,
    );
    this.podLimit = gauge('sgx_pod_epc_limit_bytes', "The pod's EPC limit from its spec, bytes.", podLabels);
    this.podEnforced = gauge(
      'sgx_pod_epc_limit_enforced',
      '1 when the pod cgroup misc.max holds the pod EPC limit.',
      podLabels,
    );
    // Registered only while usage is measured: an unlabelled gauge always shows a value, and a 0
    // would claim "idle" where the truth is "unknown".
    this.nodeUsage = new Gauge({
      name: 'sgx_node_epc_usage_bytes',
      help: 'Sum of the pods EPC usage at the last sample, bytes.',
      registers: [],
    });
    this.measured = gauge(
      'sgx_epc_usage_measured',
      '1 when per-pod EPC usage is measured (misc cgroup sgx_epc).',
    );
    this.enforcementState = gauge(
      'sgx_epc_enforcement_state',
      'EPC limit enforcement state (one state is 1).',
      ['state'],
    );
    this.limitWrites = counter('sgx_epc_limit_writes_total', 'Writes of misc.max by the agent.', ['result']);
    this.usageErrors = counter(
      'sgx_usage_read_errors_total',
      'Per-pod cgroup files that could not be used.',
      ['file', 'reason'],
    );
    this.unmatched = gauge(
      'sgx_unmatched_pod_cgroups',
      'Pod cgroups whose UID matches no known pod of this node.',
    );
    this.sampleTimestamp = gauge(
      'sgx_usage_sample_timestamp_seconds',
      'Unix time of the last completed sample.',
    );
    this.sampleDuration = gauge('sgx_usage_sample_duration_seconds', 'Duration of the last sample.');
    this.dpRegistered = gauge('sgx_device_plugin_registered', '1 while registered with the kubelet.', [
      'resource',
    ]);
    this.dpRegistrations = counter(
      'sgx_device_plugin_registrations_total',
      'Register calls to the kubelet.',
      ['resource', 'result'],
    );
    this.dpDevices = gauge('sgx_device_plugin_devices', 'Devices last advertised through ListAndWatch.', [
      'resource',
      'health',
    ]);
    this.dpAllocations = counter('sgx_device_plugin_allocations_total', 'Containers handled by Allocate.', [
      'resource',
      'result',
    ]);
    this.statusPatches = counter(
      'sgx_node_status_patches_total',
      'Patches of the node EPC capacity and label.',
      ['result'],
    );
  }

  recordDiscovery(d: SgxDiscovery): void {
    this.capacity.set(d.sgxCapable ? d.epc.totalBytes : 0);
    this.capable.set(d.sgxCapable ? 1 : 0);
    this.info.reset();
    this.info.set(
      { driver: d.driver, epc_source: d.epc.source, launch_control: String(d.cpu.launchControl === true) },
      1,
    );
    for (const p of d.problems) this.recordDiscoveryProblem(p);
  }

  recordDiscoveryProblem(p: Problem): void {
    this.discoveryErrors.inc({ file: p.file, reason: p.reason });
  }

  recordUsageProblem(p: Problem): void {
    this.usageErrors.inc({ file: p.file, reason: p.reason });
  }

  /** Replaces every per-pod series with this sample's rows, so that deleted pods disappear. */
  recordSample(sample: {
    readonly measured: boolean;
    readonly rows: readonly PodMetricRow[];
    readonly nodeUsageBytes: number;
    readonly unmatchedCgroups: number;
    readonly enforcement: EnforcementState;
    readonly writes: { readonly success: number; readonly error: number };
    readonly finishedAtMs: number;
    readonly durationMs: number;
  }): void {
    this.podUsage.reset();
    this.podLimit.reset();
    this.podEnforced.reset();
    for (const row of sample.rows) {
      const labels = { namespace: row.namespace, pod: row.pod, uid: row.uid };
      if (row.usageBytes !== undefined) this.podUsage.set(labels, row.usageBytes);
      if (row.limitBytes !== undefined) this.podLimit.set(labels, row.limitBytes);
      if (row.limitBytes !== undefined) this.podEnforced.set(labels, row.enforced ? 1 : 0);
    }
    this.measured.set(sample.measured ? 1 : 0);
    const listed = this.registry.getSingleMetric('sgx_node_epc_usage_bytes') !== undefined;
    if (sample.measured) {
      this.nodeUsage.set(sample.nodeUsageBytes);
      if (!listed) this.registry.registerMetric(this.nodeUsage);
    } else if (listed) {
      this.registry.removeSingleMetric('sgx_node_epc_usage_bytes');
    }
    this.unmatched.set(sample.unmatchedCgroups);
    for (const s of ENFORCEMENT_STATES)
      this.enforcementState.set({ state: s }, s === sample.enforcement ? 1 : 0);
    if (sample.writes.success > 0) this.limitWrites.inc({ result: 'success' }, sample.writes.success);
    if (sample.writes.error > 0) this.limitWrites.inc({ result: 'error' }, sample.writes.error);
    this.sampleTimestamp.set(sample.finishedAtMs / 1000);
    this.sampleDuration.set(sample.durationMs / 1000);
  }

  // Observer methods for the device plugin and the node-status patcher.

  devicePluginRegistration(resource: string, ok: boolean): void {
    this.dpRegistrations.inc({ resource, result: ok ? 'success' : 'error' });
    this.dpRegistered.set({ resource }, ok ? 1 : 0);
  }

  devicePluginUnregistered(resource: string): void {
    this.dpRegistered.set({ resource }, 0);
  }

  devicePluginDevices(resource: string, healthy: number, unhealthy: number): void {
    this.dpDevices.set({ resource, health: 'Healthy' }, healthy);
    this.dpDevices.set({ resource, health: 'Unhealthy' }, unhealthy);
  }

  devicePluginAllocation(resource: string, containers: number, ok: boolean): void {
    this.dpAllocations.inc({ resource, result: ok ? 'success' : 'error' }, containers);
  }

  nodeStatusPatch(ok: boolean): void {
    this.statusPatches.inc({ result: ok ? 'success' : 'error' });
  }
}
