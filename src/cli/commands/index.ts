import type { Command } from '../command.js';

/**
 * Every subcommand, in the order `--help` lists them. Commands are loaded lazily so that
 * `sgx-orchestrator --help` does not pay for the Kubernetes client or the simulator.
 */
export const COMMANDS: readonly {
  name: string;
  summary: string;
  /** Loads the command; `argv` lets a mode with a lighter implementation skip the heavy modules. */
  load: (argv: readonly string[]) => Promise<Command>;
}[] = [
  {
    name: 'simulate',
    summary: 'replay a trace (default: the bundled Borg hour) through the scheduler on a simulated cluster',
    // The paper-compatible mode is a small exact stepper: it must not pay for loading the simulator,
    // the trace readers and the report renderer.
    load: async (argv) =>
      argv.includes('--paper-compat')
        ? (await import('./simulate-paper-compat.js')).command
        : (await import('./simulate.js')).command,
  },
  {
    name: 'experiment',
    summary: 'run a sweep from a spec file (policies, SGX shares, EPC sizes, attackers), shardable',
    load: async () => (await import('./experiment.js')).command,
  },
  {
    name: 'report',
    summary: 'render saved results as a self-contained HTML report with plots',
    load: async () => (await import('./report.js')).command,
  },
  {
    name: 'trace',
    summary: 'trace files: figures (stats) and workload files (export to JSON Lines or the paper CSV)',
    load: async () => (await import('./trace.js')).command,
  },
  {
    name: 'replay',
    summary: 'replay a trace on a live cluster as pods at their arrival times (resumable; cleanup)',
    load: async () => (await import('./replay.js')).command,
  },
  {
    name: 'collect',
    summary: 'read a replay run back from the cluster into results in the simulator format',
    load: async () => (await import('./collect.js')).command,
  },
  {
    name: 'extender',
    summary: 'kube-scheduler extender (filter, prioritize, bind) backed by the SGX-aware core',
    load: async () => (await import('./extender.js')).command,
  },
  {
    name: 'scheduler',
    summary: 'SGX-aware Kubernetes scheduler (spec.schedulerName), leader-elected, backed by the core',
    load: async () => (await import('./scheduler.js')).command,
  },
  {
    name: 'node-agent',
    summary:
      'per-node agent: SGX discovery, EPC capacity, device plugin, per-pod EPC usage and limits, metrics',
    load: async () => (await import('./node-agent.js')).command,
  },
  {
    name: 'discover',
    summary: 'show the SGX capabilities of this machine (driver, devices, EPC size, EPC cgroup)',
    load: async () => (await import('./discover.js')).command,
  },
];
