import assert from 'node:assert/strict';
import { mkdtemp, rm, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FakeKubelet } from '../../testing/fake-kubelet/index.js';
import { memoryLogger } from '../client/log.js';
import * as protoLoader from '@grpc/proto-loader';
import { repoPath } from '../../testing/paths.js';
import { API_DESCRIPTOR } from './api-descriptor.js';
import { LOADER_OPTIONS, loadDevicePluginApi, unixAddress, type DeviceSpec } from './api.js';
import { DevicePluginRunner } from './runner.js';
import { sgxResources, socketNameFor, validateResourceName } from './resources.js';
import { SharedDeviceService } from './service.js';

interface grpcMethod {
  path: string;
  requestSerialize(v: object): Buffer;
  responseSerialize(v: object): Buffer;
}

const FAST = {
  registerTimeoutMs: 2000,
  retryInitialMs: 20,
  retryMaxMs: 100,
  checkIntervalMs: 25,
  healthIntervalMs: 25,
};
const ENCLAVE: DeviceSpec = {
  containerPath: '/dev/sgx_enclave',
  hostPath: '/dev/sgx_enclave',
  permissions: 'rw',
};

async function until(pred: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

function counters() {
  const c = { registered: 0, failed: 0, unregistered: 0, allocOk: 0, allocErr: 0 };
  return {
    c,
    observer: {
      registration: (_r: string, ok: boolean) => void (ok ? c.registered++ : c.failed++),
      unregistered: () => void c.unregistered++,
      devices: () => undefined,
      allocation: (_r: string, n: number, ok: boolean) => void (ok ? (c.allocOk += n) : (c.allocErr += n)),
    },
  };
}

async function setup(options: { startKubelet: boolean; slots?: number; provision?: boolean }) {
  const dir = await mkdtemp(join(tmpdir(), 'device-plugins-'));
  const kubelet = options.startKubelet ? await FakeKubelet.start(dir) : undefined;
  let healthy = true;
  const { c, observer } = counters();
  const log = memoryLogger();
  const resources = sgxResources({
    enclaveResource: 'sgx.intel.com/enclave',
    provisionResource: options.provision === true ? 'sgx.intel.com/provision' : undefined,
    slots: options.slots ?? 3,
    enclaveDevice: '/dev/sgx_enclave',
    provisionDevice: '/dev/sgx_provision',
  });
  const runners = resources.map(
    (r) =>
      new DevicePluginRunner({
        service: new SharedDeviceService(r, {
          observer,
          env: (reqs) => reqs.map((q) => ({ SGX_ENCLAVE_SLOTS: String(q.devicesIds.length) })),
        }),
        pluginDir: dir,
        health: () => Promise.resolve(healthy),
        log,
        observer,
        timing: FAST,
      }),
  );
  for (const r of runners) await r.start();
  return {
    dir,
    kubelet,
    runners,
    c,
    log,
    setHealthy: (h: boolean) => (healthy = h),
    async dispose() {
      for (const r of runners) await r.stop();
      await kubelet?.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

describe('device plugin API definition', () => {
  it('encodes RegisterRequest with the v1beta1 field numbers (camelCase in JS, snake_case on the wire)', () => {
    const api = loadDevicePluginApi();
    const register = api.registrationService['Register'];
    const bytes = register!.requestSerialize({ version: 'v1beta1', endpoint: 'a.sock', resourceName: 'x/y' });
    const expected = Buffer.concat([
      Buffer.from([0x0a, 7]),
      Buffer.from('v1beta1'),
      Buffer.from([0x12, 6]),
      Buffer.from('a.sock'),
      Buffer.from([0x1a, 3]),
      Buffer.from('x/y'),
    ]);
    assert.deepEqual(bytes, expected);
    const allocate = api.devicePluginService['Allocate'];
    const resp = allocate!.responseSerialize({
      containerResponses: [{ devices: [{ containerPath: '/c', hostPath: '/h', permissions: 'rw' }] }],
    });
    // container_responses = 1 { devices = 3 { container_path = 1, host_path = 2, permissions = 3 } }
    const inner = Buffer.from([
      0x0a,
      2,
      ...Buffer.from('/c'),
      0x12,
      2,
      ...Buffer.from('/h'),
      0x1a,
      2,
      ...Buffer.from('rw'),
    ]);
    const container = Buffer.from([0x1a, inner.length, ...inner]);
    assert.deepEqual(resp, Buffer.from([0x0a, container.length, ...container]));
  });

  it('the built-in descriptor is api.proto: every message encodes to the same bytes', () => {
    const fromProto = protoLoader.loadSync(repoPath('src/k8s/device-plugin/api.proto'), LOADER_OPTIONS);
    const fromJson = protoLoader.fromJSON(
      API_DESCRIPTOR as unknown as Parameters<typeof protoLoader.fromJSON>[0],
      LOADER_OPTIONS,
    );
    const samples: Record<string, [object, object]> = {
      'v1beta1.Registration.Register': [
        {
          version: 'v1beta1',
          endpoint: 'e.sock',
          resourceName: 'a.b/c',
          options: { preStartRequired: true, getPreferredAllocationAvailable: true },
        },
        {},
      ],
      'v1beta1.DevicePlugin.GetDevicePluginOptions': [
        {},
        { preStartRequired: true, getPreferredAllocationAvailable: false },
      ],
      'v1beta1.DevicePlugin.ListAndWatch': [
        {},
        { devices: [{ ID: 'd-1', health: 'Healthy', topology: { nodes: [{ ID: 1 }] } }] },
      ],
      'v1beta1.DevicePlugin.GetPreferredAllocation': [
        {
          containerRequests: [
            { availableDeviceIDs: ['a', 'b'], mustIncludeDeviceIDs: ['a'], allocationSize: 2 },
          ],
        },
        { containerResponses: [{ deviceIDs: ['a', 'b'] }] },
      ],
      'v1beta1.DevicePlugin.Allocate': [
        { containerRequests: [{ devicesIds: ['x', 'y'] }] },
        {
          containerResponses: [
            {
              envs: { A: '1' },
              mounts: [{ containerPath: '/c', hostPath: '/h', readOnly: true }],
              devices: [ENCLAVE],
              annotations: { k: 'v' },
              cdiDevices: [{ name: 'vendor.com/dev=1' }],
            },
          ],
        },
      ],
      'v1beta1.DevicePlugin.PreStartContainer': [{ devicesIds: ['x'] }, {}],
    };
    for (const [path, [req, res]] of Object.entries(samples)) {
      const [pkgService, method] = [
        path.slice(0, path.lastIndexOf('.')),
        path.slice(path.lastIndexOf('.') + 1),
      ];
      const a = (fromProto[pkgService] as Record<string, grpcMethod>)[method]!;
      const b = (fromJson[pkgService] as Record<string, grpcMethod>)[method]!;
      assert.equal(a.path, b.path);
      assert.equal(a.path, `/${pkgService}/${method}`);
      assert.deepEqual(b.requestSerialize(req), a.requestSerialize(req), `${path} request`);
      assert.deepEqual(b.responseSerialize(res), a.responseSerialize(res), `${path} response`);
      assert.ok(
        a.requestSerialize(req).length > 0 || Object.keys(req).length === 0,
        `${path}: sample encodes fields`,
      );
    }
  });

  it('validates resource names as the kubelet does', () => {
    assert.equal(validateResourceName('sgx.intel.com/enclave'), undefined);
    assert.match(validateResourceName('enclave') ?? '', /vendor-domain\/type/);
    assert.match(validateResourceName('kubernetes.io/sgx') ?? '', /kubernetes\.io/);
    assert.equal(socketNameFor('sgx.intel.com/enclave'), 'sgx.intel.com-enclave.sock');
  });

  it('gives gRPC absolute unix addresses (in unix://dp/x.sock, dp would be a host name)', () => {
    assert.equal(
      unixAddress('/var/lib/kubelet/device-plugins/kubelet.sock'),
      'unix:///var/lib/kubelet/device-plugins/kubelet.sock',
    );
    assert.equal(unixAddress('dp/kubelet.sock'), `unix://${resolve('dp/kubelet.sock')}`);
  });
});

describe('device plugin against a fake kubelet over unix sockets', () => {
  let env: Awaited<ReturnType<typeof setup>>;
  before(async () => {
    env = await setup({ startKubelet: true, provision: true });
  });
  after(async () => {
    await env.dispose();
  });

  it('registers each resource with its socket file name and options', async () => {
    const enclave = await env.kubelet!.waitForRegistration('sgx.intel.com/enclave');
    const provision = await env.kubelet!.waitForRegistration('sgx.intel.com/provision');
    assert.deepEqual(
      { ...enclave.request, options: { ...enclave.request.options } },
      {
        version: 'v1beta1',
        endpoint: 'sgx.intel.com-enclave.sock',
        resourceName: 'sgx.intel.com/enclave',
        options: { preStartRequired: false, getPreferredAllocationAvailable: false },
      },
    );
    assert.equal(provision.request.endpoint, 'sgx.intel.com-provision.sock');
    assert.deepEqual(
      { ...enclave.options },
      { preStartRequired: false, getPreferredAllocationAvailable: false },
    );
    // the kubelet accepted the request before the plugin saw the answer
    await until(() => env.runners[0]?.registered === true);
  });

  it('ListAndWatch sends the complete list of shareable slots, all healthy', async () => {
    const p = env.kubelet!.plugin('sgx.intel.com/enclave')!;
    const devices = await p.waitForDevices((d) => d.length === 3);
    assert.deepEqual(
      devices.map((d) => [d.ID, d.health]),
      [
        ['sgx-enclave-0', 'Healthy'],
        ['sgx-enclave-1', 'Healthy'],
        ['sgx-enclave-2', 'Healthy'],
      ],
    );
  });

  it('a vanished device node turns every slot unhealthy in a complete update, and back', async () => {
    const p = env.kubelet!.plugin('sgx.intel.com/enclave')!;
    env.setHealthy(false);
    const down = await p.waitForDevices((d) => d.every((x) => x.health === 'Unhealthy'));
    assert.equal(down.length, 3);
    env.setHealthy(true);
    const up = await p.waitForDevices((d) => d.every((x) => x.health === 'Healthy'));
    assert.equal(up.length, 3);
  });

  it('Allocate answers exactly one response per container, with the device node rw and the env', async () => {
    const p = env.kubelet!.plugin('sgx.intel.com/enclave')!;
    const r = await p.allocate([['sgx-enclave-0'], ['sgx-enclave-1', 'sgx-enclave-2']]);
    assert.equal(r.containerResponses.length, 2);
    for (const [i, c] of r.containerResponses.entries()) {
      assert.deepEqual(
        c.devices.map((d) => ({ ...d })),
        [ENCLAVE],
      );
      assert.deepEqual({ ...c.envs }, { SGX_ENCLAVE_SLOTS: String(i + 1) });
      assert.deepEqual(c.mounts, []);
    }
    const prov = await env.kubelet!.plugin('sgx.intel.com/provision')!.allocate([['sgx-provision-2']]);
    assert.deepEqual(prov.containerResponses[0]?.devices[0]?.hostPath, '/dev/sgx_provision');
    assert.equal(env.c.allocOk, 3);
  });

  it('Allocate of an unknown device fails the call with a clear message', async () => {
    const p = env.kubelet!.plugin('sgx.intel.com/enclave')!;
    await assert.rejects(
      p.allocate([['sgx-enclave-0'], ['sgx-enclave-9']]),
      /container request 1: unknown sgx\.intel\.com\/enclave device\(s\) sgx-enclave-9/,
    );
    assert.equal(env.c.allocErr, 2);
  });

  it('after a kubelet restart (every socket deleted) it serves again and re-registers', async () => {
    const before = env.kubelet!.registrations.length;
    await env.kubelet!.restart();
    const enclave = await env.kubelet!.waitForRegistration('sgx.intel.com/enclave', 2);
    await env.kubelet!.waitForRegistration('sgx.intel.com/provision', 2);
    assert.equal(env.kubelet!.registrations.length, before + 2);
    const devices = await enclave.waitForDevices((d) => d.length === 3);
    assert.ok(devices.every((d) => d.health === 'Healthy'));
    const r = await enclave.allocate([['sgx-enclave-1']]);
    assert.equal(r.containerResponses.length, 1);
    const files = (await readdir(env.dir)).sort();
    assert.deepEqual(files, ['kubelet.sock', 'sgx.intel.com-enclave.sock', 'sgx.intel.com-provision.sock']);
    assert.ok(env.c.unregistered >= 2);
    assert.ok(env.log.lines.some((l) => l.msg.includes('serving again')));
  });
});

describe('device plugin and a new kubelet.sock alone', () => {
  it('re-registers when kubelet.sock is replaced even though its own socket survived', async () => {
    const env = await setup({ startKubelet: true });
    try {
      await env.kubelet!.waitForRegistration('sgx.intel.com/enclave');
      await until(() => env.runners[0]?.registered === true);
      await env.kubelet!.restart({ keepPluginSockets: true });
      const p = await env.kubelet!.waitForRegistration('sgx.intel.com/enclave', 2);
      assert.equal((await p.waitForDevices((d) => d.length === 3)).length, 3);
      assert.ok(env.log.lines.some((l) => l.msg === 'kubelet socket replaced: registering again'));
    } finally {
      await env.dispose();
    }
  });
});

describe('device plugin while the kubelet is absent or refuses', () => {
  it('waits for kubelet.sock, then registers; retries after a refusal', async () => {
    const env = await setup({ startKubelet: false });
    try {
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(env.runners[0]?.registered, false);
      assert.ok(env.log.lines.some((l) => l.msg === 'waiting for the kubelet'));
      const kubelet = await FakeKubelet.start(env.dir);
      try {
        kubelet.refuseWith = 'device manager not ready';
        await new Promise((r) => setTimeout(r, 150));
        assert.ok(env.c.failed >= 1, 'a refused registration is counted');
        assert.ok(
          env.log.lines.some(
            (l) => l.level === 'warn' && String(l.fields['error']).includes('device manager not ready'),
          ),
        );
        kubelet.refuseWith = undefined;
        const p = await kubelet.waitForRegistration('sgx.intel.com/enclave');
        assert.equal((await p.waitForDevices((d) => d.length === 3)).length, 3);
        assert.equal(env.c.registered, 1);
      } finally {
        await kubelet.stop();
      }
    } finally {
      await env.dispose();
    }
  });

  it('replaces a stale socket file left by an earlier run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'device-plugins-'));
    const kubelet = await FakeKubelet.start(dir);
    const [resource] = sgxResources({
      enclaveResource: 'sgx.intel.com/enclave',
      provisionResource: undefined,
      slots: 2,
      enclaveDevice: '/dev/sgx_enclave',
      provisionDevice: undefined,
    });
    const make = () =>
      new DevicePluginRunner({
        service: new SharedDeviceService(resource!),
        pluginDir: dir,
        health: () => Promise.resolve(true),
        log: () => undefined,
        timing: FAST,
      });
    try {
      const first = make();
      await first.start();
      await kubelet.waitForRegistration('sgx.intel.com/enclave');
      // A new agent starts while the old one's socket is still there: it takes the path over.
      const second = make();
      await second.start();
      await kubelet.waitForRegistration('sgx.intel.com/enclave', 2);
      // The old one stopping closes its listener, and libuv unlinks the path on close, taking the
      // new socket with it: the new agent notices and serves and registers again.
      await first.stop();
      await kubelet.waitForRegistration('sgx.intel.com/enclave', 3);
      for (let i = 0; i < 200 && !(await readdir(dir)).includes('sgx.intel.com-enclave.sock'); i++) {
        await new Promise((r) => setTimeout(r, 10));
      }
      assert.deepEqual((await readdir(dir)).sort(), ['kubelet.sock', 'sgx.intel.com-enclave.sock']);
      await until(() => second.registered);
      const p = kubelet.plugin('sgx.intel.com/enclave')!;
      assert.equal((await p.allocate([['sgx-enclave-1']])).containerResponses.length, 1);
      await second.stop();
      assert.deepEqual(await readdir(dir), ['kubelet.sock']);
    } finally {
      await kubelet.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
