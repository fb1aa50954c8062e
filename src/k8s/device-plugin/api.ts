import { resolve as resolvePath } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { API_DESCRIPTOR } from './api-descriptor.js';

/**
 * The device plugin API v1beta1 (api.proto beside this file, compiled into api-descriptor.ts),
 * loaded with @grpc/proto-loader, plus TypeScript shapes of its messages as proto-loader presents them
 * (`keepCase: false`: snake_case fields become camelCase; the wire format is unchanged).
 */

export const API_VERSION = 'v1beta1';
export const HEALTHY = 'Healthy';
export const UNHEALTHY = 'Unhealthy';
export const DEFAULT_DEVICE_PLUGIN_DIR = '/var/lib/kubelet/device-plugins';
export const KUBELET_SOCKET = 'kubelet.sock';

export interface DevicePluginOptions {
  preStartRequired: boolean;
  getPreferredAllocationAvailable: boolean;
}
export interface RegisterRequest {
  version: string;
  endpoint: string;
  resourceName: string;
  options?: DevicePluginOptions | null;
}
export interface Device {
  ID: string;
  health: string;
  topology?: { nodes: { ID: number }[] } | null;
}
export interface ListAndWatchResponse {
  devices: Device[];
}
export interface DeviceSpec {
  containerPath: string;
  hostPath: string;
  permissions: string;
}
export interface Mount {
  containerPath: string;
  hostPath: string;
  readOnly: boolean;
}
export interface ContainerAllocateRequest {
  devicesIds: string[];
}
export interface AllocateRequest {
  containerRequests: ContainerAllocateRequest[];
}
export interface ContainerAllocateResponse {
  envs: Record<string, string>;
  mounts: Mount[];
  devices: DeviceSpec[];
  annotations: Record<string, string>;
  cdiDevices: { name: string }[];
}
export interface AllocateResponse {
  containerResponses: ContainerAllocateResponse[];
}
export interface PreferredAllocationRequest {
  containerRequests: {
    availableDeviceIDs: string[];
    mustIncludeDeviceIDs: string[];
    allocationSize: number;
  }[];
}
export interface PreferredAllocationResponse {
  containerResponses: { deviceIDs: string[] }[];
}
export interface PreStartContainerRequest {
  devicesIds: string[];
}
export type Empty = Record<string, never>;

export interface DevicePluginApi {
  readonly devicePluginService: grpc.ServiceDefinition;
  readonly registrationService: grpc.ServiceDefinition;
  readonly DevicePluginClient: grpc.ServiceClientConstructor;
  readonly RegistrationClient: grpc.ServiceClientConstructor;
}

/** How messages appear in JavaScript: camelCase fields, int64 as numbers, defaults filled in. */
export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
};

let cached: DevicePluginApi | undefined;

export function loadDevicePluginApi(): DevicePluginApi {
  if (cached !== undefined) return cached;
  const definition = protoLoader.fromJSON(
    API_DESCRIPTOR as unknown as Parameters<typeof protoLoader.fromJSON>[0],
    LOADER_OPTIONS,
  );
  const pkg = grpc.loadPackageDefinition(definition)['v1beta1'] as grpc.GrpcObject;
  const DevicePluginClient = pkg['DevicePlugin'] as grpc.ServiceClientConstructor;
  const RegistrationClient = pkg['Registration'] as grpc.ServiceClientConstructor;
  cached = {
    devicePluginService: DevicePluginClient.service,
    registrationService: RegistrationClient.service,
    DevicePluginClient,
    RegistrationClient,
  };
  return cached;
}

/**
 * The grpc-js address of a unix socket path. Always made absolute: in `unix://dir/x.sock` gRPC reads
 * `dir` as a host name and the rest as the path, so a relative path would name another file.
 */
export function unixAddress(path: string): string {
  return `unix://${resolvePath(path)}`;
}

/** Binds a server to a unix socket; resolves when it listens. */
export function bindUnix(server: grpc.Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.bindAsync(unixAddress(path), grpc.ServerCredentials.createInsecure(), (err) => {
      if (err) reject(err);
      else resolve();
    });
  });
}

/** Calls a unary method of a grpc-js client with a deadline, as a promise. */
export function unary<Req, Res>(
  client: grpc.Client,
  method: string,
  request: Req,
  timeoutMs: number,
): Promise<Res> {
  return new Promise((resolve, reject) => {
    const fn = (client as unknown as Record<string, (...args: unknown[]) => unknown>)[method];
    if (typeof fn !== 'function') {
      reject(new Error(`no method ${method}`));
      return;
    }
    fn.call(
      client,
      request,
      { deadline: Date.now() + timeoutMs },
      (err: grpc.ServiceError | null, res: Res) => {
        if (err) reject(err);
        else resolve(res);
      },
    );
  });
}
