import { lstat, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import {
  API_VERSION,
  bindUnix,
  KUBELET_SOCKET,
  loadDevicePluginApi,
  unary,
  unixAddress,
  validateResourceName,
  type AllocateResponse,
  type Device,
  type DevicePluginOptions,
  type ListAndWatchResponse,
  type RegisterRequest,
} from '../../k8s/device-plugin/index.js';

/** The kubelet's side of one registered plugin: its options, every ListAndWatch message, Allocate. */
export class PluginConnection {
  readonly request: RegisterRequest;
  readonly options: DevicePluginOptions;
  /** Every ListAndWatch message received, oldest first. */
  readonly updates: ListAndWatchResponse[] = [];
  private readonly client: grpc.Client;
  private readonly stream: grpc.ClientReadableStream<ListAndWatchResponse>;
  private waiters: (() => void)[] = [];
  streamEnded = false;

  constructor(request: RegisterRequest, options: DevicePluginOptions, client: grpc.Client) {
    this.request = request;
    this.options = options;
    this.client = client;
    const call = (
      client as unknown as Record<string, (req: object) => grpc.ClientReadableStream<ListAndWatchResponse>>
    )['ListAndWatch'];
    this.stream = call!.call(client, {});
    this.stream.on('data', (msg: ListAndWatchResponse) => {
      this.updates.push(msg);
      this.wake();
    });
    const end = (): void => {
      this.streamEnded = true;
      this.wake();
    };
    this.stream.on('end', end);
    this.stream.on('error', end);
  }

  get resourceName(): string {
    return this.request.resourceName;
  }

  /** The device list the kubelet believes in now (the last message replaces all earlier ones). */
  get devices(): readonly Device[] | undefined {
    return this.updates.at(-1)?.devices;
  }

  /** Resolves with the device list once `pred` holds for the latest message. */
  async waitForDevices(
    pred: (devices: readonly Device[]) => boolean,
    timeoutMs = 5000,
  ): Promise<readonly Device[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const d = this.devices;
      if (d !== undefined && pred(d)) return d;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for a ListAndWatch update of ${this.resourceName}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Calls Allocate as the kubelet does at pod admission: one entry per container, device IDs each. */
  allocate(containers: readonly (readonly string[])[]): Promise<AllocateResponse> {
    return unary(
      this.client,
      'Allocate',
      { containerRequests: containers.map((ids) => ({ devicesIds: [...ids] })) },
      5000,
    );
  }

  close(): void {
    this.stream.cancel();
    this.client.close();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

/**
 * A stand-in for the kubelet's device manager, for tests: serves the Registration service on a real
 * unix socket (`<dir>/kubelet.sock`), and for each registration dials the plugin's socket back,
 * calls GetDevicePluginOptions, and keeps a ListAndWatch stream open, as the kubelet does. `restart()`
 * behaves like a new kubelet: it deletes every socket in the directory and serves a new kubelet.sock.
 */
export class FakeKubelet {
  readonly dir: string;
  /** Every accepted Register request, across restarts. */
  readonly registrations: RegisterRequest[] = [];
  /** Set to make Register fail with this message (a kubelet refusing the plugin). */
  refuseWith: string | undefined;
  private server: grpc.Server | undefined;
  private readonly plugins = new Map<string, PluginConnection>();
  private waiters: (() => void)[] = [];

  private constructor(dir: string) {
    this.dir = dir;
  }

  static async start(dir: string): Promise<FakeKubelet> {
    const k = new FakeKubelet(dir);
    await k.serve();
    return k;
  }

  get socketPath(): string {
    return join(this.dir, KUBELET_SOCKET);
  }

  /** The live connection to a plugin, if it registered with this kubelet instance. */
  plugin(resourceName: string): PluginConnection | undefined {
    return this.plugins.get(resourceName);
  }

  /** Resolves once `count` registrations of `resourceName` have been accepted in total. */
  async waitForRegistration(resourceName: string, count = 1, timeoutMs = 5000): Promise<PluginConnection> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const n = this.registrations.filter((r) => r.resourceName === resourceName).length;
      const p = this.plugins.get(resourceName);
      if (n >= count && p !== undefined) return p;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`timed out waiting for registration ${count} of ${resourceName} (have ${n})`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 50));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /**
   * A kubelet restart: stop, delete every socket in the directory, serve a new kubelet.sock. With
   * `keepPluginSockets`, only kubelet.sock is replaced (a plugin must notice the new file alone).
   */
  async restart(options: { keepPluginSockets?: boolean } = {}): Promise<void> {
    await this.stop(options);
    await this.serve();
  }

  /** Stops serving and deletes every socket in the directory (what a starting kubelet does). */
  async stop(options: { keepPluginSockets?: boolean } = {}): Promise<void> {
    for (const p of this.plugins.values()) p.close();
    this.plugins.clear();
    const s = this.server;
    this.server = undefined;
    s?.forceShutdown();
    if (options.keepPluginSockets === true) {
      await unlink(this.socketPath).catch(() => undefined);
      return;
    }
    for (const name of await readdir(this.dir)) {
      const path = join(this.dir, name);
      const st = await lstat(path).catch(() => undefined);
      if (st?.isSocket() === true) await unlink(path).catch(() => undefined);
    }
  }

  private async serve(): Promise<void> {
    const api = loadDevicePluginApi();
    const server = new grpc.Server();
    server.addService(api.registrationService, {
      Register: (call: grpc.ServerUnaryCall<RegisterRequest, object>, cb: grpc.sendUnaryData<object>) => {
        this.register(call.request).then(
          () => cb(null, {}),
          (err: unknown) =>
            cb(
              {
                code: grpc.status.INVALID_ARGUMENT,
                details: err instanceof Error ? err.message : String(err),
              },
              null,
            ),
        );
      },
    });
    await bindUnix(server, this.socketPath);
    this.server = server;
  }

  /** As the kubelet's Register handler: validate, dial the plugin back, ask its options, watch. */
  private async register(req: RegisterRequest): Promise<void> {
    if (this.refuseWith !== undefined) throw new Error(this.refuseWith);
    if (req.version !== API_VERSION) throw new Error(`unsupported version ${req.version}`);
    const bad = validateResourceName(req.resourceName);
    if (bad !== undefined) throw new Error(bad);
    if (req.endpoint.includes('/')) throw new Error(`endpoint must be a file name, got ${req.endpoint}`);
    const api = loadDevicePluginApi();
    const client = new api.DevicePluginClient(
      unixAddress(join(this.dir, req.endpoint)),
      grpc.credentials.createInsecure(),
    );
    const options = await unary<object, DevicePluginOptions>(client, 'GetDevicePluginOptions', {}, 10_000);
    this.plugins.get(req.resourceName)?.close();
    this.plugins.set(req.resourceName, new PluginConnection(req, options, client));
    this.registrations.push(req);
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
