/** The kubelet device plugin for SGX devices (API v1beta1 over gRPC on unix sockets). */
export {
  API_VERSION,
  DEFAULT_DEVICE_PLUGIN_DIR,
  HEALTHY,
  KUBELET_SOCKET,
  UNHEALTHY,
  loadDevicePluginApi,
  bindUnix,
  unary,
  unixAddress,
  type AllocateRequest,
  type AllocateResponse,
  type ContainerAllocateRequest,
  type ContainerAllocateResponse,
  type Device,
  type DevicePluginOptions,
  type DeviceSpec,
  type ListAndWatchResponse,
  type RegisterRequest,
} from './api.js';
export {
  sgxResources,
  socketNameFor,
  deviceIds,
  validateResourceName,
  type SharedDeviceResource,
} from './resources.js';
export { SharedDeviceService, type AllocationEnv, type DevicePluginObserver } from './service.js';
export {
  DevicePluginRunner,
  DEFAULT_TIMING,
  type RunnerTiming,
  type RegistrationObserver,
} from './runner.js';
