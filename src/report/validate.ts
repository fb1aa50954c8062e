/**
 * Checks that parsed JSON has the shape of an `ExperimentResult` before the report reads it, so a
 * damaged or foreign file gets an error naming the field and what was expected instead of a crash
 * deep inside a figure. Pure (the caller reads the file); checks what the report uses, and the
 * schema's major version.
 */
import { RESULTS_SCHEMA_VERSION } from '../sim/results/types.js';
import type { ExperimentResult } from '../sim/results/types.js';

/** A results file that does not have the expected shape. `path` is the JSON path of the bad field. */
export class ResultsFormatError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'ResultsFormatError';
    this.path = path;
  }
}

type Check = (value: unknown, path: string) => void;

function describe(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  return `${typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`}`;
}

const num: Check = (v, p) => {
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new ResultsFormatError(p, `expected a number, got ${describe(v)}`);
};
const str: Check = (v, p) => {
  if (typeof v !== 'string') throw new ResultsFormatError(p, `expected a string, got ${describe(v)}`);
};
const bool: Check = (v, p) => {
  if (typeof v !== 'boolean') throw new ResultsFormatError(p, `expected true or false, got ${describe(v)}`);
};
const nullable =
  (c: Check): Check =>
  (v, p) => {
    if (v !== null) c(v, p);
  };
const optional =
  (c: Check): Check =>
  (v, p) => {
    if (v !== undefined) c(v, p);
  };
const oneOf =
  (...values: readonly string[]): Check =>
  (v, p) => {
    if (typeof v !== 'string' || !values.includes(v))
      throw new ResultsFormatError(p, `expected one of ${values.join(', ')}, got ${describe(v)}`);
  };
const sweepValue: Check = (v, p) => {
  if (typeof v !== 'string' && typeof v !== 'boolean' && (typeof v !== 'number' || !Number.isFinite(v)))
    throw new ResultsFormatError(p, `expected a string, number or boolean, got ${describe(v)}`);
};

/** Arrays of numbers can hold a million samples: check them with a plain loop, no closures. */
const numbers: Check = (v, p) => {
  if (!Array.isArray(v)) throw new ResultsFormatError(p, `expected an array of numbers, got ${describe(v)}`);
  for (let i = 0; i < v.length; i++) {
    const x: unknown = v[i];
    if (typeof x !== 'number' || !Number.isFinite(x))
      throw new ResultsFormatError(`${p}[${i}]`, `expected a number, got ${describe(x)}`);
  }
};
const arrayOf =
  (c: Check): Check =>
  (v, p) => {
    if (!Array.isArray(v)) throw new ResultsFormatError(p, `expected an array, got ${describe(v)}`);
    v.forEach((x: unknown, i) => c(x, `${p}[${i}]`));
  };
const record =
  (c: Check): Check =>
  (v, p) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      throw new ResultsFormatError(p, `expected an object, got ${describe(v)}`);
    for (const [k, x] of Object.entries(v)) c(x, `${p}.${k}`);
  };
const object =
  (fields: Readonly<Record<string, Check>>): Check =>
  (v, p) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      throw new ResultsFormatError(p, `expected an object, got ${describe(v)}`);
    const o = v as Record<string, unknown>;
    for (const [k, c] of Object.entries(fields)) c(o[k], `${p}.${k}`);
  };
/** Parallel arrays (time series): every named array has the length of `t`. */
const sameLengths =
  (c: Check, names: readonly string[], allowEmpty: readonly string[] = []): Check =>
  (v, p) => {
    c(v, p);
    const o = v as Record<string, unknown[]>;
    const n = o.t?.length ?? 0;
    for (const k of names) {
      const len = o[k]?.length ?? 0;
      if (len !== n && !(allowEmpty.includes(k) && len === 0))
        throw new ResultsFormatError(`${p}.${k}`, `expected ${n} values (as many as t), got ${len}`);
    }
  };

const distribution = object({
  count: num,
  mean: nullable(num),
  min: nullable(num),
  p50: nullable(num),
  p90: nullable(num),
  p95: nullable(num),
  p99: nullable(num),
  max: nullable(num),
  percentiles: numbers,
});
const podClass = object({
  pods: num,
  finished: num,
  failed: num,
  neverPlaced: num,
  waiting: distribution,
  turnaround: distribution,
  slowdown: distribution,
});
const pendingQueue = sameLengths(
  object({
    t: numbers,
    count: numbers,
    sgxCount: numbers,
    epcRequestedBytes: numbers,
    memoryRequestedBytes: numbers,
  }),
  ['count', 'sgxCount', 'epcRequestedBytes', 'memoryRequestedBytes'],
);
const utilisation = object({
  t: numbers,
  perNodeLimit: num,
  nodes: arrayOf(object({ node: str, sgx: bool, epc: numbers, epcRequested: numbers, memory: numbers })),
  groups: arrayOf(
    object({
      group: oneOf('sgx', 'standard'),
      nodes: num,
      epcMean: numbers,
      epcMax: numbers,
      memoryMean: numbers,
      memoryMax: numbers,
    }),
  ),
});
const summary = object({
  all: podClass,
  sgx: podClass,
  standard: podClass,
  makespan: num,
  schedulerPasses: num,
  placements: num,
  restarts: num,
  refusals: arrayOf(object({ reason: str, attempts: num, nodeRejections: num })),
  pendingQueue,
  utilisation,
  events: num,
  lateArrivals: optional(num),
  lateEnds: optional(num),
});
const meta = object({
  runId: str,
  trace: object({
    sources: arrayOf(str),
    window: nullable(object({ start: num, end: num })),
    keepOneIn: num,
    thinBy: optional(oneOf('job', 'record')),
    recordsRead: num,
    recordsKept: num,
    skipped: record(num),
    usageModel: str,
  }),
  cluster: object({
    name: str,
    nodes: num,
    sgxNodes: num,
    epcBytesPerSgxNode: nullable(num),
    totalEpcBytes: num,
    totalMemoryBytes: num,
    machineEvents: optional(object({ sources: arrayOf(str), skipped: record(num) })),
  }),
  policy: str,
  seed: num,
  sgxShare: num,
  epcMiB: nullable(num),
  attackerFraction: num,
  enforcement: oneOf('none', 'einit', 'cgroup'),
  schedulerPeriod: nullable(num),
  probe: nullable(object({ periodSeconds: num, windowSeconds: num })),
  startupDelay: num,
  overcommitTolerance: num,
  percentageOfNodesToScore: optional(num),
  pagingModel: str,
  horizon: num,
  horizonSet: optional(bool),
  version: str,
  schemaVersion: str,
  wallMs: optional(num),
});
const experiment = object({
  name: str,
  description: str,
  axes: arrayOf(object({ axis: str, values: arrayOf(sweepValue) })),
  totalRuns: num,
  shard: object({ index: num, count: num }),
  runs: arrayOf(
    object({
      index: num,
      params: record(sweepValue),
      result: object({ meta, summary, podsCsv: nullable(str) }),
    }),
  ),
  version: str,
});

function major(version: string): string {
  return version.split('.')[0] ?? version;
}

/**
 * Checks a parsed results file. Throws `ResultsFormatError` naming the first bad field (JSON path from
 * the root, e.g. `runs[2].result.summary.pendingQueue.count[17]`).
 */
export function validateResults(value: unknown): ExperimentResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ResultsFormatError(
      '$',
      `expected an object with the results of an experiment, got ${describe(value)}`,
    );
  const version = (value as { schemaVersion?: unknown }).schemaVersion;
  if (typeof version !== 'string')
    throw new ResultsFormatError(
      '$.schemaVersion',
      `expected a schema version string such as "${RESULTS_SCHEMA_VERSION}", got ${describe(version)}`,
    );
  if (major(version) !== major(RESULTS_SCHEMA_VERSION))
    throw new ResultsFormatError(
      '$.schemaVersion',
      `results schema ${version} is not readable by this version (reads ${major(RESULTS_SCHEMA_VERSION)}.x); use the sgx-orchestrator version that wrote it`,
    );
  experiment(value, '$');
  return value as ExperimentResult;
}
