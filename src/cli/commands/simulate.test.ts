import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoPath } from '../../testing/paths.js';
import { makeTempDir } from '../../testing/temp-dir.js';
import { definitionFromFlags, progressReporter } from './simulate.js';

const bin = repoPath('bin', 'sgx-orchestrator.js');

function run(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd });
}

/** A small workload in the paper's CSV format. */
function csv(dir: string): string {
  const lines: string[] = [];
  for (let i = 0; i < 60; i++) {
    const start = i * 30e6;
    lines.push(
      `${start},${start + (40 + (i % 7) * 30) * 1e6},0,${(0.02 + (i % 5) * 0.05).toFixed(3)},${(0.02 + (i % 4) * 0.06).toFixed(3)}`,
    );
  }
  const file = join(dir, 'jobs.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

test('simulate sweeps the listed values, writes results and pods CSVs, and says where', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-sim-'));
  try {
    const r = run(
      [
        'simulate',
        csv(dir),
        '--format',
        'paper-csv',
        '--policy',
        'binpack,spread',
        '--sgx-share',
        '50%',
        '--enforcement',
        'none,cgroup',
        '--attacker-fraction',
        '0.5',
        '--no-report',
        '--jobs',
        '1',
      ],
      dir,
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /binpack-enforce-none .*\n/);
    assert.match(r.stdout, /spread-enforce-cgroup /);
    assert.match(r.stderr, /4 runs in .* Wrote results \.\/sgx-results\/results\.json/);
    const results = JSON.parse(readFileSync(join(dir, 'sgx-results', 'results.json'), 'utf8')) as {
      runs: { result: { meta: { sgxShare: number; attackerFraction: number; enforcement: string } } }[];
    };
    assert.equal(results.runs.length, 4);
    assert.equal(results.runs[1]!.result.meta.enforcement, 'cgroup');
    assert.equal(results.runs[1]!.result.meta.sgxShare, 0.5);
    assert.equal(results.runs[1]!.result.meta.attackerFraction, 0.5);
    assert.ok(existsSync(join(dir, 'sgx-results', 'pods', 'spread-enforce-cgroup.csv')));
    assert.ok(!existsSync(join(dir, 'sgx-results', 'report.html')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a cluster name stays a name where a folder of that name exists; one run is "1 run"', () => {
  const dir = makeTempDir('cli-sim-');
  mkdirSync(join(dir, 'paper'));
  const r = run(
    ['simulate', csv(dir), '--cluster', 'paper', '--policy', 'binpack', '--sgx-share', '0', '--no-report'],
    dir,
  );
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /^1 run in /m);
  const doc = JSON.parse(readFileSync(join(dir, 'sgx-results', 'results.json'), 'utf8')) as {
    runs: { result: { meta: { cluster: { name: string } } } }[];
  };
  assert.equal(doc.runs[0]!.result.meta.cluster.name, 'paper');
});

test('input that could not be read is warned about after the table, once per input', () => {
  const dir = makeTempDir('cli-sim-');
  const file = csv(dir);
  writeFileSync(file, readFileSync(file, 'utf8') + '5,6,0,lots,0.1\n');
  const r = run(['simulate', file, '--policy', 'binpack,spread', '--sgx-share', '0', '--no-report'], dir);
  assert.equal(r.status, 0, r.stderr);
  const warnings = r.stderr.split('\n').filter((l) => l.startsWith('warning:'));
  assert.deepEqual(warnings, [
    `warning: ${file}: unreadable input skipped (not-a-number 1); \`sgx-orchestrator trace stats\` on the same files shows where.`,
  ]);
  const clean = run(
    ['simulate', csv(makeTempDir('cli-sim-')), '--policy', 'binpack', '--sgx-share', '0', '--no-report'],
    dir,
  );
  assert.doesNotMatch(clean.stderr, /warning/);
});

test('a borg machine table with unreadable lines is warned about; one without a machine is an error', () => {
  const dir = makeTempDir('cli-sim-');
  const machines = join(dir, 'machines.csv');
  writeFileSync(machines, '0,1,0,p,0.5,0.5\n0,2,0,p,0.5,0.5\n0,3,0,p\nx,4,0,p,1,1\n');
  const flags = ['--cluster', 'borg', '--policy', 'binpack,spread', '--sgx-share', '0.5', '--no-report'];
  const r = run(['simulate', '--machines', machines, ...flags], dir);
  assert.equal(r.status, 0, r.stderr);
  const warnings = r.stderr.split('\n').filter((l) => l.startsWith('warning:'));
  assert.deepEqual(warnings, [
    `warning: ${machines}: unreadable machine_events lines skipped (column-count 1, not-a-number 1); ` +
      'the cluster has the machines of the other lines; ' +
      '`sgx-orchestrator trace stats --format machine_events` on the same files shows where.',
  ]);
  const doc = JSON.parse(readFileSync(join(dir, 'sgx-results', 'results.json'), 'utf8')) as {
    runs: { result: { meta: { cluster: { nodes: number; machineEvents?: unknown } } } }[];
  };
  assert.equal(doc.runs[0]!.result.meta.cluster.nodes, 2);
  assert.deepEqual(doc.runs[0]!.result.meta.cluster.machineEvents, {
    sources: [machines],
    skipped: { 'column-count': 1, 'not-a-number': 1 },
  });

  // A task_events part given as the machine table: not an empty cluster where no pod runs.
  const taskEvents = join(dir, 'te.csv');
  writeFileSync(taskEvents, '0,1,2,3,4,5,6,7,8,9,10,11,12\n');
  const wrong = run(['simulate', '--machines', taskEvents, ...flags], dir);
  assert.equal(wrong.status, 3, wrong.stderr);
  assert.match(wrong.stderr, /te\.csv: no machine could be read: 1 line skipped as unreadable/);
  assert.match(wrong.stderr, /a machine_events row has 6 comma-separated fields/);
  assert.doesNotMatch(wrong.stderr, /internal error|\n\s+at /);
});

test('progress: redrawn on a terminal at most four times a second; elsewhere a line every 30 s', () => {
  let t = 0;
  const written: string[] = [];
  const sink = (isTTY: boolean) => ({ isTTY, write: (text: string) => written.push(text) });
  const at = (s: number, ended: number) => ({ simulatedSeconds: s, podsArrived: 1000, podsEnded: ended });
  const tty = progressReporter('month', () => t, sink(true));
  tty.start(2);
  tty.progress('binpack', at(7200, 10));
  t = 100;
  tty.progress('binpack', at(9000, 20)); // too soon: not drawn
  t = 300;
  tty.progress('binpack', at(4 * 86_400, 30));
  assert.deepEqual(written.slice(1), [
    '\r\x1b[Kmonth [........................] 0/2 0.0s  binpack: 2.0 h simulated, 10 of 1,000 pods ended',
    '\r\x1b[Kmonth [........................] 0/2 0.3s  binpack: 4.0 days simulated, 30 of 1,000 pods ended',
  ]);
  written.length = 0;
  t = 0;
  const log = progressReporter('month', () => t, sink(false));
  log.start(2);
  t = 29_000;
  log.progress('spread', at(600, 1)); // the first 30 s: nothing
  t = 31_000;
  log.progress('spread', at(1200, 2));
  t = 40_000;
  log.progress('spread', at(1800, 3));
  assert.deepEqual(written, [
    'month: 0/2 runs done, 31.0s; spread: 20 min simulated, 2 of 1,000 pods ended\n',
  ]);
});

test('simulate --json prints the results document on stdout', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-sim-'));
  try {
    const r = run(
      ['simulate', csv(dir), '--policy', 'binpack', '--sgx-share', '1', '--json', '--out', 'out'],
      dir,
    );
    assert.equal(r.status, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { schemaVersion: string; runs: unknown[] };
    assert.equal(doc.schemaVersion, '1.0');
    assert.equal(doc.runs.length, 1);
    assert.ok(existsSync(join(dir, 'out', 'report.html')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad flags and missing inputs are errors that say what to do', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-sim-'));
  try {
    const bad = run(['simulate', '--enforcement', 'strict'], dir);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--enforcement: expected none, einit or cgroup, got "strict"/);
    const missing = run(['simulate', join(dir, 'nope.csv'), '--policy', 'binpack', '--sgx-share', '0'], dir);
    assert.equal(missing.status, 3, missing.stderr);
    assert.match(missing.stderr, /nope\.csv/);
    // An empty window is a usage error (it was an internal error from the trace mapping).
    const empty = run(['simulate', '--from', '100', '--to', '50'], dir);
    assert.equal(empty.status, 2, empty.stderr);
    assert.match(empty.stderr, /--from 100 --to 50: the window must end after it starts\n/);
    const pastBundled = run(['simulate', '--from', '20000'], dir);
    assert.equal(pastBundled.status, 2, pastBundled.stderr);
    assert.match(pastBundled.stderr, /the bundled trace's window is --from 6480 --to 10080/);
    // Settings that no run would take are refused rather than silently dropped.
    const unscored = run(['simulate', '--nodes-to-score', '50', '--policy', 'binpack,spread'], dir);
    assert.equal(unscored.status, 2, unscored.stderr);
    assert.match(
      unscored.stderr,
      /--nodes-to-score: only the scored policies \(.*\) take it, and --policy binpack,spread has none/,
    );
    const notBorg = run(['simulate', '--machines', 'm.csv'], dir);
    assert.equal(notBorg.status, 2, notBorg.stderr);
    assert.match(notBorg.stderr, /--machines: only --cluster borg takes it/);
    // A machine table that is not there is said before any run, not by the first run that reads it.
    const machines = run(['simulate', '--cluster', 'borg', '--machines', join(dir, 'none')], dir);
    assert.equal(machines.status, 3, machines.stderr);
    assert.match(machines.stderr, /none: no such file or folder/);
    assert.doesNotMatch(machines.stderr, /run /);
    const cluster = run(['simulate', '--cluster', 'paper,papr'], dir);
    assert.equal(cluster.status, 2);
    assert.match(cluster.stderr, /--cluster: unknown cluster "papr": give a spec file/);
    assert.doesNotMatch(cluster.stderr, /run /, 'found before any run started');
    const spec = run(['simulate', '--cluster', 'cell.yaml'], dir);
    assert.equal(spec.status, 2);
    assert.match(spec.stderr, /--cluster: no cluster spec file at cell\.yaml/);
    const streamed = run(['simulate', '--stream', join(dir, 'parts'), '--sgx-share', '0,0.5'], dir);
    assert.equal(streamed.status, 3, streamed.stderr);
    assert.match(streamed.stderr, /parts: no such file or folder/);
    assert.doesNotMatch(streamed.stderr, /run /, 'found before any run started');
    // An output folder that cannot be written is said at once, not after the runs.
    writeFileSync(join(dir, 'taken'), '');
    for (const out of ['taken', 'taken/results']) {
      const r = run(['simulate', csv(dir), '--policy', 'binpack', '--sgx-share', '0', '-o', out], dir);
      assert.equal(r.status, 2, r.stderr);
      assert.match(
        r.stderr,
        /--out .*taken(\/results)?: cannot write results there: .*taken is a file, not a folder/,
      );
      assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
    }
    const shard = run(['experiment', 'x.yaml', '--shard', '4/4'], dir);
    assert.equal(shard.status, 2);
    assert.match(shard.stderr, /--shard: expected i\/n with 0 <= i < n/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('only the main job itself is named and described as the main job', () => {
  const main = definitionFromFlags({}, []);
  assert.equal(main.name, 'main');
  // The defaults spelt out, and output options, are still the main job.
  const spelt = definitionFromFlags(
    { policy: 'binpack,spread,sgx-unaware', tolerance: '1', json: true, jobs: '2' },
    [],
  );
  assert.equal(spelt.name, 'main');
  assert.equal(spelt.description, main.description);
  // Any other setting is named, in the order of --help.
  const changed = definitionFromFlags({ horizon: '3600', policy: 'binpack', paging: 'none' }, []);
  assert.equal(changed.name, 'simulate');
  assert.equal(
    changed.description,
    'simulate on the bundled Borg hour with --policy binpack --paging none --horizon 3600',
  );
  const stream = definitionFromFlags({ stream: true }, ['parts']);
  assert.equal(stream.description, 'simulate parts with --stream');
});

test('JSON Lines records keep their own SGX designation: no share is swept over them', () => {
  const dir = makeTempDir('cli-sim-jsonl-');
  const file = join(dir, 'all-sgx.jsonl');
  const exported = run(
    ['trace', 'export', '--from', '6480', '--to', '7200', '--keep-one-in', '20', '--sgx-share', '1'].concat([
      '--to-format',
      'jsonl',
      '-o',
      file,
    ]),
    dir,
  );
  assert.equal(exported.status, 0, exported.stderr);
  const r = run(['simulate', file, '--policy', 'spread', '--json', '--no-report'], dir);
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as {
    axes: { axis: string }[];
    runs: {
      result: { meta: { sgxShare: number }; summary: { all: { pods: number }; sgx: { pods: number } } };
    }[];
  };
  assert.deepEqual(doc.axes, []);
  assert.equal(doc.runs.length, 1);
  const result = doc.runs[0]!.result;
  assert.ok(result.summary.all.pods > 0);
  assert.equal(result.summary.sgx.pods, result.summary.all.pods);
  assert.equal(result.meta.sgxShare, 1);
  const swept = run(['simulate', file, '--sgx-share', '0,0.5', '--no-report'], dir);
  assert.equal(swept.status, 2);
  assert.match(swept.stderr, /--sgx-share: JSON Lines records say themselves which are SGX/);
});

test('a waiting time over only some of its class is marked, and the mark explained', () => {
  const dir = makeTempDir('cli-sim-partial-');
  // Attackers hold most of the EPC of both SGX nodes: some SGX pods never start.
  const r = run(
    [
      'simulate',
      csv(dir),
      '--policy',
      'spread',
      '--sgx-share',
      '0.5',
      '--attacker-fraction',
      '0.8',
      '--no-report',
    ],
    dir,
  );
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n');
  const row = lines[lines.findIndex((l) => l.startsWith('---')) + 1];
  assert.ok(row !== undefined, r.stdout);
  assert.match(row, /\d+(\.\d)?s\*/);
  assert.match(
    r.stdout,
    /\* Some pods of that class never started .*: the figure covers only those that did\./,
  );
  // Every pod started: no mark, no note.
  const all = run(['simulate', csv(dir), '--policy', 'spread', '--sgx-share', '0', '--no-report'], dir);
  assert.equal(all.status, 0, all.stderr);
  assert.doesNotMatch(all.stdout, /\*/);
});

test('--initial-pods reaches the workload; a streamed input refuses it', () => {
  assert.equal(definitionFromFlags({ 'initial-pods': 'load' }, []).workload.initialPods, 'load');
  assert.equal(definitionFromFlags({}, []).workload.initialPods, undefined);
  assert.throws(
    () => definitionFromFlags({ 'initial-pods': 'load', stream: true }, ['parts']),
    /--stream reads the whole input unthinned: drop --initial-pods/,
  );
});
