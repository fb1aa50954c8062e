import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { POLICY_NAMES, SCORED_POLICIES, isScoredPolicy } from '../../core/index.js';
import { parseUsageModel, WORKLOAD_FORMATS } from '../../trace/index.js';
import type { WorkloadFormat } from '../../trace/index.js';
import { FieldReader, loadStructuredFile, parseStructured } from '../config/structured-file.js';
import type { FieldPath, StructuredDocument } from '../config/structured-file.js';
import {
  DEFAULT_RUN_CONFIG,
  MAX_DELAY_SECONDS,
  MAX_EPC_MIB,
  MAX_SEED,
  MIN_PERIOD_SECONDS,
  MIN_SAMPLE_SECONDS,
  probeProblem,
} from '../run/config.js';
import type { RunConfig } from '../run/config.js';
import { parsePagingModel } from '../model/paging.js';
import type { EnforcementMode, SweepAxis, SweepValue } from '../results/types.js';
import type { WorkloadSpec } from '../workload/source.js';
import { clusterRefProblem } from '../cluster/cluster-ref.js';
import { bundledTaskEvents, PAPER_WINDOW } from './bundled.js';
import type { ClusterRef, RunSpec } from './run.js';

export const SWEEP_AXES: readonly SweepAxis[] = [
  'policy',
  'sgxShare',
  'epcMiB',
  'attackerFraction',
  'enforcement',
  'cluster',
  'seed',
];
export const ENFORCEMENT_MODES: readonly EnforcementMode[] = ['none', 'einit', 'cgroup'];

/** The values of the sweepable parameters that hold when an axis does not vary them. */
export interface SweepBase {
  readonly policy: string;
  readonly sgxShare: number;
  readonly epcMiB: number | null;
  readonly attackerFraction: number;
  readonly enforcement: EnforcementMode;
  readonly cluster: string;
  readonly seed: number;
}

/** A whole experiment: a workload, fixed settings and the axes to sweep (cartesian product). */
export interface ExperimentDefinition {
  readonly name: string;
  readonly description: string;
  readonly workload: WorkloadSpec;
  /** Options of the `borg` cluster when it is used. */
  readonly borg: { readonly sgxNodeShare: number; readonly machines?: readonly string[] };
  readonly base: SweepBase;
  /** Fixed run settings other than the sweepable ones. */
  readonly run: Omit<RunConfig, 'runId' | 'policy' | 'seed' | 'enforcement' | 'attackerFraction'>;
  readonly sweep: readonly { readonly axis: SweepAxis; readonly values: readonly SweepValue[] }[];
}

/** The main job: the bundled Borg hour, thinned like the paper, on the paper cluster. */
export function mainJobDefinition(): ExperimentDefinition {
  return {
    name: 'main',
    description:
      "The paper's Borg hour (trace time 6,480-10,080 s, one record in 20: about 900 pods) on the paper cluster: SGX shares 0-100 % under binpack, spread and the SGX-unaware baseline",
    workload: { sources: [bundledTaskEvents()], ...PAPER_WINDOW, keepOneIn: 20, thinBy: 'record' },
    borg: { sgxNodeShare: 0.25 },
    base: { ...baseOf(DEFAULT_RUN_CONFIG), cluster: 'paper', sgxShare: 0, epcMiB: null },
    run: runOf(DEFAULT_RUN_CONFIG),
    sweep: [
      { axis: 'policy', values: ['binpack', 'spread', 'sgx-unaware'] },
      { axis: 'sgxShare', values: [0, 0.25, 0.5, 0.75, 1] },
    ],
  };
}

function baseOf(c: RunConfig): Pick<SweepBase, 'policy' | 'attackerFraction' | 'enforcement' | 'seed'> {
  return { policy: c.policy, attackerFraction: c.attackerFraction, enforcement: c.enforcement, seed: c.seed };
}

function runOf(c: RunConfig): ExperimentDefinition['run'] {
  const { runId: _r, policy: _p, seed: _s, enforcement: _e, attackerFraction: _a, ...rest } = c;
  return rest;
}

/** Every run of the sweep, in order (the first axis varies slowest). */
export function expandRuns(def: ExperimentDefinition, outDir: string | null, version: string): RunSpec[] {
  let combos: Partial<Record<SweepAxis, SweepValue>>[] = [{}];
  for (const { axis, values } of def.sweep) {
    const next: Partial<Record<SweepAxis, SweepValue>>[] = [];
    for (const c of combos) for (const v of values) next.push({ ...c, [axis]: v });
    combos = next;
  }
  const used = new Map<string, number>();
  return combos.map((params, index) => {
    const get = <K extends keyof SweepBase>(k: K): SweepBase[K] =>
      (params[k] === undefined ? def.base[k] : params[k]) as SweepBase[K];
    let runId = runIdOf(def, params);
    const n = used.get(runId) ?? 0;
    used.set(runId, n + 1);
    if (n > 0) runId = `${runId}-${n + 1}`;
    const clusterName = get('cluster');
    const cluster: ClusterRef =
      clusterName === 'borg'
        ? {
            name: 'borg',
            sgxNodeShare: def.borg.sgxNodeShare,
            ...(def.borg.machines === undefined ? {} : { machines: def.borg.machines }),
          }
        : { name: clusterName };
    const config: RunConfig = {
      ...def.run,
      runId,
      policy: get('policy'),
      seed: get('seed'),
      enforcement: get('enforcement'),
      attackerFraction: get('attackerFraction'),
    };
    return {
      index,
      params,
      workload: def.workload,
      sgxShare: get('sgxShare'),
      cluster,
      epcMiB: get('epcMiB'),
      config,
      podsCsv:
        outDir === null
          ? null
          : { path: join(outDir, 'pods', `${runId}.csv`), relative: `pods/${runId}.csv` },
      version,
    };
  });
}

function runIdOf(def: ExperimentDefinition, params: Partial<Record<SweepAxis, SweepValue>>): string {
  const parts: string[] = [];
  for (const { axis } of def.sweep) {
    const v = params[axis];
    if (v === undefined) continue;
    switch (axis) {
      case 'policy':
        parts.push(String(v));
        break;
      case 'sgxShare':
        parts.push(`sgx${Math.round(Number(v) * 100)}`);
        break;
      case 'epcMiB':
        parts.push(`epc${String(v)}`);
        break;
      case 'attackerFraction':
        parts.push(`attack${Math.round(Number(v) * 100)}`);
        break;
      case 'enforcement':
        parts.push(`enforce-${String(v)}`);
        break;
      case 'cluster':
        parts.push(
          String(v)
            .replace(/^.*[\\/]/, '')
            .replace(/\.(ya?ml|json)$/i, ''),
        );
        break;
      case 'seed':
        parts.push(`seed${String(v)}`);
        break;
    }
  }
  const id = parts.join('-').replace(/[^A-Za-z0-9._-]/g, '_');
  return id === '' ? def.name.replace(/[^A-Za-z0-9._-]/g, '_') : id;
}

// ---- experiment spec files ----

const TOP_FIELDS = ['name', 'description', 'workload', 'cluster', 'borg', 'run', 'sweep'];
const WORKLOAD_FIELDS = [
  'sources',
  'format',
  'from',
  'to',
  'keepOneIn',
  'thinBy',
  'stream',
  'usage',
  'initialPods',
  'epcBytesPerUnit',
  'memoryBytesPerUnit',
  'cpuMillisPerUnit',
];
const RUN_FIELDS = [
  'policy',
  'sgxShare',
  'epcMiB',
  'attackerFraction',
  'enforcement',
  'seed',
  'tolerance',
  'percentageOfNodesToScore',
  'schedulerPeriod',
  'probe',
  'startupDelay',
  'paging',
  'maxRestarts',
  'horizon',
  'sampleSeconds',
  'perNodeLimit',
  'profile',
];

/**
 * Reads an experiment spec (YAML or JSON). See docs/simulator.md for the format; every problem is
 * reported with file, line and field. Relative trace and cluster paths are relative to the spec file.
 */
export function loadExperimentFile(file: string): ExperimentDefinition {
  return experimentFromDocument(loadStructuredFile(file));
}

export function parseExperiment(file: string, text: string): ExperimentDefinition {
  return experimentFromDocument(parseStructured(file, text));
}

function experimentFromDocument(doc: StructuredDocument): ExperimentDefinition {
  const r = new FieldReader(doc);
  const main = mainJobDefinition();
  const top = r.object(doc.data, []) ?? {};
  r.onlyKnown(top, [], TOP_FIELDS);
  const baseDir = doc.file.replace(/[\\/][^\\/]*$/, '');
  const rel = (p: string): string =>
    p === 'bundled'
      ? bundledTaskEvents()
      : /^([\\/]|[A-Za-z]:)/.test(p)
        ? p
        : join(baseDir === doc.file ? '.' : baseDir, p);

  const name = top['name'] === undefined ? 'experiment' : r.string(top['name'], ['name']);
  const description = top['description'] === undefined ? '' : r.string(top['description'], ['description']);
  const workload = readWorkload(r, top['workload'], ['workload'], rel) ?? main.workload;

  let cluster = 'paper';
  if (top['cluster'] !== undefined) cluster = clusterValue(r, top['cluster'], ['cluster'], rel) ?? cluster;
  let borg: ExperimentDefinition['borg'] = { sgxNodeShare: 0.25 };
  if (top['borg'] !== undefined) {
    const b = r.object(top['borg'], ['borg']) ?? {};
    r.onlyKnown(b, ['borg'], ['sgxNodeShare', 'machines']);
    const share =
      b['sgxNodeShare'] === undefined ? 0.25 : r.number(b['sgxNodeShare'], ['borg', 'sgxNodeShare'], 0, 1);
    const machines =
      b['machines'] === undefined ? undefined : stringList(r, b['machines'], ['borg', 'machines'])?.map(rel);
    borg = { sgxNodeShare: share ?? 0.25, ...(machines === undefined ? {} : { machines }) };
  }

  const runRaw = top['run'] === undefined ? {} : (r.object(top['run'], ['run']) ?? {});
  r.onlyKnown(runRaw, ['run'], RUN_FIELDS);
  const base: SweepBase = {
    policy:
      runRaw['policy'] === undefined
        ? main.base.policy
        : (policy(r, runRaw['policy'], ['run', 'policy']) ?? main.base.policy),
    sgxShare:
      runRaw['sgxShare'] === undefined ? 0 : (r.number(runRaw['sgxShare'], ['run', 'sgxShare'], 0, 1) ?? 0),
    epcMiB:
      runRaw['epcMiB'] === undefined || runRaw['epcMiB'] === null
        ? null
        : (r.number(runRaw['epcMiB'], ['run', 'epcMiB'], 4, MAX_EPC_MIB) ?? null),
    attackerFraction:
      runRaw['attackerFraction'] === undefined
        ? 0
        : (r.number(runRaw['attackerFraction'], ['run', 'attackerFraction'], 0, 10) ?? 0),
    enforcement:
      runRaw['enforcement'] === undefined
        ? 'none'
        : (enforcement(r, runRaw['enforcement'], ['run', 'enforcement']) ?? 'none'),
    cluster,
    seed: runRaw['seed'] === undefined ? 1 : (r.integer(runRaw['seed'], ['run', 'seed'], 0, MAX_SEED) ?? 1),
  };
  const run = readRunSettings(r, runRaw, main.run);

  const sweep: { axis: SweepAxis; values: SweepValue[] }[] = [];
  if (top['sweep'] !== undefined) {
    const s = r.object(top['sweep'], ['sweep']) ?? {};
    r.onlyKnown(s, ['sweep'], SWEEP_AXES);
    for (const [axis, raw] of Object.entries(s)) {
      if (!(SWEEP_AXES as readonly string[]).includes(axis)) continue;
      const path: FieldPath = ['sweep', axis];
      const list = r.array(raw, path);
      if (list === undefined) continue;
      if (list.length === 0) r.problem(path, 'expected at least one value');
      const values: SweepValue[] = [];
      list.forEach((v, i) => {
        const p = [...path, i];
        const ok = sweepValue(r, axis as SweepAxis, v, p, rel);
        if (ok !== undefined) values.push(ok);
      });
      sweep.push({ axis: axis as SweepAxis, values });
    }
  }
  // Settings that only some runs take must reach at least one: silently ignored, they would be lost.
  const axisValues = (a: SweepAxis, fallback: SweepValue): SweepValue[] =>
    sweep.find((x) => x.axis === a)?.values ?? [fallback];
  const policies = axisValues('policy', base.policy) as string[];
  if (runRaw['percentageOfNodesToScore'] !== undefined && !policies.some(isScoredPolicy))
    r.problem(
      ['run', 'percentageOfNodesToScore'],
      `only the scored policies (${SCORED_POLICIES.join(', ')}) take it, and this experiment runs ${policies.join(', ')}`,
    );
  if (top['borg'] !== undefined && !axisValues('cluster', base.cluster).includes('borg'))
    r.problem(['borg'], 'only the borg cluster takes these settings, and this experiment does not run it');
  r.done();
  return { name: name ?? 'experiment', description: description ?? '', workload, borg, base, run, sweep };
}

const BUILTIN_NAME = /^[a-z0-9][-a-z0-9]*$/;

function sweepValue(
  r: FieldReader,
  axis: SweepAxis,
  v: unknown,
  p: FieldPath,
  rel: (s: string) => string,
): SweepValue | undefined {
  switch (axis) {
    case 'policy':
      return policy(r, v, p);
    case 'sgxShare':
      return r.number(v, p, 0, 1);
    case 'epcMiB':
      return r.number(v, p, 4, MAX_EPC_MIB);
    case 'attackerFraction':
      return r.number(v, p, 0, 10);
    case 'enforcement':
      return enforcement(r, v, p);
    case 'cluster':
      return clusterValue(r, v, p, rel);
    case 'seed':
      return r.integer(v, p, 0, MAX_SEED);
  }
}

/**
 * A cluster: a name (a built-in, `borg`, or a file in the working folder named like one), or a spec
 * file relative to the experiment's file. One that names nothing is a problem of this field.
 */
function clusterValue(
  r: FieldReader,
  v: unknown,
  p: FieldPath,
  rel: (s: string) => string,
): string | undefined {
  const s = r.string(v, p);
  if (s === undefined) return undefined;
  const ref = BUILTIN_NAME.test(s) ? s : rel(s);
  const problem = clusterRefProblem(ref);
  return problem === undefined ? ref : r.problem(p, problem);
}

function policy(r: FieldReader, v: unknown, p: FieldPath): string | undefined {
  if (typeof v === 'string' && (POLICY_NAMES as readonly string[]).includes(v)) return v;
  return r.problem(p, `expected one of ${POLICY_NAMES.join(', ')}, got ${JSON.stringify(v)}`);
}

function enforcement(r: FieldReader, v: unknown, p: FieldPath): EnforcementMode | undefined {
  if (typeof v === 'string' && (ENFORCEMENT_MODES as readonly string[]).includes(v))
    return v as EnforcementMode;
  return r.problem(p, `expected one of ${ENFORCEMENT_MODES.join(', ')}, got ${JSON.stringify(v)}`);
}

function stringList(r: FieldReader, v: unknown, p: FieldPath): string[] | undefined {
  if (typeof v === 'string') return [v];
  const list = r.array(v, p);
  if (list === undefined) return undefined;
  const out: string[] = [];
  list.forEach((x, i) => {
    const s = r.string(x, [...p, i]);
    if (s !== undefined) out.push(s);
  });
  return out;
}

function readWorkload(
  r: FieldReader,
  raw: unknown,
  path: FieldPath,
  rel: (s: string) => string,
): WorkloadSpec | undefined {
  if (raw === undefined) return undefined;
  const o = r.object(raw, path);
  if (o === undefined) return undefined;
  r.onlyKnown(o, path, WORKLOAD_FIELDS);
  const given =
    o['sources'] === undefined ? undefined : (stringList(r, o['sources'], [...path, 'sources']) ?? []);
  const sources = given === undefined ? [bundledTaskEvents()] : given.map(rel);
  // A missing file is said here, with the spec's line and the path it was looked for at (relative
  // paths are the spec file's), rather than by the first run that reads it.
  sources.forEach((s, i) => {
    if (!/[*?[]/.test(s) && !existsSync(s))
      r.problem([...path, 'sources', i], `no such file or folder: ${s} (relative paths are the spec file's)`);
  });
  let format: WorkloadFormat | undefined;
  if (o['format'] !== undefined) {
    if ((WORKLOAD_FORMATS as readonly unknown[]).includes(o['format']))
      format = o['format'] as WorkloadFormat;
    else r.problem([...path, 'format'], `expected one of ${WORKLOAD_FORMATS.join(', ')}`);
  }
  const from = o['from'] === undefined ? undefined : r.number(o['from'], [...path, 'from'], 0);
  const to = o['to'] === undefined ? undefined : r.number(o['to'], [...path, 'to'], 0);
  if (from !== undefined && to !== undefined && to <= from)
    r.problem([...path, 'to'], `expected a time after from (${from})`);
  const keepOneIn =
    o['keepOneIn'] === undefined ? 1 : (r.integer(o['keepOneIn'], [...path, 'keepOneIn'], 1) ?? 1);
  const stream = o['stream'] === undefined ? undefined : r.boolean(o['stream'], [...path, 'stream']);
  if (stream === true) {
    for (const k of ['from', 'to', 'keepOneIn', 'thinBy', 'usage', 'initialPods']) {
      if (o[k] !== undefined)
        r.problem(
          [...path, k],
          'a streamed workload is the whole input, unthinned, usage = request: remove this field or `stream`',
        );
    }
    if (o['format'] !== undefined && o['format'] !== 'task_events')
      r.problem([...path, 'format'], 'only task_events can be streamed');
  }
  let thinBy: 'job' | 'record' | undefined;
  if (o['thinBy'] !== undefined) {
    if (o['thinBy'] === 'job' || o['thinBy'] === 'record') thinBy = o['thinBy'];
    else r.problem([...path, 'thinBy'], 'expected job or record');
  }
  let usage: string | undefined;
  if (o['usage'] !== undefined) {
    const u = r.string(o['usage'], [...path, 'usage']);
    if (u !== undefined) {
      try {
        parseUsageModel(u);
        usage = u;
      } catch (e) {
        r.problem([...path, 'usage'], e instanceof Error ? e.message : String(e));
      }
    }
  }
  let initialPods: 'drop' | 'load' | undefined;
  if (o['initialPods'] !== undefined) {
    if (o['initialPods'] === 'drop' || o['initialPods'] === 'load') initialPods = o['initialPods'];
    else r.problem([...path, 'initialPods'], 'expected drop or load');
  }
  const unit = (k: string): number | undefined =>
    o[k] === undefined ? undefined : r.number(o[k], [...path, k], 0);
  const epcBytesPerUnit = unit('epcBytesPerUnit');
  const memoryBytesPerUnit = unit('memoryBytesPerUnit');
  const cpuMillisPerUnit = unit('cpuMillisPerUnit');
  return {
    sources,
    keepOneIn,
    ...(stream === true ? { stream } : {}),
    ...(thinBy === undefined ? {} : { thinBy }),
    ...(format === undefined ? {} : { format }),
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    ...(usage === undefined ? {} : { usage }),
    ...(initialPods === undefined ? {} : { initialPods }),
    ...(epcBytesPerUnit === undefined ? {} : { epcBytesPerUnit }),
    ...(memoryBytesPerUnit === undefined ? {} : { memoryBytesPerUnit }),
    ...(cpuMillisPerUnit === undefined ? {} : { cpuMillisPerUnit }),
  };
}

function readRunSettings(
  r: FieldReader,
  o: Record<string, unknown>,
  d: ExperimentDefinition['run'],
): ExperimentDefinition['run'] {
  const p = (k: string): FieldPath => ['run', k];
  const num = (k: string, min: number, fallback: number, max = Infinity): number =>
    o[k] === undefined ? fallback : (r.number(o[k], p(k), min, max) ?? fallback);
  const nullable = (
    k: string,
    min: number,
    fallback: number | null,
    nullWord: string,
    max = Infinity,
  ): number | null => {
    const v = o[k];
    if (v === undefined) return fallback;
    if (v === null || v === nullWord) return null;
    if (typeof v === 'string') {
      r.problem(
        p(k),
        `expected a number of seconds (${min} to ${max}) or ${nullWord}, got ${JSON.stringify(v)}`,
      );
      return fallback;
    }
    return r.number(v, p(k), min, max) ?? fallback;
  };
  let probe = d.probe;
  if (o['probe'] !== undefined) {
    if (o['probe'] === 'instant' || o['probe'] === null) probe = null;
    else {
      const po = r.object(o['probe'], p('probe'));
      if (po !== undefined) {
        r.onlyKnown(po, p('probe'), ['periodSeconds', 'windowSeconds']);
        const period = r.number(
          po['periodSeconds'],
          ['run', 'probe', 'periodSeconds'],
          MIN_PERIOD_SECONDS,
          MAX_DELAY_SECONDS,
        );
        const window = r.number(po['windowSeconds'], ['run', 'probe', 'windowSeconds'], 0, MAX_DELAY_SECONDS);
        if (period !== undefined && window !== undefined) {
          const problem = probeProblem(period, window);
          if (problem !== undefined) r.problem(p('probe'), problem);
          else probe = { periodSeconds: period, windowSeconds: window };
        }
      }
    }
  }
  let paging = d.paging;
  if (o['paging'] !== undefined) {
    const text = r.string(o['paging'], p('paging'));
    if (text !== undefined) {
      const parsed = parsePagingModel(text);
      if (typeof parsed === 'string') r.problem(p('paging'), parsed);
      else paging = parsed;
    }
  }
  let profile = d.profile;
  if (o['profile'] !== undefined) profile = r.object(o['profile'], p('profile'));
  const sampled =
    o['percentageOfNodesToScore'] === undefined
      ? d.percentageOfNodesToScore
      : r.integer(o['percentageOfNodesToScore'], p('percentageOfNodesToScore'), 0, 100);
  return {
    tolerance: num('tolerance', 0.01, d.tolerance),
    ...(sampled === undefined ? {} : { percentageOfNodesToScore: sampled }),
    schedulerPeriod: nullable(
      'schedulerPeriod',
      MIN_PERIOD_SECONDS,
      d.schedulerPeriod,
      'event',
      MAX_DELAY_SECONDS,
    ),
    probe,
    startupDelay: num('startupDelay', 0, d.startupDelay, MAX_DELAY_SECONDS),
    paging,
    maxRestarts:
      o['maxRestarts'] === undefined
        ? d.maxRestarts
        : (r.integer(o['maxRestarts'], p('maxRestarts'), 0, 1000) ?? d.maxRestarts),
    horizon: nullable('horizon', 0, d.horizon, 'none'),
    sampleSeconds: num('sampleSeconds', MIN_SAMPLE_SECONDS, d.sampleSeconds, MAX_DELAY_SECONDS),
    perNodeLimit:
      o['perNodeLimit'] === undefined
        ? d.perNodeLimit
        : (r.integer(o['perNodeLimit'], p('perNodeLimit'), 0) ?? d.perNodeLimit),
    ...(profile === undefined ? {} : { profile }),
  };
}
