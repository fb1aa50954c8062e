import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { repoPath } from '../paths.js';

/** The Dockerfile as instructions: continuation lines joined, comments dropped. */
function instructions(text: string): { op: string; args: string }[] {
  const joined = text.replace(/\\\r?\n/g, ' ');
  return joined
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const m = /^(\S+)\s+(.*)$/.exec(l);
      return { op: (m?.[1] ?? l).toUpperCase(), args: m?.[2] ?? '' };
    });
}

const steps = instructions(readFileSync(repoPath('Dockerfile'), 'utf8'));
const ignored = readFileSync(repoPath('.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));

test('the image is multi-stage on node:20-bookworm-slim and builds with npm ci, tsc and a dev-dependency prune', () => {
  const froms = steps.filter((s) => s.op === 'FROM');
  assert.ok(froms.length >= 2, 'multi-stage');
  const arg = steps.find((s) => s.op === 'ARG' && s.args.startsWith('NODE_IMAGE='));
  assert.equal(arg?.args, 'NODE_IMAGE=node:20-bookworm-slim');
  const runs = steps
    .filter((s) => s.op === 'RUN')
    .map((s) => s.args)
    .join('\n');
  assert.match(runs, /npm ci --ignore-scripts/);
  assert.match(runs, /tsc -p tsconfig\.json/);
  assert.match(runs, /npm prune --omit=dev/);
});

test('the runtime stage runs as a numeric non-root user and starts the CLI binary', () => {
  const lastFrom = steps.map((s) => s.op).lastIndexOf('FROM');
  const runtime = steps.slice(lastFrom);
  const user = runtime.filter((s) => s.op === 'USER').at(-1);
  assert.ok(user, 'USER in the runtime stage');
  // Numeric, so that Kubernetes' runAsNonRoot can verify it without /etc/passwd.
  assert.match(user.args, /^[1-9]\d*(:\d+)?$/);
  const entry = runtime.find((s) => s.op === 'ENTRYPOINT');
  assert.deepEqual(JSON.parse(entry?.args ?? 'null'), ['node', '/app/bin/sgx-orchestrator.js']);
});

test('every file copied from the build context exists and is not excluded by .dockerignore', () => {
  const copies = steps.filter((s) => s.op === 'COPY' && !s.args.includes('--from='));
  assert.ok(copies.length > 0);
  for (const c of copies) {
    const parts = c.args.split(/\s+/).filter((p) => !p.startsWith('--'));
    for (const src of parts.slice(0, -1)) {
      assert.ok(existsSync(repoPath(src)), `COPY ${src}: not in the repository`);
      assert.ok(!ignored.includes(src), `COPY ${src}: excluded by .dockerignore`);
    }
  }
  for (const heavy of ['node_modules', 'dist', '.git'])
    assert.ok(ignored.includes(heavy), `.dockerignore: ${heavy}`);
});

test('the manifests run the image this Dockerfile builds', () => {
  const header = readFileSync(repoPath('Dockerfile'), 'utf8');
  const tag = /docker build -t (\S+) \./.exec(header)?.[1];
  assert.ok(tag);
  for (const f of ['deploy/scheduler/deployment.yaml', 'deploy/extender/deployment.yaml']) {
    assert.match(readFileSync(repoPath(f), 'utf8'), new RegExp(`image: ${tag.replace(/[.]/g, '\\.')}\\n`), f);
  }
});
