// Runs the compiled unit and integration tests with Node's own test runner.
// Usage: node scripts/run-tests.mjs [path-prefix ...]   e.g. `npm run test:unit -- src/trace`
// Tests are compiled by `tsc -b` into dist/; this finds every *.test.js below dist/src (or below the
// given prefixes, which are source paths such as src/core) and hands them to `node --test`.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const prefixes = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const passThrough = process.argv.slice(2).filter((a) => a.startsWith('--'));
const starts = (prefixes.length > 0 ? prefixes : ['src']).map((p) =>
  join(root, 'dist', p.replace(/\.ts$/, '.js')),
);

function collect(path, out) {
  if (!existsSync(path)) return;
  if (statSync(path).isFile()) {
    if (path.endsWith('.test.js')) out.push(path);
    return;
  }
  for (const name of readdirSync(path).sort()) collect(join(path, name), out);
}

const files = [];
for (const s of starts) collect(s, files);
if (files.length === 0) {
  console.error(`no compiled tests found under ${starts.join(', ')}: run \`npm run build\` first`);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--test', '--test-reporter=spec', '--test-timeout=300000', ...passThrough, ...files],
  { stdio: 'inherit', cwd: root },
);
process.exit(result.status ?? 1);
