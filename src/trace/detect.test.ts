import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { detectFormat, formatOfAll } from './detect.js';
import { TraceInputError } from './issues.js';
import { repoPath } from '../testing/paths.js';
import { makeTempDir } from '../testing/temp-dir.js';

const GOOD = repoPath('src/trace/fixtures/borg/task_events/part-00000-of-00001.csv');

test('a gzip file broken before its first line ends is an input error naming the file and the damage', async () => {
  const dir = makeTempDir('detect-gz-');
  const gz = gzipSync(readFileSync(GOOD));
  const cut = join(dir, 'cut.csv.gz');
  writeFileSync(cut, gz.subarray(0, 30));
  await assert.rejects(detectFormat(cut), (err: unknown) => {
    assert.ok(err instanceof TraceInputError);
    assert.equal(
      err.message,
      `${cut}: the gzip data ends early, before its first complete line (truncated file?); ` +
        'nothing of it can be read: fetch the file again',
    );
    assert.equal(err.issue?.reason, 'truncated-gzip');
    return true;
  });
  // The gzip magic bytes, then something else.
  const garbage = join(dir, 'garbage.csv.gz');
  writeFileSync(garbage, Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from('garbage')]));
  await assert.rejects(formatOfAll([garbage]), (err: unknown) => {
    assert.ok(err instanceof TraceInputError);
    assert.match(
      err.message,
      /garbage\.csv\.gz: the gzip data is damaged before its first complete line: invalid gzip data \(.+\); nothing of it can be read/,
    );
    assert.equal(err.issue?.reason, 'corrupt-gzip');
    return true;
  });
});

test('a gzip file cut after its first line is still recognised by that line', async () => {
  const dir = makeTempDir('detect-gz-');
  let text = '';
  for (let i = 0; i < 400; i++) text += readFileSync(GOOD, 'utf8');
  const gz = gzipSync(text);
  const cut = join(dir, 'cut.csv.gz');
  writeFileSync(cut, gz.subarray(0, Math.floor(gz.length * 0.6)));
  assert.equal(await detectFormat(cut), 'task_events');
});
