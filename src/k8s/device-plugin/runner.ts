import { watch, type FSWatcher } from 'node:fs';
import { lstat, unlink } from 'node:fs/promises';
import { join, resolve as resolvePath } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from '../client/log.js';
import {
  API_VERSION,
  bindUnix,
  KUBELET_SOCKET,
  loadDevicePluginApi,
  unary,
  unixAddress,
  type RegisterRequest,
} from './api.js';
import { socketNameFor } from './resources.js';
import type { SharedDeviceService } from './service.js';

export interface RegistrationObserver {
  registration(resource: string, ok: boolean): void;
  unregistered(resource: string): void;
}

export interface RunnerTiming {
  /** Deadline of one Register call (the kubelet dials back within it). */
  readonly registerTimeoutMs: number;
  /** First wait after a failed Register; doubles up to `retryMaxMs`. */
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
  /** How often the sockets are checked (a directory watch also triggers checks at once). */
  readonly checkIntervalMs: number;
  /** How often device health is re-read. */
  readonly healthIntervalMs: number;
}

export const DEFAULT_TIMING: RunnerTiming = {
  registerTimeoutMs: 10_000,
  retryInitialMs: 1_000,
  retryMaxMs: 30_000,
  checkIntervalMs: 2_000,
  healthIntervalMs: 10_000,
};

export interface DevicePluginRunnerOptions {
  readonly service: SharedDeviceService;
  /** The kubelet's device-plugins directory (default /var/lib/kubelet/device-plugins). */
  readonly pluginDir: string;
  /** Current health of the devices (their device nodes exist). */
  readonly health: () => Promise<boolean>;
  readonly log: Logger;
  readonly observer?: RegistrationObserver;
  readonly timing?: Partial<RunnerTiming>;
}

/**
 * Runs one device plugin against the kubelet: serves the DevicePlugin service on its socket, then
 * registers at kubelet.sock, and keeps doing so. A kubelet restart deletes every socket in the
 * directory and creates a new kubelet.sock: the runner notices its socket is gone (or that kubelet.sock
 * is a new file), serves again on a fresh socket and registers again. While the kubelet is absent or
 * refuses, it retries with exponential back-off; nothing here throws after `start`.
 */
export class DevicePluginRunner {
  private readonly o: DevicePluginRunnerOptions;
  private readonly timing: RunnerTiming;
  readonly socketPath: string;
  private readonly pluginDir: string;
  private readonly kubeletSocket: string;
  private server: grpc.Server | undefined;
  private ownSocket: string | undefined;
  private registeredWith: string | undefined;
  private backoffMs: number;
  private nextAttemptAt = 0;
  private waitingLogged = false;
  private checking: Promise<void> | undefined;
  private recheck = false;
  private timers: NodeJS.Timeout[] = [];
  private watcher: FSWatcher | undefined;
  private stopped = false;

  constructor(options: DevicePluginRunnerOptions) {
    this.o = options;
    this.timing = { ...DEFAULT_TIMING, ...options.timing };
    // Absolute, as the socket paths go into unix: addresses and log lines.
    this.pluginDir = resolvePath(options.pluginDir);
    this.socketPath = join(this.pluginDir, socketNameFor(options.service.resourceName));
    this.kubeletSocket = join(this.pluginDir, KUBELET_SOCKET);
    this.backoffMs = this.timing.retryInitialMs;
  }

  get resourceName(): string {
    return this.o.service.resourceName;
  }

  /** True while registered with the kubelet instance that currently owns kubelet.sock. */
  get registered(): boolean {
    return this.registeredWith !== undefined;
  }

  /** Serves the plugin socket (rejects if that fails: a wrong directory is a configuration error). */
  async start(): Promise<void> {
    this.o.service.setHealthy(await this.o.health());
    await this.serve();
    this.timers.push(setInterval(() => void this.check(), this.timing.checkIntervalMs));
    this.timers.push(
      setInterval(() => {
        this.o
          .health()
          .then((h) => this.o.service.setHealthy(h))
          .catch(() => this.o.service.setHealthy(false));
      }, this.timing.healthIntervalMs),
    );
    try {
      this.watcher = watch(this.pluginDir, () => void this.check());
      this.watcher.on('error', () => undefined);
    } catch {
      // Polling alone still works.
    }
    void this.check();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.watcher?.close();
    await this.checking;
    await this.shutdownServer();
    // Remove the socket only if it is still ours (another instance may have taken the path over).
    if (this.ownSocket !== undefined && (await socketIdentity(this.socketPath)) === this.ownSocket) {
      await unlink(this.socketPath).catch(() => undefined);
    }
    if (this.registeredWith !== undefined) this.o.observer?.unregistered(this.resourceName);
    this.registeredWith = undefined;
  }

  /** Runs one check now (also run on a timer and on directory events); serialised. */
  check(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.checking !== undefined) {
      this.recheck = true;
      return this.checking;
    }
    this.checking = this.checkOnce()
      .catch((err: unknown) =>
        this.o.log('error', 'device plugin check failed', {
          resource: this.resourceName,
          error: String(err),
        }),
      )
      .finally(() => {
        this.checking = undefined;
        if (this.recheck && !this.stopped) {
          this.recheck = false;
          void this.check();
        }
      });
    return this.checking;
  }

  private async checkOnce(): Promise<void> {
    if (!(await isSocket(this.socketPath))) {
      this.o.log('info', 'device plugin socket gone (kubelet restart?): serving again', {
        resource: this.resourceName,
        socket: this.socketPath,
      });
      this.markUnregistered();
      await this.serve();
    }
    const kubelet = await socketIdentity(this.kubeletSocket);
    if (this.registeredWith !== undefined && kubelet !== this.registeredWith) {
      this.o.log('info', 'kubelet socket replaced: registering again', { resource: this.resourceName });
      this.markUnregistered();
    }
    if (this.registeredWith !== undefined || this.stopped) return;
    if (kubelet === undefined) {
      if (!this.waitingLogged) this.o.log('info', 'waiting for the kubelet', { socket: this.kubeletSocket });
      this.waitingLogged = true;
      return;
    }
    if (Date.now() < this.nextAttemptAt) return;
    await this.register(kubelet);
  }

  private async register(kubeletIdentity: string): Promise<void> {
    const api = loadDevicePluginApi();
    const client = new api.RegistrationClient(
      unixAddress(this.kubeletSocket),
      grpc.credentials.createInsecure(),
    );
    const request: RegisterRequest = {
      version: API_VERSION,
      endpoint: socketNameFor(this.resourceName),
      resourceName: this.resourceName,
      options: this.o.service.options(),
    };
    try {
      await unary(client, 'Register', request, this.timing.registerTimeoutMs);
      this.registeredWith = kubeletIdentity;
      this.backoffMs = this.timing.retryInitialMs;
      this.nextAttemptAt = 0;
      this.waitingLogged = false;
      this.o.observer?.registration(this.resourceName, true);
      this.o.log('info', 'registered with the kubelet', {
        resource: this.resourceName,
        endpoint: request.endpoint,
      });
    } catch (err) {
      this.o.observer?.registration(this.resourceName, false);
      this.o.log('warn', 'kubelet registration failed, will retry', {
        resource: this.resourceName,
        retryInMs: this.backoffMs,
        error: err instanceof Error ? err.message : String(err),
      });
      this.nextAttemptAt = Date.now() + this.backoffMs;
      this.backoffMs = Math.min(this.backoffMs * 2, this.timing.retryMaxMs);
    } finally {
      client.close();
    }
  }

  private markUnregistered(): void {
    if (this.registeredWith === undefined) return;
    this.registeredWith = undefined;
    this.backoffMs = this.timing.retryInitialMs;
    this.nextAttemptAt = 0;
    this.o.observer?.unregistered(this.resourceName);
  }

  private async serve(): Promise<void> {
    await this.shutdownServer();
    // A stale socket file (from a previous run) would make bind fail with EADDRINUSE.
    if (await isSocket(this.socketPath)) await unlink(this.socketPath);
    const server = new grpc.Server();
    server.addService(loadDevicePluginApi().devicePluginService, this.o.service.implementation());
    await bindUnix(server, this.socketPath);
    this.server = server;
    this.ownSocket = await socketIdentity(this.socketPath);
  }

  private async shutdownServer(): Promise<void> {
    const old = this.server;
    this.server = undefined;
    if (old === undefined) return;
    this.o.service.closeStreams();
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        old.forceShutdown();
        resolve();
      }, 1000);
      old.tryShutdown(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }
}

async function isSocket(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isSocket();
  } catch {
    return false;
  }
}

/** Identity of the file at a path (inode and change time): a new kubelet makes a new socket. */
async function socketIdentity(path: string): Promise<string | undefined> {
  try {
    const s = await lstat(path);
    return s.isSocket() ? `${s.ino}:${s.ctimeMs}` : undefined;
  } catch {
    return undefined;
  }
}
