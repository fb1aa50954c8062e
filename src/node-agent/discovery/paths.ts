/** Host paths read by discovery (relative to the host root). Sources: docs/node-agent.md. */
export const HOST_PATHS = {
  cpuinfo: '/proc/cpuinfo',
  /** In-kernel driver (Linux >= 5.11) device nodes. */
  sgxEnclave: '/dev/sgx_enclave',
  sgxProvision: '/dev/sgx_provision',
  /** Legacy out-of-tree driver (Intel linux-sgx-driver, the paper's modified fork). */
  isgx: '/dev/isgx',
  /** Per-NUMA-node EPC size, Linux >= 5.17 with CONFIG_NUMA: `node<N>/x86/sgx_total_bytes`. */
  numaNodes: '/sys/devices/system/node',
  isgxTotalPages: '/sys/module/isgx/parameters/sgx_nr_total_epc_pages',
  cgroupRoot: '/sys/fs/cgroup',
  cgroupV1Misc: '/sys/fs/cgroup/misc',
  cgroupHybridUnified: '/sys/fs/cgroup/unified',
} as const;
