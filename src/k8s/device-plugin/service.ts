import * as grpc from '@grpc/grpc-js';
import type {
  AllocateRequest,
  AllocateResponse,
  ContainerAllocateRequest,
  ContainerAllocateResponse,
  Device,
  DevicePluginOptions,
  Empty,
  ListAndWatchResponse,
  PreferredAllocationRequest,
  PreferredAllocationResponse,
  PreStartContainerRequest,
} from './api.js';
import { HEALTHY, UNHEALTHY } from './api.js';
import { deviceIds, type SharedDeviceResource } from './resources.js';

/** Extra environment per container, best effort (e.g. the pod's EPC limit); one entry per request. */
export type AllocationEnv = (
  requests: readonly ContainerAllocateRequest[],
) => readonly Readonly<Record<string, string>>[] | undefined;

export interface DevicePluginObserver {
  devices(resource: string, healthy: number, unhealthy: number): void;
  allocation(resource: string, containers: number, ok: boolean): void;
}

/**
 * The DevicePlugin gRPC service for one shared resource. ListAndWatch streams stay open and receive
 * the complete device list whenever health changes (the kubelet replaces its view with each message).
 */
export class SharedDeviceService {
  private readonly resource: SharedDeviceResource;
  private readonly ids: readonly string[];
  private readonly known: ReadonlySet<string>;
  private readonly env: AllocationEnv | undefined;
  private readonly observer: DevicePluginObserver | undefined;
  private healthy = true;
  private readonly streams = new Set<grpc.ServerWritableStream<Empty, ListAndWatchResponse>>();

  constructor(
    resource: SharedDeviceResource,
    options: { env?: AllocationEnv; observer?: DevicePluginObserver } = {},
  ) {
    this.resource = resource;
    this.ids = deviceIds(resource);
    this.known = new Set(this.ids);
    this.env = options.env;
    this.observer = options.observer;
  }

  get resourceName(): string {
    return this.resource.resourceName;
  }

  /** Sets the health of every device; sends an update to every open stream when it changes. */
  setHealthy(healthy: boolean): void {
    if (healthy === this.healthy) return;
    this.healthy = healthy;
    const msg = this.listMessage();
    for (const s of this.streams) s.write(msg);
  }

  get isHealthy(): boolean {
    return this.healthy;
  }

  get openStreams(): number {
    return this.streams.size;
  }

  /** Ends every ListAndWatch stream (before the server goes away). */
  closeStreams(): void {
    for (const s of this.streams) s.end();
    this.streams.clear();
  }

  listMessage(): ListAndWatchResponse {
    const health = this.healthy ? HEALTHY : UNHEALTHY;
    const devices: Device[] = this.ids.map((ID) => ({ ID, health }));
    this.observer?.devices(
      this.resource.resourceName,
      this.healthy ? devices.length : 0,
      this.healthy ? 0 : devices.length,
    );
    return { devices };
  }

  options(): DevicePluginOptions {
    return { preStartRequired: false, getPreferredAllocationAvailable: false };
  }

  /** Exactly one response per container request, in order; unknown device IDs fail the whole call. */
  allocate(req: AllocateRequest): AllocateResponse | { error: string } {
    const requests = req.containerRequests;
    for (const [i, c] of requests.entries()) {
      const unknown = c.devicesIds.filter((id) => !this.known.has(id));
      if (unknown.length > 0) {
        this.observer?.allocation(this.resource.resourceName, requests.length, false);
        return {
          error: `container request ${i}: unknown ${this.resource.resourceName} device(s) ${unknown.join(', ')}`,
        };
      }
    }
    const envs = this.env?.(requests);
    const containerResponses: ContainerAllocateResponse[] = requests.map((_, i) => ({
      envs: { ...(envs?.[i] ?? {}) },
      mounts: [],
      devices: this.resource.deviceSpecs.map((d) => ({ ...d })),
      annotations: {},
      cdiDevices: [],
    }));
    this.observer?.allocation(this.resource.resourceName, requests.length, true);
    return { containerResponses };
  }

  /** The grpc-js implementation object for `DevicePlugin`. */
  implementation(): grpc.UntypedServiceImplementation {
    return {
      GetDevicePluginOptions: (
        _call: grpc.ServerUnaryCall<Empty, DevicePluginOptions>,
        cb: grpc.sendUnaryData<DevicePluginOptions>,
      ) => {
        cb(null, this.options());
      },
      ListAndWatch: (call: grpc.ServerWritableStream<Empty, ListAndWatchResponse>) => {
        this.streams.add(call);
        const drop = (): void => {
          this.streams.delete(call);
        };
        call.on('cancelled', drop);
        call.on('close', drop);
        call.on('error', drop);
        call.write(this.listMessage());
      },
      Allocate: (
        call: grpc.ServerUnaryCall<AllocateRequest, AllocateResponse>,
        cb: grpc.sendUnaryData<AllocateResponse>,
      ) => {
        const r = this.allocate(call.request);
        if ('error' in r) cb({ code: grpc.status.INVALID_ARGUMENT, details: r.error }, null);
        else cb(null, r);
      },
      GetPreferredAllocation: (
        _call: grpc.ServerUnaryCall<PreferredAllocationRequest, PreferredAllocationResponse>,
        cb: grpc.sendUnaryData<PreferredAllocationResponse>,
      ) => {
        // Not advertised in the options: every slot is the same device, there is nothing to prefer.
        cb({ code: grpc.status.UNIMPLEMENTED, details: 'GetPreferredAllocation is not offered' }, null);
      },
      PreStartContainer: (
        _call: grpc.ServerUnaryCall<PreStartContainerRequest, Empty>,
        cb: grpc.sendUnaryData<Empty>,
      ) => {
        cb(null, {});
      },
    };
  }
}
