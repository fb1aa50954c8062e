import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sampleResults } from '../../report/sample-results.js';
import { makeTempDir } from '../../testing/temp-dir.js';
import { CliError } from '../errors.js';
import { command, readResultsDir } from './report.js';

const dir = makeTempDir('sgx-report-cli-');

function resultsDir(name: string, content: string): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 'results.json'), content);
  return d;
}

/** Runs `f` with stderr captured. */
async function stderrOf<T>(f: () => Promise<T>): Promise<{ value: T; err: string }> {
  const write = process.stderr.write.bind(process.stderr);
  let err = '';
  process.stderr.write = ((chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    return { value: await f(), err };
  } finally {
    process.stderr.write = write;
  }
}

async function quiet<T>(f: () => Promise<T>): Promise<{ value: T; out: string }> {
  const write = process.stdout.write.bind(process.stdout);
  let out = '';
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  try {
    return { value: await f(), out };
  } finally {
    process.stdout.write = write;
  }
}

describe('report command', () => {
  const good = resultsDir('good', JSON.stringify(sampleResults({ name: 'good' })));

  it('writes report.html beside the results and says where', async () => {
    const { value, out } = await quiet(() => command.run([good]));
    assert.equal(value, 0);
    const file = join(good, 'report.html');
    assert.match(
      out,
      new RegExp(`Report written to ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(\\d+ KiB\\)`),
    );
    assert.match(readFileSync(file, 'utf8'), /<title>sgx-orchestrator results: good<\/title>/);
  });

  it('compares two results sets into the file given by --out', async () => {
    const other = resultsDir('other', JSON.stringify(sampleResults({ name: 'other', seed: 9 })));
    const out = join(dir, 'cmp.html');
    const { value } = await quiet(() =>
      command.run([good, '--compare', other, '--out', out, '--labels', 'live,sim']),
    );
    assert.equal(value, 0);
    assert.match(readFileSync(out, 'utf8'), /live compared with sim/);
  });

  it('reads a results JSON file given directly', () => {
    assert.equal(readResultsDir(join(good, 'results.json')).results.name, 'good');
  });

  it('says what is wrong with bad input, naming the file and the field', async () => {
    const missing = join(dir, 'nowhere');
    await assert.rejects(
      command.run([missing]),
      (e: unknown) => e instanceof CliError && e.code === 'input' && e.message.includes(missing),
    );
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    await assert.rejects(command.run([empty]), /results\.json: cannot read it/);
    const broken = resultsDir('broken', '{\n  "schemaVersion": "1.0",\n  "name": }');
    await assert.rejects(command.run([broken]), /not valid JSON/);
    const foreign = resultsDir(
      'foreign',
      JSON.stringify({ schemaVersion: '1.0', name: 'x', description: 3 }),
    );
    await assert.rejects(
      command.run([foreign]),
      /not a results file of sgx-orchestrator: \$\.description: expected a string/,
    );
    assert.ok(!existsSync(join(foreign, 'report.html')), 'no report for bad input');
  });

  it('joins the shard files of a sharded experiment into one report', async () => {
    const whole = sampleResults({ name: 'sharded', sgxShares: [0, 0.5, 1] });
    const d = join(dir, 'shards');
    mkdirSync(d);
    for (const index of [0, 1]) {
      const part = {
        ...whole,
        shard: { index, count: 2 },
        runs: whole.runs.filter((r) => r.index % 2 === index),
      };
      writeFileSync(join(d, `results.shard-${index}-of-2.json`), JSON.stringify(part));
    }
    assert.deepEqual(readResultsDir(d).results, whole);
    const { value } = await quiet(() => command.run([d]));
    assert.equal(value, 0);
    assert.match(readFileSync(join(d, 'report.html'), 'utf8'), /<td>6 of 6<\/td>/);
  });

  it('warns when shards are missing, even when only one is there, counting shards from 0', async () => {
    const whole = sampleResults({ name: 'sharded', sgxShares: [0, 0.5, 1] });
    const d = join(dir, 'one-shard');
    mkdirSync(d);
    const part = {
      ...whole,
      shard: { index: 0, count: 2 },
      runs: whole.runs.filter((r) => r.index % 2 === 0),
    };
    writeFileSync(join(d, 'results.shard-0-of-2.json'), JSON.stringify(part));
    const { value, err } = await stderrOf(() => quiet(() => command.run([d])));
    assert.equal(value.value, 0);
    assert.match(err, /warning: .*: shard 1 of 2 missing \(shards counted from 0, as in --shard i\/n/);
    assert.match(err, /the report shows 3 of 6 runs/);
    assert.match(readFileSync(join(d, 'report.html'), 'utf8'), /<td>3 of 6<\/td>/);
    // A shard file rendered as it is says which shard it is, counted the same way.
    const file = join(dir, 'shard-file.json');
    writeFileSync(file, JSON.stringify({ ...part, shard: { index: 1, count: 2 } }));
    const alone = await stderrOf(() => quiet(() => command.run([file, '--out', join(dir, 's.html')])));
    assert.match(alone.err, /shard 0 of 2 missing/);
  });

  it('refuses bad usage with exit code usage', async () => {
    await assert.rejects(command.run([]), (e: unknown) => e instanceof CliError && e.code === 'usage');
    await assert.rejects(
      command.run([good, '--bogus']),
      (e: unknown) => e instanceof CliError && e.code === 'usage',
    );
    await assert.rejects(command.run([good, '--labels', 'a,b']), /give --compare too/);
    await assert.rejects(
      command.run([good, '--compare', good, '--labels', 'one']),
      /two names separated by a comma/,
    );
  });
});
