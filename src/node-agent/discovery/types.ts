import type { Problem } from '../host/problems.js';

/** Which kernel driver exposes SGX: upstream Linux (>= 5.11) or the legacy out-of-tree `isgx`. */
export type SgxDriver = 'in-kernel' | 'legacy-isgx' | 'none';

/** Where the total EPC size came from. */
export type EpcSource = 'sysfs' | 'isgx-module' | 'misc-cgroup' | 'override' | 'none';

/** Where the misc cgroup controller lives: the unified v2 hierarchy or a v1 `misc` mount. */
export type CgroupVersion = 'v2' | 'v1' | 'none';

export interface SgxDiscovery {
  readonly hostRoot: string;
  readonly cpu: {
    /** `undefined` when `/proc/cpuinfo` could not be read or parsed. */
    readonly sgx: boolean | undefined;
    readonly launchControl: boolean | undefined;
  };
  /** Host paths of the device nodes that exist. */
  readonly devices: {
    readonly enclave: string | undefined;
    readonly provision: string | undefined;
  };
  readonly driver: SgxDriver;
  readonly epc: {
    readonly totalBytes: number;
    readonly source: EpcSource;
    /** Per NUMA node, from sysfs (empty for other sources). */
    readonly numaNodes: readonly { readonly node: number; readonly bytes: number }[];
  };
  readonly cgroup: {
    readonly version: CgroupVersion;
    /** Host path of the hierarchy that holds `misc.*` files (e.g. `/sys/fs/cgroup`). */
    readonly miscRoot: string | undefined;
    /** `sgx_epc` in the root's `misc.capacity`: per-cgroup EPC accounting and limits are available. */
    readonly sgxEpcMisc: boolean;
    readonly sgxEpcCapacityBytes: number | undefined;
  };
  /** The node can run enclaves: an SGX device node exists. */
  readonly sgxCapable: boolean;
  /** Human explanations of what was found and what it means (e.g. why a CPU with SGX is not capable). */
  readonly notes: readonly string[];
  readonly problems: readonly Problem[];
}
