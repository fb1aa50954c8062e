import { describeProblem } from '../host/problems.js';
import type { SgxDiscovery } from './types.js';

const MIB = 1024 * 1024;

function bytes(n: number): string {
  if (n === 0) return '0 B';
  const gib = n / (1024 * MIB);
  return gib >= 1
    ? `${n} B (${round(gib)} GiB)`
    : `${n} B (${round(n / MIB)} MiB, ${Math.floor(n / 4096)} pages)`;
}

function round(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(2);
}

function yesNo(v: boolean | undefined): string {
  return v === undefined ? 'unknown' : v ? 'yes' : 'no';
}

/** A readable multi-line summary for `sgx-orchestrator discover`. */
export function formatDiscovery(d: SgxDiscovery): string {
  const lines = [
    `host root:        ${d.hostRoot}`,
    `SGX capable:      ${d.sgxCapable ? 'yes' : 'no'}`,
    `CPU flag sgx:     ${yesNo(d.cpu.sgx)}`,
    `launch control:   ${yesNo(d.cpu.launchControl)}`,
    `driver:           ${d.driver}`,
    `enclave device:   ${d.devices.enclave ?? 'none'}`,
    `provision device: ${d.devices.provision ?? 'none'}`,
    `EPC total:        ${bytes(d.epc.totalBytes)} from ${d.epc.source}`,
  ];
  for (const n of d.epc.numaNodes) lines.push(`  NUMA node ${n.node}:     ${bytes(n.bytes)}`);
  lines.push(
    `misc cgroup:      ${d.cgroup.miscRoot !== undefined ? `cgroup ${d.cgroup.version} at ${d.cgroup.miscRoot}` : 'none (no misc controller found)'}`,
    `sgx_epc in misc:  ${d.cgroup.sgxEpcMisc ? `yes${d.cgroup.sgxEpcCapacityBytes !== undefined ? `, capacity ${bytes(d.cgroup.sgxEpcCapacityBytes)}` : ''}` : 'no'}`,
    `per-pod usage:    ${d.cgroup.sgxEpcMisc ? 'measured (misc.current)' : 'unmeasured'}`,
    `limits:           ${d.cgroup.sgxEpcMisc ? 'enforceable (misc.max)' : 'not enforceable'}`,
  );
  for (const n of d.notes) lines.push(`note: ${n}`);
  for (const p of d.problems) lines.push(`problem: ${describeProblem(p)}`);
  return lines.join('\n');
}
