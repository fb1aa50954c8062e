import type { DeviceSpec } from './api.js';

/**
 * One extended resource served by a device plugin: a number of shareable slots of the same device
 * nodes. As in Intel's SGX plugin, every slot gives the container the same device node; the slot
 * count only caps how many containers of the node may hold the device at once.
 */
export interface SharedDeviceResource {
  /** `vendor-domain/type`, e.g. `sgx.intel.com/enclave`. */
  readonly resourceName: string;
  /** Device IDs are `<idPrefix>-<i>` (at most 63 characters). */
  readonly idPrefix: string;
  readonly slots: number;
  /** What every allocated container gets (host paths are the host's own `/dev`, not the host root). */
  readonly deviceSpecs: readonly DeviceSpec[];
  /** Host paths (under the agent's host root) whose presence makes the devices healthy. */
  readonly healthPaths: readonly string[];
}

/** The socket file name for a resource, as Intel names them: `sgx.intel.com-enclave.sock`. */
export function socketNameFor(resourceName: string): string {
  return resourceName.replaceAll('/', '-') + '.sock';
}

export function deviceIds(r: SharedDeviceResource): string[] {
  return Array.from({ length: r.slots }, (_, i) => `${r.idPrefix}-${i}`);
}

/** A resource name the kubelet accepts: `domain/name`, not under kubernetes.io. */
export function validateResourceName(name: string): string | undefined {
  const m =
    /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)\/([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/.exec(
      name,
    );
  if (m === null)
    return `resource name "${name}" must look like vendor-domain/type (e.g. sgx.intel.com/enclave)`;
  const domain = m[1] ?? '';
  if (domain === 'kubernetes.io' || domain.endsWith('.kubernetes.io')) {
    return `resource name "${name}" must not be in the kubernetes.io domain`;
  }
  if (name.length > 253) return `resource name "${name}" is too long`;
  return undefined;
}

/** The SGX resources: `enclave` (always) and `provision` (when asked for and the node has it). */
export function sgxResources(options: {
  readonly enclaveResource: string;
  readonly provisionResource: string | undefined;
  readonly slots: number;
  /** `/dev/sgx_enclave` (in-kernel driver) or `/dev/isgx` (legacy). */
  readonly enclaveDevice: string;
  readonly provisionDevice: string | undefined;
}): SharedDeviceResource[] {
  const spec = (path: string): DeviceSpec => ({ containerPath: path, hostPath: path, permissions: 'rw' });
  const out: SharedDeviceResource[] = [
    {
      resourceName: options.enclaveResource,
      idPrefix: 'sgx-enclave',
      slots: options.slots,
      deviceSpecs: [spec(options.enclaveDevice)],
      healthPaths: [options.enclaveDevice],
    },
  ];
  if (options.provisionResource !== undefined && options.provisionDevice !== undefined) {
    out.push({
      resourceName: options.provisionResource,
      idPrefix: 'sgx-provision',
      slots: options.slots,
      deviceSpecs: [spec(options.provisionDevice)],
      healthPaths: [options.provisionDevice],
    });
  }
  return out;
}
