/**
 * `sgx-orchestrator replay [traces...]`: creates the simulator's workload as pods on a live cluster
 * at the trace's arrival times; `replay cleanup` deletes what a run created.
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { EPC_RESOURCE_NAMES, isEpcResourceName, USABLE_EPC_128MIB_BYTES } from '../../core/index.js';
import type { EpcResourceName } from '../../core/index.js';
import {
  DEFAULT_SGX_TEMPLATE,
  DEFAULT_STANDARD_TEMPLATE,
  ReplayError,
  RestReplayApi,
  StateFileError,
  TemplateError,
  TokenBucket,
  buildPlan,
  cleanupRun,
  loadTemplate,
  newRunId,
  podManifest,
  replaySession,
  runIdProblem,
  runSelector,
  simNodeOf,
  systemClock,
} from '../../k8s/replay/index.js';
import { validateResourceName } from '../../k8s/device-plugin/index.js';
import type { AttackSpec, ManifestOptions, ReplayPlan, RunDescription } from '../../k8s/replay/index.js';
import type { WorkloadSpec } from '../../sim/index.js';
import type { Command } from '../command.js';
import { CliError } from '../errors.js';
import {
  WORKLOAD_FLAG_HELP,
  WORKLOAD_FLAG_OPTIONS,
  flagError,
  integerFlag,
  numberFlag,
  workloadFromFlags,
} from '../workload-flags.js';

export const DEFAULT_SGX_IMAGE = 'localhost/stress-sgx:latest';
export const DEFAULT_STANDARD_IMAGE = 'localhost/stress-ng:latest';
/** Where state files go unless --state-file says otherwise. */
export const STATE_DIR = 'sgx-replay';

const HELP = `Usage: sgx-orchestrator replay [<trace>...] [options]
       sgx-orchestrator replay cleanup --run-id <id> [--namespace <ns>] [--rate <qps>]

Replays a workload on a live Kubernetes cluster: one pod per record, created at the record's
arrival time (real time, or faster with --time-compression), read through the same workload
mapping as \`simulate\` (window, thinning, SGX share, seed), so a live run and a simulated one
replay the same pods. SGX pods request the EPC resource (limit = request); standard pods request
memory without a limit. Afterwards: \`sgx-orchestrator collect --run-id <id>\` writes results in the
simulator's format, \`replay cleanup --run-id <id>\` deletes the run's pods.

<trace>: as for simulate (Borg task_events / task_usage, paper CSV, JSON Lines). Default: the
bundled Borg hour (trace time 6,480-10,080 s, one record in 20, about 900 pods).

Workload (as simulate):
${WORKLOAD_FLAG_HELP}
  --sgx-share <x>            share of jobs that are SGX, 0..1 or percent (default 0.5; JSON Lines
                             records keep their own designation)
  --seed <n>                 seed of the SGX designation (default 1)
  --attacker-fraction <x>    add attackers requesting 1 page and using this fraction of a node's
                             usable EPC (default 0: none)
  --attackers <n>            n attackers left to the scheduler (the paper's runner: 2). Default:
                             one pinned to each SGX node of the cluster, as the simulator does

Pods:
  --namespace <ns>           namespace of the pods (default default)
  --scheduler-name <name>    spec.schedulerName (default sgx-scheduler)
  --labels <k=v,...>         extra labels on every pod
  --epc-resource <name>      ${EPC_RESOURCE_NAMES.join(', ')}
                             (default sgx.intel.com/epc)
  --enclave-resource <name>  the enclave device, one requested by every SGX pod and attacker, as
                             the node agent's device plugin needs (default sgx.intel.com/enclave;
                             none: not requested, where a webhook adds it)
  --sgx-image <image>        image of the SGX workload (default ${DEFAULT_SGX_IMAGE}, built from
                             stress-sgx; see docs/replay.md)
  --standard-image <image>   image of the standard workload (default ${DEFAULT_STANDARD_IMAGE})
  --sgx-template <file>      Pod template (YAML/JSON) with {{placeholders}} for SGX pods
  --standard-template <file> the same for standard pods (docs/replay.md lists the placeholders)

Pacing and safety:
  --time-compression <f>     trace seconds per wall-clock second (default 1 = real time); pod
                             durations shrink by the same factor
  --rate <qps>               at most this many creates per second (default 20)
  --burst <n>                creates allowed at once after a quiet spell (default: --rate)
  --concurrency <n>          creates in flight at once (default 8)
  --run-id <id>              name of the run (labels, pod names). Default: replay-<date>-<time>.
                             Re-running with the same id resumes it: pods already created are
                             skipped, nothing is created twice
  --state-file <file>        what the run created (default ${STATE_DIR}/<run-id>.state.json)
  --dry-run                  print the pod manifests as YAML documents; needs no cluster
  --kubeconfig <file>        API server access (default: $KUBECONFIG, in-cluster, ~/.kube/config)
  --context <name>           kubeconfig context

Examples:
  sgx-orchestrator replay --dry-run --keep-one-in 200 | kubectl apply --dry-run=client -f -
  sgx-orchestrator replay --time-compression 10 --sgx-share 50% --run-id paper-50
  sgx-orchestrator collect --run-id paper-50 --out ./live-results
  sgx-orchestrator report ./live-results --compare ./sgx-results --labels live,simulated
  sgx-orchestrator replay cleanup --run-id paper-50
`;

const OPTIONS = {
  ...WORKLOAD_FLAG_OPTIONS,
  'sgx-share': { type: 'string' },
  seed: { type: 'string' },
  'attacker-fraction': { type: 'string' },
  attackers: { type: 'string' },
  namespace: { type: 'string' },
  'scheduler-name': { type: 'string' },
  labels: { type: 'string' },
  'epc-resource': { type: 'string' },
  'enclave-resource': { type: 'string' },
  'sgx-image': { type: 'string' },
  'standard-image': { type: 'string' },
  'sgx-template': { type: 'string' },
  'standard-template': { type: 'string' },
  'time-compression': { type: 'string' },
  rate: { type: 'string' },
  burst: { type: 'string' },
  concurrency: { type: 'string' },
  'run-id': { type: 'string' },
  'state-file': { type: 'string' },
  'dry-run': { type: 'boolean' },
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
} as const;

type Values = Partial<Record<keyof typeof OPTIONS, string | boolean | undefined>>;

function parse(argv: readonly string[]): { values: Values; positionals: string[] } {
  try {
    const p = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
    return { values: p.values, positionals: p.positionals };
  } catch (e) {
    throw flagError('replay', e instanceof Error ? e.message : String(e));
  }
}

function parseLabels(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (text === undefined) return out;
  for (const part of text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    const m = /^([A-Za-z0-9][-A-Za-z0-9_./]*)=([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/.exec(part);
    if (m === null)
      throw flagError(
        'replay',
        `--labels: ${JSON.stringify(part)} is not key=value with a valid label value`,
      );
    out[m[1]!] = m[2] ?? '';
  }
  return out;
}

/** The API client; the Kubernetes library is loaded only here (a dry run never pays for it). */
async function kubeApi(values: Values): Promise<RestReplayApi> {
  const { KubeConfigError, loadKubeConfig } = await import('../../k8s/client/kubeconfig.js');
  try {
    const { kc } = loadKubeConfig({
      ...(typeof values.kubeconfig === 'string' ? { path: values.kubeconfig } : {}),
      ...(typeof values.context === 'string' ? { context: values.context } : {}),
    });
    return new RestReplayApi(kc);
  } catch (err) {
    if (err instanceof KubeConfigError) throw new CliError('config', err.message);
    throw err;
  }
}

/** Maps API failures (unreachable server, refusals) to CLI errors that say what to check. */
async function apiError(err: unknown): Promise<unknown> {
  if (err instanceof CliError) return err;
  if (err instanceof ReplayError)
    return new CliError(
      err.status === 403 ? 'config' : err.status === null ? 'unavailable' : 'input',
      `${err.message}\nThe state file records everything created so far: fix the cause and run the same command again to resume.`,
    );
  if (err instanceof StateFileError || err instanceof TemplateError)
    return new CliError('config', err.message);
  if (err instanceof Error && /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|timed out/.test(err.message))
    return new CliError('unavailable', `cannot reach the API server: ${err.message}`);
  return (await import('./simulate.js')).asCliError(err);
}

/** Everything the flags say, checked before anything is read or created. */
function settings(values: Values, positionals: readonly string[]) {
  const str = (k: keyof typeof OPTIONS): string | undefined => {
    const v = values[k];
    return typeof v === 'string' ? v : undefined;
  };
  const dryRun = values['dry-run'] === true;
  const workload: WorkloadSpec = workloadFromFlags('replay', (k) => str(k), positionals);
  const runId = str('run-id') ?? (dryRun ? 'replay-dry-run' : newRunId(new Date()));
  const problem = runIdProblem(runId);
  if (problem !== null) throw flagError('replay', `--run-id: ${problem}`);
  const epc = str('epc-resource') ?? 'sgx.intel.com/epc';
  if (!isEpcResourceName(epc))
    throw flagError(
      'replay',
      `--epc-resource: expected one of ${EPC_RESOURCE_NAMES.join(', ')}, got ${JSON.stringify(epc)}`,
    );
  const enclave = str('enclave-resource') ?? 'sgx.intel.com/enclave';
  const enclaveProblem = enclave === 'none' ? undefined : validateResourceName(enclave);
  if (enclaveProblem !== undefined) throw flagError('replay', `--enclave-resource: ${enclaveProblem}`);
  const schedulerName = str('scheduler-name') ?? 'sgx-scheduler';
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(schedulerName))
    throw flagError(
      'replay',
      `--scheduler-name: expected a lower-case DNS name such as sgx-scheduler, got ${JSON.stringify(schedulerName)}`,
    );
  const namespace = str('namespace') ?? 'default';
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace))
    throw flagError('replay', `--namespace: ${JSON.stringify(namespace)} is not a namespace name`);
  const rateText = str('rate');
  const qps = rateText === undefined ? 20 : numberFlag('replay', 'rate', rateText, 0.001);
  const burstText = str('burst');
  const burst =
    burstText === undefined ? Math.max(1, Math.floor(qps)) : integerFlag('replay', 'burst', burstText, 1);
  const fractionText = str('attacker-fraction');
  const attackerFraction =
    fractionText === undefined ? 0 : numberFlag('replay', 'attacker-fraction', fractionText, 0, 10);
  const attackersText = str('attackers');
  const attackers = attackersText === undefined ? null : integerFlag('replay', 'attackers', attackersText, 0);
  if (attackers !== null && attackerFraction === 0)
    throw flagError('replay', '--attackers needs --attacker-fraction (how much EPC each attacker uses)');
  const loadOr = (path: string | undefined, fallback: typeof DEFAULT_SGX_TEMPLATE) => {
    try {
      return path === undefined ? fallback : loadTemplate(resolve(path));
    } catch (err) {
      if (err instanceof TemplateError) throw new CliError('config', err.message);
      throw err;
    }
  };
  return {
    dryRun,
    workload,
    runId,
    sgxShare:
      str('sgx-share') === undefined ? 0.5 : numberFlag('replay', 'sgx-share', str('sgx-share')!, 0, 1),
    seed: str('seed') === undefined ? 1 : integerFlag('replay', 'seed', str('seed')!, 0),
    attackerFraction,
    attackers,
    manifest: {
      runId,
      namespace,
      schedulerName,
      labels: parseLabels(str('labels')),
      epcResource: epc as EpcResourceName,
      enclaveResource: enclave === 'none' ? null : enclave,
      sgxImage: str('sgx-image') ?? DEFAULT_SGX_IMAGE,
      standardImage: str('standard-image') ?? DEFAULT_STANDARD_IMAGE,
      sgxTemplate: loadOr(str('sgx-template'), DEFAULT_SGX_TEMPLATE),
      standardTemplate: loadOr(str('standard-template'), DEFAULT_STANDARD_TEMPLATE),
      compression:
        str('time-compression') === undefined
          ? 1
          : numberFlag('replay', 'time-compression', str('time-compression')!, 0.001),
    } satisfies Omit<ManifestOptions, 'originMs'>,
    rate: { qps, burst },
    concurrency:
      str('concurrency') === undefined ? 8 : integerFlag('replay', 'concurrency', str('concurrency')!, 1),
    statePath: resolve(str('state-file') ?? join(STATE_DIR, `${runId}.state.json`)),
  };
}

function describe(plan: ReplayPlan, s: ReturnType<typeof settings>): RunDescription {
  const p = plan.provenance;
  const last = plan.items.reduce((m, i) => Math.max(m, i.submit), 0);
  return {
    sources: p.sources,
    window:
      p.window === null
        ? null
        : { start: p.window.start ?? plan.origin, end: p.window.end ?? plan.origin + last },
    keepOneIn: p.keepOneIn,
    thinBy: p.thinBy,
    recordsRead: p.recordsRead,
    recordsKept: p.recordsKept,
    skipped: p.skipped,
    usageModel: p.usageModel,
    sgxShare: plan.sgxShare,
    seed: s.seed,
    attackerFraction: s.attackerFraction,
    schedulerName: s.manifest.schedulerName,
    epcResource: s.manifest.epcResource,
  };
}

function progressLine(runId: string): {
  update(done: number, total: number, trace: number, lagMs: number): void;
  end(): void;
} {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  return {
    update(done, total, trace, lagMs) {
      if (!tty) return;
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const width = 24;
      const filled = Math.round((done / Math.max(1, total)) * width);
      process.stderr.write(
        `\r\x1b[K${runId} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} pods, trace ${Math.round(trace)} s, lag ${(lagMs / 1000).toFixed(1)} s`,
      );
    },
    end() {
      if (tty) process.stderr.write('\r\x1b[K');
    },
  };
}

async function runCleanup(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(argv);
  if (positionals.length > 0)
    throw flagError('replay', `replay cleanup takes no arguments, got ${positionals.join(' ')}`);
  const runId = typeof values['run-id'] === 'string' ? values['run-id'] : undefined;
  if (runId === undefined)
    throw flagError('replay', 'replay cleanup needs --run-id <id> (the run whose pods to delete)');
  const problem = runIdProblem(runId);
  if (problem !== null) throw flagError('replay', `--run-id: ${problem}`);
  const namespace = typeof values.namespace === 'string' ? values.namespace : 'default';
  const qps = typeof values.rate === 'string' ? numberFlag('replay', 'rate', values.rate, 0.001) : 20;
  const api = await kubeApi(values);
  const progress = progressLine(`cleanup ${runId}`);
  try {
    const out = await cleanupRun(api, {
      namespace,
      runId,
      limiter: new TokenBucket(qps, Math.max(1, Math.floor(qps)), systemClock),
      onProgress: (d, t) => progress.update(d, t, 0, 0),
    });
    progress.end();
    process.stdout.write(
      `Run ${runId} in namespace ${namespace}: ${out.deleted} pod${out.deleted === 1 ? '' : 's'} deleted` +
        (out.gone > 0 ? `, ${out.gone} already gone` : '') +
        (out.found === 0 ? ' (no pod carries its label)' : '') +
        '.\n',
    );
    return 0;
  } catch (err) {
    progress.end();
    throw await apiError(err);
  } finally {
    api.close();
  }
}

async function runReplayCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(argv);
  const s = settings(values, positionals);
  const api = s.dryRun ? null : await kubeApi(values);
  try {
    if (api !== null) {
      // Before reading the trace: a cluster that cannot be reached should fail at once.
      try {
        await api.listPods(s.manifest.namespace, runSelector(s.runId));
      } catch (err) {
        throw new CliError(
          'unavailable',
          `cannot list pods in namespace ${s.manifest.namespace}: ${err instanceof Error ? err.message : String(err)}\nCheck --kubeconfig / --context and the replayer's permissions (docs/replay.md).`,
        );
      }
    }
    let attack: AttackSpec | undefined;
    if (s.attackerFraction > 0) {
      if (s.attackers !== null)
        attack = {
          fraction: s.attackerFraction,
          targets: { kind: 'count', count: s.attackers, epcBytes: USABLE_EPC_128MIB_BYTES },
        };
      else if (api === null)
        throw flagError(
          'replay',
          "--dry-run cannot see the cluster's SGX nodes: give --attackers <n> with --attacker-fraction",
        );
      else {
        const nodes = (await api.listNodes()).map(simNodeOf).filter((n) => n.sgx);
        if (nodes.length === 0)
          throw new CliError(
            'input',
            `no node advertises an EPC resource (${EPC_RESOURCE_NAMES.join(', ')}): nothing to attack; give --attackers <n> to create them anyway`,
          );
        attack = {
          fraction: s.attackerFraction,
          targets: { kind: 'per-node', nodes: nodes.map((n) => ({ name: n.name, epcBytes: n.epcBytes })) },
        };
      }
    }
    const plan = await buildPlan({
      runId: s.runId,
      workload: s.workload,
      sgxShare: s.sgxShare,
      seed: s.seed,
      ...(attack === undefined ? {} : { attack }),
    });
    if (api === null) {
      const docs = plan.items.map((i) => stringify(podManifest(i, { ...s.manifest, originMs: null })));
      process.stdout.write(docs.map((d) => `---\n${d}`).join(''));
      process.stderr.write(`${plan.items.length} pod manifests (dry run: nothing created).\n`);
      return 0;
    }
    const controller = new AbortController();
    const stop = (): void => controller.abort(new Error('interrupted'));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const progress = progressLine(s.runId);
    const total = plan.items.length;
    let outcome;
    try {
      outcome = await replaySession({
        plan,
        manifest: s.manifest,
        description: describe(plan, s),
        api,
        clock: systemClock,
        statePath: s.statePath,
        rate: s.rate,
        concurrency: s.concurrency,
        signal: controller.signal,
        onStart: ({ resumed, alreadyCreated, originMs }) => {
          const end = new Date(originMs + ((plan.items.at(-1)?.submit ?? 0) / s.manifest.compression) * 1000);
          process.stderr.write(
            `${resumed ? 'Resuming' : 'Starting'} run ${s.runId}: ${total} pods${resumed ? `, ${alreadyCreated} already created` : ''}, ` +
              `last arrival at ${end.toISOString()} (time compression ${s.manifest.compression}). State: ${s.statePath}\n`,
          );
        },
        onProgress: (p) => progress.update(p.done, p.total, p.traceSeconds, p.lagMs),
      });
    } finally {
      progress.end();
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
    const summary =
      `${outcome.created} created, ${outcome.existed} already there, ${outcome.resumed} skipped (in the state file)` +
      (outcome.late > 0
        ? `; ${outcome.late} sent more than 1 s late (max ${(outcome.maxLagMs / 1000).toFixed(1)} s): lower --time-compression or raise --rate`
        : '');
    if (outcome.aborted) {
      process.stderr.write(
        `Interrupted: ${summary}.\nRun the same command again to resume run ${s.runId}.\n`,
      );
      return 130;
    }
    process.stdout.write(
      `Run ${s.runId}: ${summary}.\n` +
        `Collect the results when the pods have finished: sgx-orchestrator collect --run-id ${s.runId} --namespace ${s.manifest.namespace} --out <dir>\n` +
        `Delete the pods: sgx-orchestrator replay cleanup --run-id ${s.runId} --namespace ${s.manifest.namespace}\n`,
    );
    return 0;
  } catch (err) {
    throw await apiError(err);
  } finally {
    api?.close();
  }
}

export const command: Command = {
  name: 'replay',
  summary: 'replay a trace on a live cluster as pods at their arrival times (resumable; cleanup)',
  help: HELP,
  run(argv) {
    if (argv[0] === 'cleanup') return runCleanup(argv.slice(1));
    return runReplayCommand(argv);
  },
};
