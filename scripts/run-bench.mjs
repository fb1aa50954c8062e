// Runs every compiled benchmark in dist/bench (or the ones named), one process each, so that one
// benchmark's heap does not skew the next. Usage: npm run bench [-- name ...]
import { spawnSync } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const dir = join(root, 'dist', 'bench');
const wanted = process.argv.slice(2);
const all = existsSync(dir)
  ? readdirSync(dir)
      .filter((f) => f.endsWith('.bench.js'))
      .sort()
  : [];
const chosen = wanted.length > 0 ? all.filter((f) => wanted.some((w) => f.includes(w))) : all;
let failed = 0;
for (const file of chosen) {
  console.log(`\n=== ${file.replace(/\.bench\.js$/, '')} ===`);
  const r = spawnSync(process.execPath, ['--expose-gc', join(dir, file)], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) failed++;
}
if (chosen.length === 0) console.log('no benchmarks found');
process.exit(failed === 0 ? 0 : 1);
