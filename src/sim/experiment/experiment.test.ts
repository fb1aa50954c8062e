import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandRuns, mainJobDefinition, parseExperiment } from './definition.js';
import type { ExperimentDefinition } from './definition.js';
import type { RunProgress } from '../run/simulation.js';
import { runExperiment } from './experiment.js';
import { SimConfigError } from '../config/structured-file.js';
import { resultJson } from '../results/write.js';

/** A paper-format CSV of `n` jobs over an hour (deterministic), some using more than they request. */
function paperCsv(dir: string, n: number): string {
  let x = 2024;
  const rand = (): number => (x = (x * 48271) % 2147483647) / 2147483647;
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const start = Math.round((i * 3600 * 1e6) / n);
    const end = start + Math.round((30 + rand() * 900) * 1e6);
    const req = 0.01 + rand() * 0.3;
    const used = req * (0.5 + rand() * 0.8);
    lines.push(`${start},${end},0,${req.toFixed(5)},${used.toFixed(5)}`);
  }
  const file = join(dir, 'jobs.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

function definition(csv: string): ExperimentDefinition {
  const main = mainJobDefinition();
  return {
    ...main,
    name: 'test',
    workload: { sources: [csv], format: 'paper-csv', keepOneIn: 1 },
    base: { ...main.base, attackerFraction: 0.2 },
    sweep: [
      { axis: 'policy', values: ['binpack', 'spread'] },
      { axis: 'sgxShare', values: [0.5, 1] },
    ],
  };
}

function filesOf(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string, rel: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${rel}${e.name}/`);
      else out.set(rel + e.name, readFileSync(join(d, e.name)));
    }
  };
  walk(dir, '');
  return out;
}

test('same input, configuration and seed: byte-identical files, with or without worker threads', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-det-'));
  try {
    const csv = paperCsv(dir, 300);
    const def = definition(csv);
    // Progress reaches the caller from this thread and from worker threads alike, in simulated time
    // order for each run; it changes nothing in the files.
    const seen = [new Map<string, RunProgress[]>(), new Map<string, RunProgress[]>()];
    const track =
      (k: 0 | 1) =>
      (id: string, p: RunProgress): void => {
        seen[k]!.set(id, [...(seen[k]!.get(id) ?? []), p]);
      };
    const a = await runExperiment(def, {
      outDir: join(dir, 'a'),
      version: 't',
      parallelism: 1,
      onRunProgress: track(0),
    });
    const b = await runExperiment(def, {
      outDir: join(dir, 'b'),
      version: 't',
      parallelism: 2,
      onRunProgress: track(1),
    });
    for (const byRun of seen) {
      assert.deepEqual([...byRun.keys()].sort(), [
        'binpack-sgx100',
        'binpack-sgx50',
        'spread-sgx100',
        'spread-sgx50',
      ]);
      for (const list of byRun.values()) {
        assert.ok(list.length >= 2, `${list.length} progress reports`);
        for (let i = 1; i < list.length; i++)
          assert.ok(list[i]!.simulatedSeconds > list[i - 1]!.simulatedSeconds);
        for (const p of list) assert.ok(p.podsEnded <= p.podsArrived && p.podsArrived <= 300);
        assert.equal(list.at(-1)!.podsArrived, 300);
      }
    }
    assert.deepEqual(seen[0], seen[1]);
    const fa = filesOf(join(dir, 'a'));
    const fb = filesOf(join(dir, 'b'));
    assert.deepEqual([...fa.keys()].sort(), [
      'pods/binpack-sgx100.csv',
      'pods/binpack-sgx50.csv',
      'pods/spread-sgx100.csv',
      'pods/spread-sgx50.csv',
      'results.json',
    ]);
    for (const [name, bytes] of fa) assert.ok(bytes.equals(fb.get(name)!), `${name} differs`);
    assert.equal(a.result.runs.length, 4);
    assert.equal(b.result.runs[3]!.result.meta.runId, 'spread-sgx100');
    // The CSV has the paper's columns first and one row per pod (attackers included).
    const csvText = fa.get('pods/binpack-sgx50.csv')!.toString();
    assert.match(csvText, /^job_id,duration,requested_pages,actual_pages,is_sgx,submit,start,end,node,/);
    assert.equal(csvText.trim().split('\n').length, 1 + 300 + 2);
    // Wall-clock time stays out of the files.
    assert.doesNotMatch(fa.get('results.json')!.toString(), /wallMs/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('shards split the sweep and together give the same runs as the whole', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-shard-'));
  try {
    const def = definition(paperCsv(dir, 120));
    const whole = await runExperiment(def, { outDir: null, version: 't', parallelism: 1 });
    const s0 = await runExperiment(def, {
      outDir: join(dir, 's0'),
      version: 't',
      parallelism: 1,
      shard: { index: 0, count: 3 },
    });
    const s1 = await runExperiment(def, {
      outDir: null,
      version: 't',
      parallelism: 1,
      shard: { index: 1, count: 3 },
    });
    const s2 = await runExperiment(def, {
      outDir: null,
      version: 't',
      parallelism: 1,
      shard: { index: 2, count: 3 },
    });
    assert.deepEqual(
      s0.result.runs.map((r) => r.index),
      [0, 3],
    );
    assert.equal(s0.result.totalRuns, 4);
    assert.match(s0.file!, /results\.shard-0-of-3\.json$/);
    const merged = [...s0.result.runs, ...s1.result.runs, ...s2.result.runs]
      .sort((x, y) => x.index - y.index)
      .map((r) => ({ ...r, result: { ...r.result, podsCsv: null } }));
    // (compared as a boolean: a failing string comparison would print two 300 kB documents)
    assert.ok(
      resultJson({ ...whole.result, runs: merged }) === resultJson(whole.result),
      'merged shards differ',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the sweep is the cartesian product, first axis slowest, with readable run ids', () => {
  const def = parseExperiment(
    'x.yaml',
    [
      'name: t',
      'run: { policy: spread, seed: 3 }',
      'sweep:',
      '  enforcement: [none, einit]',
      '  attackerFraction: [0, 0.5]',
    ].join('\n'),
  );
  const runs = expandRuns(def, '/out', 'v');
  assert.deepEqual(
    runs.map((r) => r.config.runId),
    ['enforce-none-attack0', 'enforce-none-attack50', 'enforce-einit-attack0', 'enforce-einit-attack50'],
  );
  assert.equal(runs[1]!.config.enforcement, 'none');
  assert.equal(runs[1]!.config.attackerFraction, 0.5);
  assert.equal(runs[1]!.config.policy, 'spread');
  assert.equal(runs[1]!.config.seed, 3);
  assert.deepEqual(runs[2]!.podsCsv, {
    path: '/out/pods/enforce-einit-attack0.csv',
    relative: 'pods/enforce-einit-attack0.csv',
  });
});

test('experiment specs: every problem named with its line and field', () => {
  const text = [
    'name: bad',
    'workload:',
    '  keepOneIn: 0',
    'run:',
    '  probe: { periodSeconds: 7 }',
    '  paging: quadratic',
    '  percentageOfNodesToScore: 101',
    'sweep:',
    '  policy: [binpack, fastest]',
    '  colour: [red]',
    '  cluster: [paper, papr, missing/cell.yaml]',
    'borg: { sgxNodeShare: 0.5 }',
  ].join('\n');
  try {
    parseExperiment('bad.yaml', text);
    assert.fail('expected an error');
  } catch (e) {
    assert.ok(e instanceof SimConfigError);
    const where = e.problems.map((p) => `${p.line}:${p.field}`);
    assert.ok(where.includes('3:workload.keepOneIn'), where.join(' '));
    assert.ok(where.includes('5:run.probe.windowSeconds'), where.join(' '));
    assert.ok(where.includes('6:run.paging'), where.join(' '));
    assert.ok(where.includes('7:run.percentageOfNodesToScore'), where.join(' '));
    assert.ok(where.includes('9:sweep.policy[1]'), where.join(' '));
    assert.ok(where.includes('10:sweep.colour'), where.join(' '));
    // Clusters that name nothing are found before any run starts, not when their run comes.
    assert.ok(where.includes('11:sweep.cluster[1]'), where.join(' '));
    assert.ok(where.includes('11:sweep.cluster[2]'), where.join(' '));
    const messages = e.problems.map((p) => p.message).join('\n');
    assert.match(messages, /unknown cluster "papr": give a spec file \(\.yaml\/\.json\) or one of paper, /);
    assert.match(messages, /no cluster spec file at missing[\\/]cell\.yaml/);
    assert.equal(e.problems.filter((p) => p.field.startsWith('sweep.cluster')).length, 2);
    // Settings no run would take are refused rather than silently dropped.
    assert.ok(where.includes('7:run.percentageOfNodesToScore'), where.join(' '));
    assert.match(messages, /only the scored policies \(.*\) take it, and this experiment runs binpack/);
    assert.ok(where.includes('12:borg'), where.join(' '));
  }
});

test('experiment specs: timing settings and sizes that would exhaust memory or repeat a seed are refused', () => {
  const text = [
    'run:',
    '  schedulerPeriod: 0.001',
    '  startupDelay: 1e9',
    '  probe: { periodSeconds: 1, windowSeconds: 5000 }',
    '  sampleSeconds: 0.01',
    '  epcMiB: 1e308',
    '  seed: 4294967296',
    'sweep:',
    '  sgxShare: [0, 1]',
    '---',
  ].join('\n');
  try {
    parseExperiment('big.yaml', text.replace('\n---', ''));
    assert.fail('expected an error');
  } catch (e) {
    assert.ok(e instanceof SimConfigError);
    const where = e.problems.map((p) => `${p.line}:${p.field}: ${p.message}`).join('\n');
    assert.match(where, /2:run\.schedulerPeriod: .*0\.1.*86400/);
    assert.match(where, /3:run\.startupDelay: .*86400/);
    assert.match(where, /4:run\.probe: a window of at most 1000 periods/);
    assert.match(where, /5:run\.sampleSeconds: /);
    assert.match(where, /6:run\.epcMiB: .*1048576/);
    assert.match(where, /7:run\.seed: .*4294967295/);
  }
  try {
    parseExperiment('word.yaml', 'run:\n  schedulerPeriod: eventual\n');
    assert.fail('expected an error');
  } catch (e) {
    assert.ok(e instanceof SimConfigError);
    assert.match(
      e.message,
      /run\.schedulerPeriod: expected a number of seconds \(0\.1 to 86400\) or event, got "eventual"/,
    );
  }
});

test('a workload source that does not exist is a problem of the spec, with its line', () => {
  try {
    parseExperiment('missing.yaml', 'workload:\n  sources: [nothere/task_events]\n');
    assert.fail('expected an error');
  } catch (e) {
    assert.ok(e instanceof SimConfigError);
    assert.match(
      e.message,
      /missing\.yaml:2: workload\.sources\[0\]: no such file or folder: .*nothere[\\/]task_events/,
    );
  }
});

test('the shipped experiment specs parse', () => {
  for (const name of ['paper-waiting-times', 'paper-attack', 'paper-epc-sizes', 'policies-borg-cell']) {
    const file = new URL(`../../../../experiments/${name}.yaml`, import.meta.url);
    const def = parseExperiment(name, readFileSync(file, 'utf8'));
    assert.ok(expandRuns(def, null, 'v').length >= 5, name);
  }
});

test('percentageOfNodesToScore reaches the scored runs and their metadata, not binpack', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-sample-'));
  try {
    const csv = paperCsv(dir, 200);
    const main = mainJobDefinition();
    const def: ExperimentDefinition = {
      ...definition(csv),
      run: { ...main.run, percentageOfNodesToScore: 0 },
      sweep: [{ axis: 'policy', values: ['binpack', 'sgx-unaware'] }],
    };
    const r = await runExperiment(def, { outDir: null, version: 't', parallelism: 1 });
    const meta = r.result.runs.map((run) => run.result.meta);
    assert.equal(meta[0]!.policy, 'binpack');
    assert.equal('percentageOfNodesToScore' in meta[0]!, false);
    assert.equal(meta[1]!.policy, 'sgx-unaware');
    assert.equal(meta[1]!.percentageOfNodesToScore, 0);
    // Given as a profile field instead, it is recorded too.
    const viaProfile: ExperimentDefinition = {
      ...def,
      run: { ...main.run, profile: { percentageOfNodesToScore: 30 } },
      sweep: [{ axis: 'policy', values: ['least-allocated'] }],
    };
    const p = await runExperiment(viaProfile, { outDir: null, version: 't', parallelism: 1 });
    assert.equal(p.result.runs[0]!.result.meta.percentageOfNodesToScore, 30);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
