import { malformed, parsed, type Parsed } from './results.js';

export interface CpuSgxFlags {
  /** `sgx`: the processor supports SGX and the BIOS enabled it. */
  readonly sgx: boolean;
  /** `sgx_lc`: Flexible Launch Control, required by the in-kernel driver (`/dev/sgx_enclave`). */
  readonly launchControl: boolean;
}

/**
 * Reads the SGX flags from `/proc/cpuinfo`. The first `flags` line decides (every logical CPU of an
 * x86 machine reports the same feature set). A file without any `flags` line is malformed: it is not
 * the evidence of a CPU without SGX.
 */
export function parseCpuinfoFlags(text: string): Parsed<CpuSgxFlags> {
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    if (line.slice(0, colon).trim() !== 'flags') continue;
    const flags = new Set(
      line
        .slice(colon + 1)
        .trim()
        .split(/\s+/),
    );
    return parsed({ sgx: flags.has('sgx'), launchControl: flags.has('sgx_lc') });
  }
  return malformed('no "flags" line: expected lines such as "flags : fpu ... sgx sgx_lc"');
}
