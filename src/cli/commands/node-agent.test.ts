// The real `sgx-orchestrator node-agent` process on a fixture host tree, against the fake API server
// and a fake kubelet: node status, device plugin registration and re-registration after a kubelet
// restart, per-pod usage and limits in /metrics, enforcement in misc.max, clean SIGTERM; startup
// failures that end the process with status 3 and leave nothing running.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { k8sNode, k8sPod, startFakeApiServer } from '../../testing/fake-apiserver/index.js';
import { FakeKubelet } from '../../testing/fake-kubelet/index.js';
import { repoPath } from '../../testing/paths.js';
import { makeTempDir } from '../../testing/temp-dir.js';

const MIB = 1024 * 1024;

async function until<T>(
  what: string,
  fn: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('node-agent process: status, device plugin, usage, limits, restart, SIGTERM', async () => {
  const work = await mkdtemp(join(tmpdir(), 'node-agent-e2e-'));
  const api = await startFakeApiServer();
  const pluginDir = join(work, 'device-plugins');
  await mkdir(pluginDir);
  const kubelet = await FakeKubelet.start(pluginDir);
  try {
    api.state.create('nodes', k8sNode('sgx-1'));
    api.state.create('pods', k8sPod('enclave', { nodeName: 'sgx-1', epc: '64Mi', phase: 'Running' }));
    const uid = String(api.state.pod('default', 'enclave')!.metadata['uid']);
    const root = join(work, 'host');
    await cp(repoPath('src/node-agent/fixtures/sgx-misc-cgroupfs'), root, { recursive: true });
    const podDir = join(root, 'sys/fs/cgroup/kubepods/burstable', `pod${uid}`);
    await mkdir(podDir);
    await writeFile(join(podDir, 'misc.current'), `sgx_epc ${8 * MIB}\n`);
    await writeFile(join(podDir, 'misc.max'), 'sgx_epc max\n');

    const child = spawn(
      process.execPath,
      [
        repoPath('bin/sgx-orchestrator.js'),
        'node-agent',
        '--kubeconfig',
        api.kubeconfigPath,
        '--node-name',
        'sgx-1',
        '--host-root',
        root,
        '--device-plugin-dir',
        pluginDir,
        '--metrics-address',
        '127.0.0.1:0',
        '--sample-interval',
        '100ms',
        '--node-status-interval',
        '1s',
        '--slots',
        '4',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const lines: Record<string, unknown>[] = [];
    createInterface({ input: child.stderr }).on('line', (l) => {
      try {
        lines.push(JSON.parse(l) as Record<string, unknown>);
      } catch {
        lines.push({ msg: l });
      }
    });
    try {
      const address = await until(
        'the metrics address',
        () => lines.find((l) => l['msg'] === 'serving metrics')?.['address'] as string | undefined,
      );
      const metrics = (): Promise<string> => fetch(`http://${address}/metrics`).then((r) => r.text());
      // node status: capacity through nodes/status, label on the node
      await api.state.waitFor(
        () => {
          const n = api.state.node('sgx-1');
          return (
            (n?.['status'] as { capacity?: Record<string, string> } | undefined)?.capacity?.[
              'sgx.intel.com/epc'
            ] === String(128 * 1024 * MIB)
          );
        },
        { what: 'EPC capacity on the node' },
      );
      assert.equal(
        (api.state.node('sgx-1')!.metadata['labels'] as Record<string, string>)['sgx.intel.com/capable'],
        'true',
      );
      // device plugin
      const enclave = await kubelet.waitForRegistration('sgx.intel.com/enclave', 1, 10_000);
      await kubelet.waitForRegistration('sgx.intel.com/provision', 1, 10_000);
      assert.equal((await enclave.waitForDevices((d) => d.length === 4)).length, 4);
      const alloc = await enclave.allocate([['sgx-enclave-0']]);
      assert.deepEqual(
        alloc.containerResponses[0]?.devices.map((d) => d.hostPath),
        ['/dev/sgx_enclave'],
      );
      // usage and enforcement
      const text = await until('pod usage in /metrics', async () => {
        const t = await metrics();
        return t.includes(
          `sgx_pod_epc_usage_bytes{namespace="default",pod="enclave",uid="${uid}",node="sgx-1"} ${8 * MIB}`,
        )
          ? t
          : undefined;
      });
      assert.ok(
        text.includes(
          `sgx_pod_epc_limit_bytes{namespace="default",pod="enclave",uid="${uid}",node="sgx-1"} ${64 * MIB}`,
        ),
      );
      assert.ok(
        text.includes('sgx_device_plugin_registered{resource="sgx.intel.com/enclave",node="sgx-1"} 1'),
      );
      assert.ok(
        text.includes(
          'sgx_device_plugin_allocations_total{resource="sgx.intel.com/enclave",result="success",node="sgx-1"} 1',
        ),
      );
      assert.ok(text.includes('sgx_node_status_patches_total{result="success",node="sgx-1"}'));
      await until('misc.max written', async () =>
        (await readFile(join(podDir, 'misc.max'), 'utf8')) === `sgx_epc ${64 * MIB}\n` ? true : undefined,
      );
      assert.equal((await fetch(`http://${address}/healthz`)).status, 200);
      // kubelet restart: sockets deleted, plugin serves again and re-registers
      await kubelet.restart();
      await kubelet.waitForRegistration('sgx.intel.com/enclave', 2, 10_000);
      await kubelet.waitForRegistration('sgx.intel.com/provision', 2, 10_000);
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0);
    assert.deepEqual(await readdir(pluginDir), ['kubelet.sock']);
  } finally {
    await kubelet.stop();
    await api.close();
    await rm(work, { recursive: true, force: true });
  }
});

test('node-agent --standalone: metrics without an API server; restarts (status 75) when SGX appears', async () => {
  const work = await mkdtemp(join(tmpdir(), 'node-agent-standalone-'));
  try {
    const root = join(work, 'host');
    await cp(repoPath('src/node-agent/fixtures/sgx-cpu-no-driver'), root, { recursive: true });
    const child = spawn(
      process.execPath,
      [
        repoPath('bin/sgx-orchestrator.js'),
        'node-agent',
        '--standalone',
        '--node-name',
        'n1',
        '--host-root',
        root,
        '--device-plugin-dir',
        join(work, 'none'),
        '--metrics-address',
        '127.0.0.1:0',
        '--sample-interval',
        '100ms',
        '--rediscover-interval',
        '100ms',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const lines: Record<string, unknown>[] = [];
    createInterface({ input: child.stderr }).on('line', (l) => {
      try {
        lines.push(JSON.parse(l) as Record<string, unknown>);
      } catch {
        lines.push({ msg: l });
      }
    });
    try {
      const address = await until(
        'the metrics address',
        () => lines.find((l) => l['msg'] === 'serving metrics')?.['address'] as string | undefined,
      );
      const text = await (await fetch(`http://${address}/metrics`)).text();
      assert.ok(text.includes('sgx_node_sgx_capable{node="n1"} 0'));
      assert.ok(lines.some((l) => String(l['msg']).includes('no SGX device node')));
      // the driver gets loaded: the device node appears
      await writeFile(join(root, 'dev', 'sgx_enclave'), '').catch(async () => {
        await mkdir(join(root, 'dev'));
        await writeFile(join(root, 'dev', 'sgx_enclave'), '');
      });
      assert.equal(await exited, 75);
      assert.ok(lines.some((l) => String(l['msg']).includes('SGX configuration of the node changed')));
    } finally {
      child.kill('SIGTERM');
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});

test('node-agent refuses contradictory options with status 2 and a clear message', () => {
  const r = spawnSync(
    process.execPath,
    [
      repoPath('bin/sgx-orchestrator.js'),
      'node-agent',
      '--standalone',
      '--epc-resource',
      'intel.com/sgx',
      '--enclave-resource',
      'intel.com/sgx',
    ],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 2);
  assert.match(r.stderr, /intel\.com\/sgx cannot be both the EPC resource and a device plugin resource/);
  const bad = spawnSync(
    process.execPath,
    [repoPath('bin/sgx-orchestrator.js'), 'node-agent', '--slots', 'many'],
    { encoding: 'utf8' },
  );
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--slots many: expected a whole number/);
});

/** The agent as a child process, its JSON log lines collected. */
function spawnAgent(
  args: readonly string[],
  cwd?: string,
): {
  child: ChildProcess;
  exited: Promise<number | null>;
  lines: Record<string, unknown>[];
  stderr: () => string;
} {
  const child = spawn(process.execPath, [repoPath('bin/sgx-orchestrator.js'), 'node-agent', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    ...(cwd === undefined ? {} : { cwd }),
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const lines: Record<string, unknown>[] = [];
  createInterface({ input: child.stderr! }).on('line', (l) => {
    try {
      lines.push(JSON.parse(l) as Record<string, unknown>);
    } catch {
      lines.push({ msg: l });
    }
  });
  return { child, exited, lines, stderr: () => lines.map((l) => String(l['msg'])).join('\n') };
}

/** Resolves to the exit status, or fails if the process is still running after `ms`. */
async function exitsWithin(agent: ReturnType<typeof spawnAgent>, ms: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'running'>((resolve) => (timer = setTimeout(() => resolve('running'), ms)));
  const r = await Promise.race([agent.exited, timeout]);
  clearTimeout(timer);
  if (r === 'running') {
    agent.child.kill('SIGKILL');
    assert.fail(`the agent still runs ${ms} ms after start; its log:\n${agent.stderr()}`);
  }
  return r;
}

test('node-agent stops everything and exits 3 when a part cannot start', async () => {
  const work = makeTempDir('node-agent-startup-');
  const api = await startFakeApiServer();
  const busy = createServer();
  try {
    api.state.create('nodes', k8sNode('sgx-1'));
    const root = join(work, 'host');
    await cp(repoPath('src/node-agent/fixtures/sgx-misc-cgroupfs'), root, { recursive: true });
    const common = ['--kubeconfig', api.kubeconfigPath, '--node-name', 'sgx-1', '--host-root', root];
    const common2 = [...common, '--node-status-interval', '100ms', '--sample-interval', '100ms'];

    // A device-plugins directory that does not exist; the pod watch and node status already run.
    const missing = join(work, 'no-such-dir');
    const noDir = spawnAgent([
      ...common2,
      '--device-plugin-dir',
      missing,
      '--metrics-address',
      '127.0.0.1:0',
    ]);
    assert.equal(await exitsWithin(noDir, 15_000), 3);
    assert.match(noDir.stderr(), new RegExp(`cannot serve the device plugin in ${escapeRegExp(missing)}: `));
    assert.match(noDir.stderr(), /mount the kubelet's device-plugins directory, or use --no-device-plugin/);

    // The metrics port is taken; the device plugin already serves its sockets, which must go too.
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    const pluginDir = join(work, 'device-plugins');
    await mkdir(pluginDir);
    const portTaken = spawnAgent([
      ...common2,
      '--device-plugin-dir',
      pluginDir,
      '--metrics-address',
      `127.0.0.1:${port}`,
    ]);
    assert.equal(await exitsWithin(portTaken, 15_000), 3);
    assert.match(
      portTaken.stderr(),
      new RegExp(`cannot serve metrics on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`),
    );
    assert.ok(
      portTaken.lines.some((l) => l['msg'] === 'waiting for the kubelet'),
      'the device plugin was serving before the failure',
    );
    assert.deepEqual(await readdir(pluginDir), [], 'the device plugin sockets are removed');
  } finally {
    busy.close();
    await api.close();
  }
});

test('node-agent --device-plugin-dir relative to the working directory serves and registers there', async () => {
  const work = makeTempDir('node-agent-relative-');
  const root = join(work, 'host');
  await cp(repoPath('src/node-agent/fixtures/sgx-misc-cgroupfs'), root, { recursive: true });
  await mkdir(join(work, 'dp'));
  const kubelet = await FakeKubelet.start(join(work, 'dp'));
  try {
    const agent = spawnAgent(
      [
        '--standalone',
        '--node-name',
        'n1',
        '--host-root',
        'host',
        '--device-plugin-dir',
        'dp',
        '--provision-resource',
        'none',
        '--metrics-address',
        '127.0.0.1:0',
      ],
      work,
    );
    try {
      await kubelet.waitForRegistration('sgx.intel.com/enclave', 1, 10_000);
      assert.deepEqual((await readdir(join(work, 'dp'))).sort(), [
        'kubelet.sock',
        'sgx.intel.com-enclave.sock',
      ]);
      assert.ok(!agent.lines.some((l) => String(l['msg']).includes('socket gone')), agent.stderr());
    } finally {
      agent.child.kill('SIGTERM');
    }
    assert.equal(await exitsWithin(agent, 10_000), 0);
  } finally {
    await kubelet.stop();
  }
});

test('node-agent refuses a --host-root that is no host tree, with status 3', () => {
  const work = makeTempDir('node-agent-host-root-');
  const missing = join(work, 'nonexistent');
  const r = spawnSync(
    process.execPath,
    [
      repoPath('bin/sgx-orchestrator.js'),
      'node-agent',
      '--standalone',
      '--metrics-address',
      '127.0.0.1:0',
      '--host-root',
      missing,
    ],
    { encoding: 'utf8', timeout: 15_000 },
  );
  assert.equal(r.status, 3, r.stderr);
  assert.match(
    r.stderr,
    new RegExp(
      `node-agent: --host-root ${escapeRegExp(missing)}: no such directory; give the directory where the host's /proc, /sys and /dev are mounted`,
    ),
  );
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
