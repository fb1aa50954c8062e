/**
 * `sgx-orchestrator simulate [traces...] [options]`: the main job. With no arguments it replays the
 * bundled Borg hour on the paper cluster for SGX shares 0-100 % under binpack, spread and the
 * SGX-unaware baseline, prints a summary table and writes results and the HTML report. Every option
 * that takes a comma-separated list sweeps it. `--paper-compat` runs the authors' offline simulator.
 */
import { writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { POLICY_NAMES, SCORED_POLICIES, isScoredPolicy } from '../../core/index.js';
import { renderReport } from '../../report/index.js';
import { ISSUE_REASONS, TraceInputError } from '../../trace/index.js';
import {
  ENFORCEMENT_MODES,
  MAX_DELAY_SECONDS,
  MAX_EPC_MIB,
  MAX_SEED,
  MIN_PERIOD_SECONDS,
  RunFailedError,
  SimConfigError,
  SimInputError,
  builtinClusterNames,
  clusterRefProblem,
  isClusterName,
  forFiles,
  mainJobDefinition,
  parsePagingModel,
  probeProblem,
  resultJson,
  runExperiment,
  summaryNotes,
  summaryTable,
} from '../../sim/index.js';
import type {
  EnforcementMode,
  ExperimentDefinition,
  ExperimentResult,
  RunProgress,
  RunResult,
  SweepAxis,
  SweepValue,
} from '../../sim/index.js';
import type { Command } from '../command.js';
import { CliError } from '../errors.js';
import { prepareOutDir } from '../out-dir.js';
import { WORKLOAD_FLAG_HELP, workloadFromFlags } from '../workload-flags.js';

const HELP = `Usage: sgx-orchestrator simulate [<trace>...] [options]
       sgx-orchestrator simulate --paper-compat [--epc-mib 128] [--skip N] <csv>

Replays a workload through the scheduling core on a simulated cluster and reports waiting times,
turnaround, paging slowdown, pending queue and utilisation per run.

With no arguments: the bundled Borg hour (trace time 6,480-10,080 s, one record in 20: about
900 pods, as in the paper) on the paper cluster (2 SGX nodes with 93.5 MiB EPC + 2 standard nodes),
SGX shares 0, 25, 50, 75, 100 % under binpack, spread and sgx-unaware: 15 runs in seconds.
Results go to ./sgx-results/ (results.json, pods/<run>.csv, report.html).

<trace>: Borg task_events or task_usage parts (files, folders, globs; .csv or .csv.gz), the paper's
CSV, or JSON Lines workload files. Default: the bundled Borg slice (data/).

Options taking a comma-separated list sweep it (one run per combination):
  --policy <list>            ${POLICY_NAMES.join(', ')}
                             (default: binpack,spread,sgx-unaware)
  --sgx-share <list>         share of jobs that are SGX, 0..1 or percent (default: 0,0.25,0.5,0.75,1;
                             none for JSON Lines input, whose records say which are SGX)
  --cluster <list>           ${builtinClusterNames().slice(0, 3).join(', ')}, ..., borg, or a YAML/JSON
                             cluster spec file (default: paper). See docs/simulator.md.
  --epc-mib <list>           PRM size of every SGX node in MiB, usable EPC by the paper formula
                             (128 -> 93.5 MiB). Default: the cluster's own EPC.
  --attacker-fraction <list> one attacker per SGX node requesting 1 page and using this fraction of
                             the EPC (default 0: no attack)
  --enforcement <list>       none, einit or cgroup (default none)
  --seed <list>              seed of the SGX designation, spread's tie-breaks, borg SGX machines (1)

Workload:
${WORKLOAD_FLAG_HELP}
  --stream                   task_events only: read the whole input as the simulation advances
                             (memory follows the live tasks: many parts, or the month); no
                             window, thinning, usage model or initial pods
  --borg-sgx-nodes <share>   with --cluster borg: share of machines with SGX (default 0.25)
  --machines <path>          with --cluster borg: machine_events (default: the bundled table)

Model (docs/models.md):
  --scheduler-period <s>     seconds between scheduler passes, or "event" for a pass after every
                             arrival and release (default 5, the paper's loop)
  --probe <p:w|instant>      probe sampling period and window in seconds (default 7:25)
  --startup-delay <s>        seconds from binding to running (default 1)
  --tolerance <x>            admission tolerance on capacity (default 1.0; the paper's offline 0.8)
  --nodes-to-score <pct>     kube-scheduler's percentageOfNodesToScore for the scored policies
                             (least-allocated, most-allocated, requested-to-capacity-ratio,
                             sgx-unaware): stop once this share of the nodes (at least 100) is found
                             feasible, the next search starting where the last stopped; 0 = its
                             adaptive default (5 % of the Borg cell). Default: score every node
  --paging <model>           overflow[:<penalty>] or none (default overflow:5)
  --max-restarts <n>         einit: restarts before an over-limit pod is given up (default 6)
  --horizon <s>              stop at this simulated time (default: when every pod has ended)

Output:
  -o, --out <dir>            results folder (default ./sgx-results)
      --no-report            do not write report.html
      --json                 print the results JSON on stdout instead of the table
  -j, --jobs <n>             worker threads (default: CPU count)

Examples:
  npx sgx-orchestrator simulate
  sgx-orchestrator simulate --policy spread --sgx-share 50% --attacker-fraction 0.5 --enforcement none,einit,cgroup
  sgx-orchestrator simulate ../traces/task_events --from 0 --to 70000 --cluster borg --scheduler-period event
`;

const OPTIONS = {
  policy: { type: 'string' },
  'sgx-share': { type: 'string' },
  cluster: { type: 'string' },
  'epc-mib': { type: 'string' },
  'attacker-fraction': { type: 'string' },
  enforcement: { type: 'string' },
  seed: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  'keep-one-in': { type: 'string' },
  'thin-by': { type: 'string' },
  stream: { type: 'boolean' },
  usage: { type: 'string' },
  'initial-pods': { type: 'string' },
  format: { type: 'string' },
  'borg-sgx-nodes': { type: 'string' },
  machines: { type: 'string' },
  'scheduler-period': { type: 'string' },
  probe: { type: 'string' },
  'startup-delay': { type: 'string' },
  tolerance: { type: 'string' },
  'nodes-to-score': { type: 'string' },
  paging: { type: 'string' },
  'max-restarts': { type: 'string' },
  horizon: { type: 'string' },
  out: { type: 'string', short: 'o' },
  'no-report': { type: 'boolean' },
  json: { type: 'boolean' },
  jobs: { type: 'string', short: 'j' },
} as const;

/** Options that choose where and how results are shown, not what is simulated. */
const OUTPUT_OPTIONS: ReadonlySet<keyof typeof OPTIONS> = new Set(['out', 'no-report', 'json', 'jobs']);

/** JSON with every object's keys sorted: equal for equal settings, whatever order they were set in. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x !== null && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );
}

/** The package version, recorded in every result. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

function usage(message: string): CliError {
  return new CliError('usage', `${message}\nRun \`sgx-orchestrator simulate --help\` for the options.`);
}

function list(flag: string, text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) throw usage(`--${flag}: expected a value`);
  return items;
}

function number(flag: string, text: string, min: number, max = Infinity): number {
  const percent = text.endsWith('%');
  const v = Number(percent ? text.slice(0, -1) : text) / (percent ? 100 : 1);
  if (text.trim() === '' || !Number.isFinite(v) || v < min || v > max) {
    throw usage(
      `--${flag}: expected a number${max === Infinity ? ` >= ${min}` : ` in ${min}..${max}`}, got ${JSON.stringify(text)}`,
    );
  }
  return v;
}

function integer(flag: string, text: string, min: number, max = Infinity): number {
  const v = number(flag, text, min, max);
  if (!Number.isInteger(v)) throw usage(`--${flag}: expected a whole number, got ${JSON.stringify(text)}`);
  return v;
}

/** Builds the experiment that the flags describe, starting from the main job. */
export function definitionFromFlags(
  values: Partial<Record<keyof typeof OPTIONS, string | boolean | undefined>>,
  traces: readonly string[],
): ExperimentDefinition {
  const main = mainJobDefinition();
  const str = (k: keyof typeof OPTIONS): string | undefined => {
    const v = values[k];
    return typeof v === 'string' ? v : undefined;
  };
  let workload = workloadFromFlags('simulate', str, traces);
  if (values['stream'] === true) {
    if (traces.length === 0) throw usage('--stream: give the task_events parts to stream');
    for (const flag of ['from', 'to', 'keep-one-in', 'thin-by', 'usage', 'initial-pods'] as const) {
      if (values[flag] !== undefined) throw usage(`--stream reads the whole input unthinned: drop --${flag}`);
    }
    const fmt = str('format');
    if (fmt !== undefined && fmt !== 'task_events') throw usage('--stream: only task_events can be streamed');
    workload = { sources: workload.sources, keepOneIn: 1, stream: true };
  }

  const sweep: { axis: SweepAxis; values: SweepValue[] }[] = [];
  const axis = (
    name: SweepAxis,
    flag: keyof typeof OPTIONS,
    parse: (s: string) => SweepValue,
    fallback?: SweepValue[],
  ): void => {
    const items = list(flag, str(flag));
    const vals = items === undefined ? fallback : items.map(parse);
    if (vals !== undefined) sweep.push({ axis: name, values: vals });
  };
  axis(
    'policy',
    'policy',
    (s) => {
      if (!(POLICY_NAMES as readonly string[]).includes(s))
        throw usage(`--policy: expected one of ${POLICY_NAMES.join(', ')}, got ${JSON.stringify(s)}`);
      return s;
    },
    ['binpack', 'spread', 'sgx-unaware'],
  );
  // JSON Lines records say themselves which are SGX: no share to sweep over them.
  const premapped =
    str('format') === 'jsonl' ||
    (traces.length > 0 && traces.every((t) => /\.(jsonl|ndjson)(\.gz)?$/i.test(t)));
  if (premapped && str('sgx-share') !== undefined)
    throw usage(
      '--sgx-share: JSON Lines records say themselves which are SGX (their sgx field); drop --sgx-share',
    );
  axis(
    'sgxShare',
    'sgx-share',
    (s) => number('sgx-share', s, 0, 1),
    premapped ? undefined : [0, 0.25, 0.5, 0.75, 1],
  );
  axis('cluster', 'cluster', (s) => {
    const problem = clusterRefProblem(s);
    if (problem !== undefined) throw usage(`--cluster: ${problem}`);
    // A name stays a name even where a file of that name exists; a file gets its absolute path.
    return isClusterName(s) ? s : resolve(s);
  });
  axis('epcMiB', 'epc-mib', (s) => number('epc-mib', s, 4, MAX_EPC_MIB));
  axis('attackerFraction', 'attacker-fraction', (s) => number('attacker-fraction', s, 0, 10));
  axis('enforcement', 'enforcement', (s) => {
    if (!(ENFORCEMENT_MODES as readonly string[]).includes(s))
      throw usage(`--enforcement: expected none, einit or cgroup, got ${JSON.stringify(s)}`);
    return s as EnforcementMode;
  });
  axis('seed', 'seed', (s) => integer('seed', s, 0, MAX_SEED));
  // A single value is a setting, not a sweep: keep it out of run names.
  const fixed = sweep.filter((s) => s.values.length === 1);
  const swept = sweep.filter((s) => s.values.length > 1);
  const base = { ...main.base };
  for (const f of fixed) (base as Record<string, unknown>)[f.axis] = f.values[0];

  const run = { ...main.run };
  const sp = str('scheduler-period');
  if (sp === 'event') run.schedulerPeriod = null;
  else if (sp !== undefined) {
    if (!Number.isFinite(Number(sp)))
      throw usage(`--scheduler-period: expected seconds or "event", got ${JSON.stringify(sp)}`);
    run.schedulerPeriod = number('scheduler-period', sp, MIN_PERIOD_SECONDS, MAX_DELAY_SECONDS);
  }
  const probe = str('probe');
  if (probe !== undefined) {
    if (probe === 'instant') run.probe = null;
    else {
      const m = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(probe);
      if (m === null)
        throw usage(
          `--probe: expected <period>:<window> in seconds (e.g. 7:25) or instant, got ${JSON.stringify(probe)}`,
        );
      const problem = probeProblem(Number(m[1]), Number(m[2]));
      if (problem !== undefined) throw usage(`--probe: ${problem}`);
      run.probe = { periodSeconds: Number(m[1]), windowSeconds: Number(m[2]) };
    }
  }
  const sd = str('startup-delay');
  if (sd !== undefined) run.startupDelay = number('startup-delay', sd, 0, MAX_DELAY_SECONDS);
  const tol = str('tolerance');
  if (tol !== undefined) run.tolerance = number('tolerance', tol, 0.01, 100);
  const nodesToScore = str('nodes-to-score');
  if (nodesToScore !== undefined) {
    const pct = integer('nodes-to-score', nodesToScore, 0);
    if (pct > 100) throw usage(`--nodes-to-score: expected a percentage 0..100, got ${pct}`);
    run.percentageOfNodesToScore = pct;
  }
  const paging = str('paging');
  if (paging !== undefined) {
    const p = parsePagingModel(paging);
    if (typeof p === 'string') throw usage(`--paging: ${p}`);
    run.paging = p;
  }
  const mr = str('max-restarts');
  if (mr !== undefined) run.maxRestarts = integer('max-restarts', mr, 0);
  const hz = str('horizon');
  if (hz !== undefined) run.horizon = number('horizon', hz, 0);
  const borgShare = str('borg-sgx-nodes');
  const machines = str('machines');
  // Settings that only some runs take must reach at least one: silently ignored, they would be lost.
  const axisValues = (a: SweepAxis): SweepValue[] => sweep.find((s) => s.axis === a)?.values ?? [];
  const policies = axisValues('policy') as string[];
  if (nodesToScore !== undefined && !policies.some(isScoredPolicy))
    throw usage(
      `--nodes-to-score: only the scored policies (${SCORED_POLICIES.join(', ')}) take it, and --policy ${policies.join(',')} has none`,
    );
  for (const [flag, given] of [
    ['borg-sgx-nodes', borgShare],
    ['machines', machines],
  ] as const) {
    if (given !== undefined && !axisValues('cluster').includes('borg'))
      throw usage(`--${flag}: only --cluster borg takes it`);
  }
  const borg = {
    sgxNodeShare: borgShare === undefined ? 0.25 : number('borg-sgx-nodes', borgShare, 0, 1),
    ...(machines === undefined ? {} : { machines: [resolve(machines)] }),
  };
  // The main job's name and description only for the main job itself: a run that changes any
  // setting says which, so that results.json and the report do not describe another experiment.
  const mainJob =
    traces.length === 0 &&
    canonical([workload, borg, base, run, swept]) ===
      canonical([main.workload, main.borg, main.base, main.run, main.sweep]);
  const changed = (Object.keys(OPTIONS) as (keyof typeof OPTIONS)[])
    .filter((k) => !OUTPUT_OPTIONS.has(k) && values[k] !== undefined)
    .map((k) => (values[k] === true ? `--${k}` : `--${k} ${String(values[k])}`));
  return {
    name: mainJob ? main.name : 'simulate',
    description: mainJob
      ? main.description
      : `simulate ${traces.length === 0 ? 'on the bundled Borg hour' : traces.join(' ')}${changed.length === 0 ? '' : ` with ${changed.join(' ')}`}`,
    workload,
    borg,
    base,
    run,
    sweep: swept,
  };
}

/** Draws a progress bar on stderr when it is a terminal; silent otherwise. */
export function progressReporter(
  label: string,
  now: () => number = () => performance.now(),
  out: { isTTY?: boolean; write(text: string): unknown } = process.stderr,
): {
  start(total: number): void;
  done(done: number, total: number, r: RunResult): void;
  progress(runId: string, p: RunProgress): void;
  end(): void;
} {
  const tty = out.isTTY === true;
  let t0 = 0;
  let finished = 0;
  let runs = 0;
  let lastDraw = -Infinity;
  const secs = (): string => ((now() - t0) / 1000).toFixed(1);
  const bar = (): string => {
    const width = 24;
    const filled = runs === 0 ? 0 : Math.round((finished / runs) * width);
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${finished}/${runs} ${secs()}s`;
  };
  return {
    start(total: number): void {
      t0 = now();
      runs = total;
      if (tty) out.write(`${label}: ${total} run${total === 1 ? '' : 's'}...`);
    },
    done(done: number, total: number, r: RunResult): void {
      finished = done;
      runs = total;
      if (tty) out.write(`\r\x1b[K${label} ${bar()}  ${r.meta.runId}`);
    },
    // A long run (a streamed trace, minutes) shows how far it has got: redrawn at most four times a
    // second on a terminal, and written as a line every 30 s elsewhere (a Job's log).
    progress(runId: string, p: RunProgress): void {
      const t = now();
      if (t - lastDraw < (tty ? 250 : 30_000)) return;
      if (!tty && t - t0 < 30_000) return;
      lastDraw = t;
      const where = `${runId}: ${simulatedTime(p.simulatedSeconds)} simulated, ${p.podsEnded.toLocaleString('en-US')} of ${p.podsArrived.toLocaleString('en-US')} pods ended`;
      if (tty) out.write(`\r\x1b[K${label} ${bar()}  ${where}`);
      else out.write(`${label}: ${finished}/${runs} runs done, ${secs()}s; ${where}\n`);
    },
    end(): void {
      if (tty) out.write('\r\x1b[K');
    },
  };
}

/** Simulated time for a progress line: minutes below an hour, hours below two days, then days. */
function simulatedTime(seconds: number): string {
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 2 * 86_400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} days`;
}

/** Maps simulator and trace errors to the CLI's error codes. */
export function asCliError(err: unknown): unknown {
  if (err instanceof SimConfigError) return new CliError('config', err.message);
  if (err instanceof TraceInputError || err instanceof SimInputError)
    return new CliError('input', err.message);
  if (err instanceof RunFailedError) {
    const code =
      err.causeName === 'SimConfigError'
        ? 'config'
        : err.causeName === 'TraceInputError' || err.causeName === 'SimInputError'
          ? 'input'
          : 'internal';
    return new CliError(code, err.message);
  }
  return err;
}

/** Runs a definition, writes results (+ report), prints the table or the JSON. Shared with `experiment`. */
export async function runAndReport(
  def: ExperimentDefinition,
  o: {
    outDir: string;
    json: boolean;
    report: boolean;
    jobs: number | undefined;
    shard?: { index: number; count: number };
  },
): Promise<number> {
  prepareOutDir(o.outDir);
  const progress = progressReporter(def.name);
  let outcome: { result: ExperimentResult; file: string | null };
  const t0 = performance.now();
  try {
    outcome = await runExperiment(def, {
      outDir: o.outDir,
      version: packageVersion(),
      ...(o.shard === undefined ? {} : { shard: o.shard }),
      ...(o.jobs === undefined ? {} : { parallelism: o.jobs }),
      onStart: (n) => progress.start(n),
      onRunDone: (d, t, r) => progress.done(d, t, r),
      onRunProgress: (id, p) => progress.progress(id, p),
    });
  } catch (err) {
    progress.end();
    throw asCliError(err);
  }
  progress.end();
  const seconds = ((performance.now() - t0) / 1000).toFixed(1);
  const { result, file } = outcome;
  let reportFile: string | null = null;
  if (o.report && result.shard.count === 1) {
    reportFile = join(o.outDir, 'report.html');
    // The report of what the files hold (no wall-clock times), so that it is reproducible too.
    writeFileSync(reportFile, renderReport(forFiles(result)));
  }
  const shown = (p: string): string => {
    const r = relative(process.cwd(), p);
    return r.startsWith('..') || r === '' ? p : `./${r}`;
  };
  if (o.json) {
    process.stdout.write(resultJson(result));
  } else {
    process.stdout.write(
      `${def.description === '' ? def.name : def.description}\n\n${summaryTable(result)}\n\n`,
    );
    process.stdout.write(summaryNotes(result).join('\n') + '\n');
  }
  const where = [
    file === null ? null : `results ${shown(file)}`,
    result.runs.length > 0 ? `pods CSV ${shown(join(o.outDir, 'pods'))}/` : null,
    reportFile === null ? null : `report ${shown(reportFile)}`,
  ].filter((s) => s !== null);
  process.stderr.write(
    `${result.runs.length} ${result.runs.length === 1 ? 'run' : 'runs'} in ${seconds} s. Wrote ${where.join(', ')}.\n`,
  );
  if (reportFile !== null) process.stderr.write(`Open ${shown(reportFile)} in a browser to see the plots.\n`);
  for (const note of unreadableInputNotes(result)) process.stderr.write(`${note}\n`);
  return 0;
}

/**
 * One warning per input whose runs skipped lines that could not be read (malformed rows, a gzip part
 * cut short), the trace's and a `borg` cluster's machine_events alike: results.json counts them under
 * `trace.skipped` and `cluster.machineEvents`, but a table that looks complete must not hide them.
 * Rows left out by design (time 0, never scheduled, thinned...) are not warned about.
 */
export function unreadableInputNotes(result: ExperimentResult): string[] {
  const notes = new Map<string, string>();
  const add = (
    sources: readonly string[],
    skipped: Readonly<Record<string, number>>,
    what: 'input' | 'machine_events',
  ): void => {
    const key = `${what}\n${sources.join('\n')}`;
    if (notes.has(key)) return;
    const note = unreadableNote(sources, skipped, what);
    if (note !== undefined) notes.set(key, note);
  };
  for (const run of result.runs) {
    const { trace, cluster } = run.result.meta;
    add(trace.sources, trace.skipped, 'input');
    if (cluster.machineEvents !== undefined)
      add(cluster.machineEvents.sources, cluster.machineEvents.skipped, 'machine_events');
  }
  return [...notes.values()];
}

/** The warning for one input, or undefined when none of its skipped lines was unreadable. */
function unreadableNote(
  sources: readonly string[],
  skipped: Readonly<Record<string, number>>,
  what: 'input' | 'machine_events',
): string | undefined {
  const reasons = ISSUE_REASONS.filter((r) => (skipped[r] ?? 0) > 0);
  if (reasons.length === 0) return undefined;
  const files = sources.length === 1 ? sources[0]! : `${sources.length} files`;
  const list = reasons.map((r) => `${r} ${skipped[r]}`).join(', ');
  if (what === 'input') {
    return `warning: ${files}: unreadable input skipped (${list}); \`sgx-orchestrator trace stats\` on the same files shows where.`;
  }
  return (
    `warning: ${files}: unreadable machine_events lines skipped (${list}); the cluster has the machines ` +
    `of the other lines; \`sgx-orchestrator trace stats --format machine_events\` on the same files shows where.`
  );
}

export const command: Command = {
  name: 'simulate',
  summary: 'replay a trace (default: the bundled Borg hour) through the scheduler on a simulated cluster',
  help: HELP,
  async run(argv: readonly string[]): Promise<number> {
    let parsed;
    try {
      parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
    } catch (e) {
      throw usage(e instanceof Error ? e.message : String(e));
    }
    const v = parsed.values;
    const def = definitionFromFlags(v, parsed.positionals);
    const jobs = v.jobs === undefined ? undefined : integer('jobs', v.jobs, 1);
    return runAndReport(def, {
      outDir: resolve(v.out ?? 'sgx-results'),
      json: v.json === true,
      report: v['no-report'] !== true,
      jobs,
    });
  },
};
