import { posix } from 'node:path';
import type { HostFs } from '../host/host-fs.js';
import type { Problem } from '../host/problems.js';
import { parseCpuinfoFlags } from '../parse/cpuinfo.js';
import { parseSysfsInteger } from '../parse/decimal.js';
import { parseFlatKeyed, SGX_EPC_MISC_RESOURCE } from '../parse/flat-keyed.js';
import { HOST_PATHS } from './paths.js';
import type { CgroupVersion, EpcSource, SgxDiscovery, SgxDriver } from './types.js';

const PAGE_BYTES = 4096;

export interface DiscoverOptions {
  /** Total EPC in bytes given by the operator, used when the kernel does not say (no sysfs file). */
  readonly epcOverrideBytes?: number;
}

/**
 * Finds out what SGX this host has. Reads only; a missing file is an answer ("no SGX here"), a
 * malformed or unreadable one is a `Problem` in the result. Never throws for host contents.
 */
export async function discoverSgx(host: HostFs, options: DiscoverOptions = {}): Promise<SgxDiscovery> {
  const problems: Problem[] = [];
  const notes: string[] = [];

  const cpu = await readCpu(host, problems);
  const enclave = await presentDevice(host, HOST_PATHS.sgxEnclave);
  const provision = await presentDevice(host, HOST_PATHS.sgxProvision);
  const isgx = enclave === undefined ? await presentDevice(host, HOST_PATHS.isgx) : undefined;
  const driver: SgxDriver = enclave !== undefined ? 'in-kernel' : isgx !== undefined ? 'legacy-isgx' : 'none';

  const cgroup = await readMiscCgroup(host, problems);
  const numaNodes = await readNumaEpc(host, problems);
  let totalBytes = numaNodes.reduce((sum, n) => sum + n.bytes, 0);
  let source: EpcSource = numaNodes.length > 0 ? 'sysfs' : 'none';
  if (source === 'none') {
    const pages = await readIsgxPages(host, problems);
    if (pages !== undefined) {
      totalBytes = pages * PAGE_BYTES;
      source = 'isgx-module';
    }
  }
  if (source === 'none' && cgroup.sgxEpcCapacityBytes !== undefined) {
    totalBytes = cgroup.sgxEpcCapacityBytes;
    source = 'misc-cgroup';
  }
  if (options.epcOverrideBytes !== undefined) {
    if (source !== 'none' && totalBytes !== options.epcOverrideBytes) {
      notes.push(
        `EPC size ${totalBytes} B from ${source} replaced by the configured ${options.epcOverrideBytes} B`,
      );
    }
    totalBytes = options.epcOverrideBytes;
    source = 'override';
  }

  const sgxCapable = driver !== 'none';
  if (cpu.sgx === true && driver === 'none') {
    notes.push(
      cpu.launchControl === true
        ? 'the CPU reports SGX but no SGX device node exists: the kernel lacks CONFIG_X86_SGX (Linux >= 5.11 needed) or /dev is not mounted'
        : 'the CPU reports SGX without launch control (no sgx_lc flag): the in-kernel driver refuses such CPUs; load the legacy isgx driver',
    );
  }
  if (cpu.sgx === false && driver === 'none') notes.push('no SGX: the CPU does not report the sgx flag');
  if (sgxCapable && totalBytes === 0) {
    notes.push(
      'SGX device present but the EPC size is unknown (no sgx_total_bytes: kernel older than 5.17 or without CONFIG_NUMA); set the EPC size in the configuration',
    );
  }
  if (driver === 'in-kernel' && provision === undefined) {
    notes.push('/dev/sgx_provision is absent: enclaves that need provisioning (attestation keys) cannot run');
  }
  if (sgxCapable && !cgroup.sgxEpcMisc) {
    notes.push(
      'the kernel has no sgx_epc misc cgroup resource: per-pod EPC usage is unmeasured and limits are not enforced',
    );
  }

  return {
    hostRoot: host.root,
    cpu,
    devices: { enclave: enclave ?? isgx, provision },
    driver,
    epc: { totalBytes, source, numaNodes },
    cgroup,
    sgxCapable,
    notes,
    problems,
  };
}

async function readCpu(host: HostFs, problems: Problem[]): Promise<SgxDiscovery['cpu']> {
  const r = await host.read(HOST_PATHS.cpuinfo);
  if (!r.ok) {
    problems.push({ file: 'cpuinfo', path: HOST_PATHS.cpuinfo, reason: r.reason, detail: r.detail });
    return { sgx: undefined, launchControl: undefined };
  }
  const flags = parseCpuinfoFlags(r.text);
  if (!flags.ok) {
    problems.push({ file: 'cpuinfo', path: HOST_PATHS.cpuinfo, reason: 'malformed', detail: flags.error });
    return { sgx: undefined, launchControl: undefined };
  }
  return { sgx: flags.value.sgx, launchControl: flags.value.launchControl };
}

/** A device node counts when any non-directory entry exists (fixture trees hold regular files). */
async function presentDevice(host: HostFs, path: string): Promise<string | undefined> {
  const kind = await host.kind(path);
  return kind === undefined || kind === 'directory' ? undefined : path;
}

async function readNumaEpc(host: HostFs, problems: Problem[]): Promise<{ node: number; bytes: number }[]> {
  const dirs = await host.subdirectories(HOST_PATHS.numaNodes);
  if (!dirs.ok) return [];
  const out: { node: number; bytes: number }[] = [];
  for (const name of dirs.names) {
    const m = /^node([0-9]+)$/.exec(name);
    if (m?.[1] === undefined) continue;
    const path = posix.join(HOST_PATHS.numaNodes, name, 'x86', 'sgx_total_bytes');
    const r = await host.read(path);
    // The x86/ group is hidden when SGX did not initialise: a missing file is normal.
    if (!r.ok) {
      if (r.reason !== 'missing')
        problems.push({ file: 'sgx_total_bytes', path, reason: r.reason, detail: r.detail });
      continue;
    }
    const bytes = parseSysfsInteger(r.text);
    if (!bytes.ok) {
      problems.push({ file: 'sgx_total_bytes', path, reason: 'malformed', detail: bytes.error });
      continue;
    }
    out.push({ node: Number(m[1]), bytes: bytes.value });
  }
  return out.sort((a, b) => a.node - b.node);
}

async function readIsgxPages(host: HostFs, problems: Problem[]): Promise<number | undefined> {
  const r = await host.read(HOST_PATHS.isgxTotalPages);
  if (!r.ok) {
    if (r.reason !== 'missing') {
      problems.push({
        file: 'isgx_total_epc_pages',
        path: HOST_PATHS.isgxTotalPages,
        reason: r.reason,
        detail: r.detail,
      });
    }
    return undefined;
  }
  const pages = parseSysfsInteger(r.text);
  if (!pages.ok) {
    problems.push({
      file: 'isgx_total_epc_pages',
      path: HOST_PATHS.isgxTotalPages,
      reason: 'malformed',
      detail: pages.error,
    });
    return undefined;
  }
  return pages.value;
}

async function readMiscCgroup(host: HostFs, problems: Problem[]): Promise<SgxDiscovery['cgroup']> {
  let version: CgroupVersion = 'none';
  let miscRoot: string | undefined;
  if ((await host.kind(posix.join(HOST_PATHS.cgroupRoot, 'cgroup.controllers'))) !== undefined) {
    version = 'v2';
    miscRoot = HOST_PATHS.cgroupRoot;
  } else if ((await host.kind(HOST_PATHS.cgroupV1Misc)) === 'directory') {
    version = 'v1';
    miscRoot = HOST_PATHS.cgroupV1Misc;
  } else {
    // Hybrid hosts: v1 controllers plus a cgroup2 mount at /sys/fs/cgroup/unified, which holds the
    // misc controller when no v1 hierarchy took it.
    const controllers = await host.read(posix.join(HOST_PATHS.cgroupHybridUnified, 'cgroup.controllers'));
    if (controllers.ok && controllers.text.split(/\s+/).includes('misc')) {
      version = 'v2';
      miscRoot = HOST_PATHS.cgroupHybridUnified;
    }
  }
  if (miscRoot === undefined) {
    return { version, miscRoot, sgxEpcMisc: false, sgxEpcCapacityBytes: undefined };
  }
  const path = posix.join(miscRoot, 'misc.capacity');
  const r = await host.read(path);
  if (!r.ok) {
    // Kernels before 5.13 have no misc controller at all: missing is normal.
    if (r.reason !== 'missing')
      problems.push({ file: 'misc.capacity', path, reason: r.reason, detail: r.detail });
    return { version, miscRoot, sgxEpcMisc: false, sgxEpcCapacityBytes: undefined };
  }
  const flat = parseFlatKeyed(r.text);
  for (const bad of flat.badLines) {
    problems.push({
      file: 'misc.capacity',
      path,
      reason: 'malformed',
      detail: `line ${bad.line}: expected "<resource> <bytes>", found ${JSON.stringify(bad.text)}`,
    });
  }
  const epc = flat.entries.get(SGX_EPC_MISC_RESOURCE);
  if (epc === undefined) return { version, miscRoot, sgxEpcMisc: false, sgxEpcCapacityBytes: undefined };
  if (epc === 'max') {
    problems.push({
      file: 'misc.capacity',
      path,
      reason: 'malformed',
      detail: 'sgx_epc capacity is "max", expected bytes',
    });
    return { version, miscRoot, sgxEpcMisc: true, sgxEpcCapacityBytes: undefined };
  }
  return { version, miscRoot, sgxEpcMisc: true, sgxEpcCapacityBytes: epc };
}
