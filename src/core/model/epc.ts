import { parseQuantity, quantityToBytes, QuantityError } from './quantity.js';
import { EPC_RESOURCE_UNITS, PAGE_BYTES } from './resources.js';
import type { EpcResourceName } from './resources.js';

/**
 * EPC amounts in bytes from whichever resource name carries them. The quantity is read in the
 * resource's own unit (pages for `intel.com/sgx`, MiB for the AKS and Alibaba names, bytes for
 * Intel's) and multiplied exactly: `epcBytesFromResource('intel.com/sgx', '23936')` = 98,041,856.
 * Extended resources take whole numbers only (Kubernetes refuses fractions for them), so a
 * fraction of a unit is rounded up like the API server's `Value()` would.
 */
export function epcBytesFromResource(name: EpcResourceName, quantityText: string): number {
  const unit = EPC_RESOURCE_UNITS[name];
  const units = quantityToBytes(parseQuantity(quantityText));
  const bytes = units * unit;
  if (!Number.isSafeInteger(bytes)) {
    throw new QuantityError(quantityText, `too large for ${name} (${units} units of ${unit} bytes)`);
  }
  return bytes;
}

/** Usable EPC of a 128 MiB SGX1 part: 93.5 MiB = 98,041,856 bytes = 23,936 pages. */
export const USABLE_EPC_128MIB_BYTES = 98_041_856;

/**
 * Usable EPC for a processor reserved memory (PRM) of `reservedMiB`, by the paper's formula
 * `MiB * 2^20 * 3/4 - 2,621,440` bytes (an empirical fit that reproduces 93.5 MiB for 128 MiB).
 * Returns 0 for sizes too small for the formula to leave anything.
 */
export function usableEpcBytes(reservedMiB: number): number {
  if (!Number.isFinite(reservedMiB) || reservedMiB < 0) {
    throw new RangeError(`reserved EPC size must be a non-negative number of MiB, got ${reservedMiB}`);
  }
  const bytes = Math.floor((reservedMiB * 1024 * 1024 * 3) / 4) - 2_621_440;
  return Math.max(0, bytes - (bytes % PAGE_BYTES));
}

/** `usableEpcBytes` in 4 KiB pages: 128 MiB -> 23,936; 64 MiB -> 11,648; 256 MiB -> 48,512. */
export function usableEpcPages(reservedMiB: number): number {
  return usableEpcBytes(reservedMiB) / PAGE_BYTES;
}
