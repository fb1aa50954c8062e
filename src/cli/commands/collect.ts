/**
 * `sgx-orchestrator collect --run-id <id> --out <dir>`: reads a replay's pods back from the cluster
 * and writes results in the simulator's format (results.json, pods/<run>.csv, report.html).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { RestReplayApi, collectRun, readState, runIdProblem, runSelector } from '../../k8s/replay/index.js';
import type { ReplayState } from '../../k8s/replay/index.js';
import {
  ENFORCEMENT_MODES,
  PodCsvWriter,
  summaryNotes,
  summaryTable,
  writeExperimentResult,
} from '../../sim/index.js';
import type { EnforcementMode } from '../../sim/index.js';
import type { Command } from '../command.js';
import { CliError } from '../errors.js';
import { flagError } from '../workload-flags.js';
import { packageVersion } from './simulate.js';
import { STATE_DIR } from './replay.js';

const HELP = `Usage: sgx-orchestrator collect --run-id <id> [--out <dir>] [options]

Reads the pods of a replay run back from the cluster (creation, scheduling, start and end times
from pod status and events) and writes results in the simulator's format, so that
\`sgx-orchestrator report <dir> --compare <simulated>\` shows a live run beside a simulated one.
Pods still running are counted as cut at the collection time; run it when the replay is over.

Options:
  --run-id <id>              the replay run (required)
  --namespace <ns>           namespace of its pods (default: the state file's, else default)
  --state-file <file>        the replay's state file, for the trace and mapping metadata and the
                             time origin (default ${STATE_DIR}/<run-id>.state.json when present)
  --policy <name>            policy name recorded for the run (default live): the live scheduler's
                             profile, which the pods cannot tell
  --enforcement <mode>       none, einit or cgroup: what the cluster enforces (default none)
  -o, --out <dir>            results folder (default ./live-results)
      --no-report            do not write report.html
  --kubeconfig <file>        API server access (default: $KUBECONFIG, in-cluster, ~/.kube/config)
  --context <name>           kubeconfig context

Example:
  sgx-orchestrator collect --run-id paper-50 --out ./live-results
  sgx-orchestrator report ./live-results --compare ./sgx-results --labels live,simulated
`;

export const command: Command = {
  name: 'collect',
  summary: 'read a replay run back from the cluster into results in the simulator format',
  help: HELP,
  async run(argv) {
    let parsed;
    try {
      parsed = parseArgs({
        args: [...argv],
        strict: true,
        allowPositionals: false,
        options: {
          'run-id': { type: 'string' },
          namespace: { type: 'string' },
          'state-file': { type: 'string' },
          policy: { type: 'string' },
          enforcement: { type: 'string' },
          out: { type: 'string', short: 'o' },
          'no-report': { type: 'boolean' },
          kubeconfig: { type: 'string' },
          context: { type: 'string' },
        },
      });
    } catch (e) {
      throw flagError('collect', e instanceof Error ? e.message : String(e));
    }
    const v = parsed.values;
    const runId = v['run-id'];
    if (runId === undefined) throw flagError('collect', '--run-id is required (the id printed by replay)');
    const problem = runIdProblem(runId);
    if (problem !== null) throw flagError('collect', `--run-id: ${problem}`);
    const enforcement = v.enforcement ?? 'none';
    if (!(ENFORCEMENT_MODES as readonly string[]).includes(enforcement))
      throw flagError(
        'collect',
        `--enforcement: expected none, einit or cgroup, got ${JSON.stringify(enforcement)}`,
      );
    const statePath = resolve(v['state-file'] ?? join(STATE_DIR, `${runId}.state.json`));
    let state: ReplayState | undefined;
    if (v['state-file'] !== undefined || existsSync(statePath)) {
      try {
        state = readState(statePath);
      } catch (err) {
        throw new CliError('input', err instanceof Error ? err.message : String(err));
      }
      if (state === undefined) throw new CliError('input', `${statePath}: no such state file`);
      if (state.runId !== runId)
        throw new CliError('input', `${statePath}: belongs to run ${state.runId}, not ${runId}`);
    }
    const namespace = v.namespace ?? state?.namespace ?? 'default';
    // Loaded here, not at the top: flag errors answer at once without the Kubernetes library.
    const { KubeConfigError, loadKubeConfig } = await import('../../k8s/client/kubeconfig.js');
    let api: RestReplayApi;
    try {
      const { kc } = loadKubeConfig({
        ...(v.kubeconfig === undefined ? {} : { path: v.kubeconfig }),
        ...(v.context === undefined ? {} : { context: v.context }),
      });
      api = new RestReplayApi(kc);
    } catch (err) {
      if (err instanceof KubeConfigError) throw new CliError('config', err.message);
      throw err;
    }
    try {
      const collectedAtMs = Date.now();
      let pods, events, nodes;
      try {
        [pods, events, nodes] = await Promise.all([
          api.listPods(namespace, runSelector(runId)),
          api.listPodEvents(namespace),
          api.listNodes(),
        ]);
      } catch (err) {
        throw new CliError(
          'unavailable',
          `cannot read the run from the API server: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
      if (pods.length === 0)
        throw new CliError(
          'input',
          `no pod in namespace ${namespace} has the label ${runSelector(runId)}: check --run-id and --namespace`,
        );
      const out = collectRun(pods, events, nodes, {
        runId,
        policy: v.policy ?? 'live',
        enforcement: enforcement as EnforcementMode,
        ...(state === undefined ? {} : { state }),
        collectedAtMs,
        version: packageVersion(),
      });
      const dir = resolve(v.out ?? 'live-results');
      const csv = new PodCsvWriter(join(dir, 'pods', `${runId}.csv`));
      try {
        for (const r of out.rows) csv.write(r);
      } finally {
        csv.close();
      }
      const file = writeExperimentResult(dir, out.result);
      if (v['no-report'] !== true) {
        const { renderReport } = await import('../../report/index.js');
        writeFileSync(join(dir, 'report.html'), renderReport(out.result));
      }
      process.stdout.write(
        `${out.result.description}\n\n${summaryTable(out.result)}\n\n${summaryNotes(out.result).join('\n')}\n`,
      );
      if (out.skipped.length > 0)
        process.stderr.write(
          `${out.skipped.length} pod${out.skipped.length === 1 ? '' : 's'} without the replay annotations skipped, e.g. ${out.skipped[0]}\n`,
        );
      if (state !== undefined && state.created.length !== pods.length)
        process.stderr.write(
          `note: the state file lists ${state.created.length} created pods, the cluster holds ${pods.length} (deleted, or the replay is not finished)\n`,
        );
      process.stderr.write(
        `Wrote ${file}, ${join(dir, 'pods', `${runId}.csv`)}${v['no-report'] === true ? '' : `, ${join(dir, 'report.html')}`}.\n`,
      );
      return 0;
    } finally {
      api.close();
    }
  },
};
