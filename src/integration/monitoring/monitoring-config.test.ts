/**
 * The monitoring configuration shipped for operators (deploy/prometheus/, deploy/grafana/) checked by
 * Prometheus' own tool: the scrape jobs load, every dashboard expression parses, the dashboard reads
 * the scheduler's own EPC query (defined once in src/k8s/usage/queries.ts), and every sgx_* metric it
 * shows is one the components export.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { DEFAULT_EPC_QUERY } from '../../k8s/usage/index.js';
import { repoPath } from '../../testing/paths.js';
import { underCi } from '../../testing/prometheus/index.js';

type Obj = Record<string, unknown>;

function promtool(skip: (m: string) => void): string | undefined {
  for (const d of (process.env['PATH'] ?? '').split(delimiter)) {
    const p = join(d, 'promtool');
    if (spawnSync(p, ['--version']).status === 0) return p;
  }
  const why = 'promtool (Debian package prometheus) is not installed';
  if (underCi()) throw new Error(`${why}; CI is set, so this is a failure, not a skip`);
  skip(why);
  return undefined;
}

function run(tool: string, args: string[]): { ok: boolean; out: string } {
  const r = spawnSync(tool, args, { encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

interface Panel {
  title: string;
  type: string;
  targets?: { expr: string }[];
}

const dashboard = (): { panels: Panel[] } =>
  JSON.parse(readFileSync(repoPath('deploy/grafana/sgx-orchestrator-dashboard.json'), 'utf8')) as {
    panels: Panel[];
  };
const expressions = (): { title: string; expr: string }[] =>
  dashboard().panels.flatMap((p) => (p.targets ?? []).map((t) => ({ title: p.title, expr: t.expr })));

test('the plain scrape jobs load in Prometheus (service discovery swapped for static targets)', (t) => {
  const tool = promtool((m) => t.skip(m));
  if (tool === undefined) return;
  const cm = parseYaml(readFileSync(repoPath('deploy/prometheus/scrape-config.yaml'), 'utf8')) as Obj;
  const inner = parseYaml((cm['data'] as Obj)['sgx-orchestrator-scrape.yml'] as string) as {
    scrape_configs: Obj[];
  };
  assert.deepEqual(
    inner.scrape_configs.map((j) => j['job_name']),
    ['sgx-node-agent', 'sgx-scheduler', 'sgx-extender', 'kubernetes-cadvisor'],
  );
  const agent = inner.scrape_configs[0]!;
  assert.equal(agent['honor_labels'], true, "the agent's namespace/pod labels must win");
  // Debian builds Prometheus without Kubernetes discovery: check everything else of each job.
  const jobs: Obj[] = inner.scrape_configs.map((j) => {
    const { kubernetes_sd_configs: sd, ...rest } = j;
    assert.ok(Array.isArray(sd), `${String(j['job_name'])} discovers its targets through Kubernetes`);
    return { ...rest, static_configs: [{ targets: ['127.0.0.1:9102'] }] };
  });
  const dir = mkdtempSync(join(tmpdir(), 'sgx-promtool-'));
  try {
    // The files the cAdvisor job reads in a pod.
    for (const j of jobs) {
      const auth = j['authorization'] as Obj | undefined;
      const tls = j['tls_config'] as Obj | undefined;
      if (auth !== undefined) auth['credentials_file'] = join(dir, 'token');
      if (tls !== undefined) tls['ca_file'] = join(dir, 'ca.crt');
    }
    writeFileSync(join(dir, 'token'), 'x');
    writeFileSync(join(dir, 'ca.crt'), '');
    const file = join(dir, 'prometheus.yml');
    writeFileSync(file, stringifyYaml({ global: { scrape_interval: '15s' }, scrape_configs: jobs }));
    const r = run(tool, ['check', 'config', '--syntax-only', file]);
    assert.ok(r.ok, r.out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every dashboard expression is valid PromQL', (t) => {
  const tool = promtool((m) => t.skip(m));
  if (tool === undefined) return;
  const exprs = expressions();
  assert.ok(exprs.length >= 15);
  const dir = mkdtempSync(join(tmpdir(), 'sgx-promtool-'));
  try {
    const file = join(dir, 'rules.yml');
    writeFileSync(
      file,
      stringifyYaml({
        groups: [
          {
            name: 'dashboard',
            rules: exprs.map((e, i) => ({ record: `dashboard:panel_${i}`, expr: e.expr })),
          },
        ],
      }),
    );
    const r = run(tool, ['check', 'rules', file]);
    assert.ok(r.ok, r.out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the dashboard shows the scheduler's EPC query and only metrics the components export", () => {
  const exprs = expressions();
  assert.ok(
    exprs.some((e) => e.expr === DEFAULT_EPC_QUERY),
    'measured EPC per node is the query the scheduler uses',
  );
  const sources = [
    'src/node-agent/metrics/agent-metrics.ts',
    'src/k8s/scheduler/metrics.ts',
    'src/k8s/extender/metrics.ts',
  ]
    .map((f) => readFileSync(repoPath(f), 'utf8'))
    .join('\n');
  const names = new Set(exprs.flatMap((e) => e.expr.replace(/"[^"]*"/g, '""').match(/\bsgx_[a-z_]+/g) ?? []));
  for (const name of names) {
    const base = name.replace(/_(bucket|sum|count)$/, '');
    assert.ok(sources.includes(`'${base}'`), `${name}: no component exports it`);
  }
  const titles = dashboard().panels.map((p) => p.title.toLowerCase());
  for (const want of [
    'capacity',
    'pending sgx pods',
    'limit per pod',
    'usage per pod',
    'scheduling attempts',
  ])
    assert.ok(
      titles.some((t) => t.includes(want)),
      `a panel about ${want}`,
    );
  assert.ok(readdirSync(repoPath('deploy/grafana')).includes('sgx-orchestrator-dashboard.json'));
});
