import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { PodCsvEncoder } from './pod-csv-bytes.js';
import { POD_CSV_HEADER, PodCsvWriter, podCsvLine } from './pod-csv.js';
import {
  FAILURE_REASONS,
  ID_PARTS,
  ID_STRING,
  OUTCOMES,
  POD_BATCH,
  POD_RECORD_STRIDE,
  P_ACTUAL_PAGES,
  P_ATTACKER,
  P_ATTEMPTS,
  P_DURATION,
  P_END,
  P_FAILURE,
  P_ID_A,
  P_ID_B,
  P_ID_C,
  P_ID_KIND,
  P_NODE,
  P_OUTCOME,
  P_REQUESTED_PAGES,
  P_RESTARTS,
  P_SGX,
  P_SLOWDOWN,
  P_START,
  P_SUBMIT,
} from './pod-record.js';
import type { PodRow } from './types.js';
import { SORTED_RUN } from './stats.js';
import { simulate } from '../run/simulation.js';
import type { SimulationInput } from '../run/simulation.js';
import { DEFAULT_RUN_CONFIG } from '../run/config.js';
import type { SimJob } from '../run/job.js';
import { expandCluster } from '../cluster/cluster.js';
import { PAPER_CLUSTER } from '../cluster/builtins.js';
import { borgTaskStream } from '../workload/borg-stream.js';
import { bundledTracePath } from '../../trace/bundled.js';

const NODE_NAMES = ['sgx-1', 'std,2', 'nœud "3"'];
const POLICY = 'binpack';

const orNull = (v: number): number | null => (Number.isNaN(v) ? null : v);

/**
 * The row a record stands for (the reference the encoder is held to): the record at `k` in `r`,
 * `ids` the batch's id strings.
 */
function podRowOf(
  r: Float64Array,
  k: number,
  ids: readonly string[],
  init: { readonly nodeNames: readonly string[]; readonly policy: string },
): PodRow {
  const node = r[k + P_NODE]!;
  const failure = r[k + P_FAILURE]!;
  return {
    jobId:
      r[k + P_ID_KIND] === ID_PARTS
        ? `${r[k + P_ID_A]!}-${r[k + P_ID_B]!}-${r[k + P_ID_C]!}`
        : ids[r[k + P_ID_A]!]!,
    duration: r[k + P_DURATION]!,
    requestedPages: r[k + P_REQUESTED_PAGES]!,
    actualPages: r[k + P_ACTUAL_PAGES]!,
    isSgx: r[k + P_SGX] === 1,
    submit: r[k + P_SUBMIT]!,
    start: orNull(r[k + P_START]!),
    end: orNull(r[k + P_END]!),
    node: node < 0 ? null : init.nodeNames[node]!,
    attempts: r[k + P_ATTEMPTS]!,
    restarts: r[k + P_RESTARTS]!,
    slowdown: orNull(r[k + P_SLOWDOWN]!),
    policy: init.policy,
    outcome: OUTCOMES[r[k + P_OUTCOME]!]!,
    failureReason: failure < 0 ? null : FAILURE_REASONS[failure]!,
    attacker: r[k + P_ATTACKER] === 1,
  };
}

/** A number as the simulation can give it: whole, fractional, large, negative, or absent (NaN). */
const anyNumber = fc.oneof(
  fc.nat({ max: 100_000 }),
  fc.double({ min: 0, max: 1e6, noNaN: true }),
  fc.double({ min: 2 ** 32, max: 1e15, noNaN: true }),
  fc.double({ min: -1e4, max: 0, noNaN: true }),
  fc.constant(NaN),
);
const wholeNumber = fc.oneof(
  fc.nat({ max: 1000 }),
  fc.maxSafeNat(),
  fc.constant(-0),
  fc.integer({ min: -1e6, max: 0 }),
);

const record = fc.record({
  parts: fc.boolean(),
  ids: fc.tuple(fc.maxSafeNat(), fc.nat({ max: 5000 }), fc.maxSafeNat()),
  text: fc.string({ unit: 'binary', maxLength: 40 }),
  duration: anyNumber.filter((x) => !Number.isNaN(x)),
  requested: wholeNumber,
  actual: wholeNumber,
  sgx: fc.boolean(),
  submit: anyNumber.filter((x) => !Number.isNaN(x)),
  start: anyNumber,
  end: anyNumber,
  node: fc.integer({ min: -1, max: NODE_NAMES.length - 1 }),
  attempts: wholeNumber,
  restarts: fc.nat({ max: 10 }),
  slowdown: anyNumber,
  outcome: fc.nat({ max: OUTCOMES.length - 1 }),
  failure: fc.integer({ min: -1, max: FAILURE_REASONS.length - 1 }),
  attacker: fc.boolean(),
});
type Rec = typeof record extends fc.Arbitrary<infer T> ? T : never;

function fill(r: Float64Array, k: number, v: Rec, ids: string[]): void {
  if (v.parts) {
    r[k + P_ID_KIND] = ID_PARTS;
    [r[k + P_ID_A], r[k + P_ID_B], r[k + P_ID_C]] = v.ids;
  } else {
    r[k + P_ID_KIND] = ID_STRING;
    r[k + P_ID_A] = ids.length;
    ids.push(v.text);
  }
  r[k + P_DURATION] = v.duration;
  r[k + P_REQUESTED_PAGES] = v.requested;
  r[k + P_ACTUAL_PAGES] = v.actual;
  r[k + P_SGX] = v.sgx ? 1 : 0;
  r[k + P_SUBMIT] = v.submit;
  r[k + P_START] = v.start;
  r[k + P_END] = v.end;
  r[k + P_NODE] = v.node;
  r[k + P_ATTEMPTS] = v.attempts;
  r[k + P_RESTARTS] = v.restarts;
  r[k + P_SLOWDOWN] = v.slowdown;
  r[k + P_OUTCOME] = v.outcome;
  r[k + P_FAILURE] = v.failure;
  r[k + P_ATTACKER] = v.attacker ? 1 : 0;
}

test('the byte encoder writes what podCsvLine writes for the row a record stands for', () => {
  fc.assert(
    fc.property(fc.array(record, { maxLength: 40 }), fc.integer({ min: 16, max: 4096 }), (recs, capacity) => {
      const r = new Float64Array(Math.max(1, recs.length) * POD_RECORD_STRIDE);
      const ids: string[] = [];
      recs.forEach((v, i) => fill(r, i * POD_RECORD_STRIDE, v, ids));
      // A small buffer grows under long lines (ids of any length).
      const enc = new PodCsvEncoder(NODE_NAMES, POLICY, capacity);
      enc.header();
      let expected = POD_CSV_HEADER + '\n';
      for (let i = 0; i < recs.length; i++) {
        enc.line(r, i * POD_RECORD_STRIDE, ids);
        expected +=
          podCsvLine(podRowOf(r, i * POD_RECORD_STRIDE, ids, { nodeNames: NODE_NAMES, policy: POLICY })) +
          '\n';
      }
      assert.equal(enc.bytes().toString('utf8'), expected);
    }),
    { numRuns: 300 },
  );
});

test('the encoder writes absent values as empty cells, and quotes names that need it', () => {
  const r = new Float64Array(POD_RECORD_STRIDE);
  fill(
    r,
    0,
    {
      parts: true,
      ids: [6_251_812_952, 3, 2_506_199_602_822],
      text: '',
      duration: 12.5,
      requested: 10,
      actual: 12,
      sgx: true,
      submit: 0.1234565,
      start: NaN,
      end: NaN,
      node: 1,
      attempts: 1,
      restarts: 0,
      slowdown: NaN,
      outcome: 2,
      failure: -1,
      attacker: false,
    },
    [],
  );
  const enc = new PodCsvEncoder(NODE_NAMES, POLICY);
  enc.line(r, 0, []);
  assert.equal(
    enc.bytes().toString('utf8'),
    '6251812952-3-2506199602822,12.5,10,12,1,0.123457,,,"std,2",1,0,,binpack,never-placed,\n',
  );
});

const PAGE = 4096;
const EPC = 23_936 * PAGE;

/** Pods of every fate on the paper cluster: finished, failed at EINIT, cut at the horizon, never placed. */
function mixedJobs(n: number): SimJob[] {
  const jobs: SimJob[] = [];
  for (let i = 0; i < n; i++) {
    const sgx = i % 3 !== 0;
    const request = sgx ? ((i % 7) + 1) * 512 * PAGE : ((i % 5) + 1) * 2 ** 30;
    jobs.push({
      id: i % 11 === 0 ? `job "${i}", quoted` : `job-${i}`,
      submit: i * 0.4,
      duration: 5 + (i % 13) * 3.3,
      sgx,
      requestBytes: i % 97 === 0 ? 2 * EPC : request,
      usageBytes: sgx && i % 4 === 0 ? request * 2 : request,
      cpuMillis: 0,
    });
  }
  return jobs;
}

async function csvOf(
  input: Omit<SimulationInput, 'onPod' | 'podsCsvPath'>,
  onThread: boolean,
): Promise<{ csv: string; summary: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'pod-results-thread-'));
  const path = join(dir, 'pods', 'run.csv');
  try {
    let outcome;
    if (onThread) outcome = await simulate({ ...input, podsCsvPath: path });
    else {
      const writer = new PodCsvWriter(path);
      try {
        outcome = await simulate({ ...input, onPod: (row) => writer.write(row) });
      } finally {
        writer.close();
      }
    }
    return { csv: readFileSync(path, 'utf8'), summary: JSON.stringify(outcome.summary) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a run writing its pods CSV on the thread writes the bytes of one writing rows in-process', async () => {
  const input = {
    cluster: expandCluster(PAPER_CLUSTER),
    jobs: mixedJobs(3000),
    config: {
      ...DEFAULT_RUN_CONFIG,
      enforcement: 'einit' as const,
      attackerFraction: 0.3,
      maxRestarts: 2,
      horizon: 1500,
    },
    keepRows: false,
  };
  const [inProcess, threaded] = [await csvOf(input, false), await csvOf(input, true)];
  const lines = threaded.csv.trimEnd().split('\n');
  assert.equal(lines.length, 3001 + 2); // header, every pod, the two attackers
  // Every fate is there, and more pods than batches the thread may hold end at once (at the horizon).
  for (const fate of ['finished', 'never-placed', 'enclave-over-limit', 'cut-at-horizon'])
    assert.ok(threaded.csv.includes(fate), fate);
  assert.ok(3000 > POD_BATCH);
  assert.equal(threaded.csv, inProcess.csv);
  assert.equal(threaded.summary, inProcess.summary);
});

test('a streamed Borg part writes the same pods CSV on the thread (ids from their numbers)', async () => {
  const input = (): Omit<SimulationInput, 'onPod' | 'podsCsvPath'> => ({
    cluster: expandCluster(PAPER_CLUSTER),
    stream: borgTaskStream({
      files: [join(bundledTracePath('task_events'), 'part-00001-of-00500.csv.gz')],
      sgxShare: 0.5,
      seed: 3,
      epcBytesPerUnit: 23_936 * 4096,
      memoryBytesPerUnit: 32 * 2 ** 30,
      cpuMillisPerUnit: 0,
    }),
    config: { ...DEFAULT_RUN_CONFIG, schedulerPeriod: null, horizon: 4000 },
  });
  const [inProcess, threaded] = [await csvOf(input(), false), await csvOf(input(), true)];
  assert.ok(threaded.csv.split('\n').length > 1000);
  assert.match(threaded.csv.split('\n')[1]!, /^\d+-\d+-\d+,/);
  assert.equal(threaded.csv, inProcess.csv);
  assert.equal(threaded.summary, inProcess.summary);
});

test('a pods CSV that cannot be written fails the run with the file named', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pod-results-thread-'));
  try {
    // A file where the CSV's folder should be.
    const blocker = join(dir, 'not-a-folder');
    writeFileSync(blocker, '');
    const path = join(blocker, 'pods.csv');
    await assert.rejects(
      simulate({
        cluster: expandCluster(PAPER_CLUSTER),
        jobs: mixedJobs(50),
        config: DEFAULT_RUN_CONFIG,
        podsCsvPath: path,
      }),
      (err: Error) => err.message.includes(path),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('pods counted on the thread without a CSV give the summary of pods counted in-process', async () => {
  // More pods than a sorted run holds, so that the thread's collectors merge runs.
  const jobs = mixedJobs(SORTED_RUN + 5000);
  const input = {
    cluster: expandCluster(PAPER_CLUSTER),
    jobs,
    config: { ...DEFAULT_RUN_CONFIG, schedulerPeriod: null, probe: null, attackerFraction: 0.2 },
    keepRows: false,
  };
  const [inProcess, threaded] = [await simulate(input), await simulate({ ...input, podsOnThread: true })];
  assert.ok(threaded.summary.all.waiting.count > SORTED_RUN);
  assert.deepEqual(threaded.summary, inProcess.summary);
  assert.equal(JSON.stringify(threaded.summary), JSON.stringify(inProcess.summary));
});
