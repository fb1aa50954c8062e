import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { startFakeApiServer } from '../../testing/fake-apiserver/index.js';
import { KubeConfigError, loadKubeConfig } from './kubeconfig.js';
import { makeTempDir } from '../../testing/temp-dir.js';

test('kubeconfig from the flag, then KUBECONFIG; pooled connections work against a server', async () => {
  const api = await startFakeApiServer();
  try {
    const fromFlag = loadKubeConfig({ path: api.kubeconfigPath, env: {} });
    assert.equal(fromFlag.source, api.kubeconfigPath);
    const fromEnv = loadKubeConfig({ env: { KUBECONFIG: api.kubeconfigPath } });
    assert.equal(fromEnv.kc.getCurrentCluster()?.server, api.url);
    const core = fromEnv.kc.makeApiClient(CoreV1Api);
    for (let i = 0; i < 5; i++) assert.ok((await core.listNamespace()).items.length >= 1);
    fromEnv.closeConnections();
  } finally {
    await api.close();
  }
});

test('kubeconfig problems are explained', () => {
  assert.throws(() => loadKubeConfig({ path: '/nonexistent/kubeconfig', env: {} }), /does not exist/);
  const dir = makeTempDir('kc-');
  const plain = join(dir, 'plain');
  writeFileSync(
    plain,
    'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "http://127.0.0.1:1"}}]\nusers: [{name: u, user: {}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n',
  );
  assert.throws(
    () => loadKubeConfig({ path: plain, env: {} }),
    (e: unknown) => e instanceof KubeConfigError && /insecure-skip-tls-verify/.test(e.message),
  );
  assert.throws(() => loadKubeConfig({ path: plain, context: 'nope', env: {} }), /context 'nope'/);
});

test('KUBECONFIG with several files merges them as kubectl does: missing ones skipped, the first wins', () => {
  const dir = makeTempDir('kc-merge-');
  const config = (cluster: string, server: string, current?: string): string =>
    [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{name: ${cluster}, cluster: {server: "${server}", insecure-skip-tls-verify: true}}]`,
      `users: [{name: ${cluster}-user, user: {token: t}}]`,
      `contexts: [{name: ${cluster}, context: {cluster: ${cluster}, user: ${cluster}-user}}]`,
      ...(current === undefined ? [] : [`current-context: ${current}`]),
    ].join('\n') + '\n';
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  const c = join(dir, 'c');
  writeFileSync(a, config('one', 'https://one.example:6443'));
  writeFileSync(b, config('two', 'https://two.example:6443', 'two'));
  writeFileSync(c, config('one', 'https://shadowed.example:6443', 'one'));
  const merged = loadKubeConfig({ env: { KUBECONFIG: [a, join(dir, 'missing'), b, c].join(delimiter) } });
  // The current context comes from the first file that sets one (b); cluster "one" from a, not c.
  assert.equal(merged.kc.getCurrentContext(), 'two');
  assert.equal(merged.kc.getCurrentCluster()?.server, 'https://two.example:6443');
  assert.equal(merged.kc.getCluster('one')?.server, 'https://one.example:6443');
  assert.deepEqual(merged.source, [a, b, c].join(delimiter));
  assert.throws(
    () => loadKubeConfig({ env: { KUBECONFIG: [join(dir, 'x'), join(dir, 'y')].join(delimiter) } }),
    /\(KUBECONFIG\) does not exist/,
  );
});
