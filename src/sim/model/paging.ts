/**
 * How much EPC paging slows an enclave down, as a function of overcommit. The full derivation and
 * its sources are in docs/models.md; in short:
 *
 * With a resident demand of `r` times the usable EPC (r = sum of the enclaves' working sets divided
 * by the EPC they share), a uniformly accessed working set misses the EPC on a fraction
 * `(r - 1) / r` of its accesses once r > 1. Each miss is an EWB/ELDU round trip (about 40,000
 * cycles, VAULT, ASPLOS 2018) plus an enclave exit and TLB flush (Eleos, EuroSys 2017), so
 *
 *     slowdown(r) = 1                                   for r <= 1
 *     slowdown(r) = 1 + penalty * intensity * (r-1)/r  for r > 1
 *
 * The default `penalty` is 5: a memory-intensive enclave (intensity 1) at r = 5 runs 5x slower,
 * VAULT's reported average for memory-intensive workloads, and the bound for r -> infinity is 6x.
 * Eleos' 2.2-2.3x gain of a user-level pager at 5x overcommit means kernel paging costs at least that
 * much, which the default respects (5x). Per-job `intensity` spans the 1.2x-126x range of Akram et
 * al. when a workload gives it; the bundled workloads use 1.
 */
export interface PagingModel {
  /** Name and parameters, recorded in the run metadata: `overflow(penalty=5)`. */
  readonly name: string;
  /** Slowdown factor (>= 1) for an enclave of the given memory intensity at overcommit `r`. */
  slowdown(r: number, intensity: number): number;
}

export type PagingModelConfig =
  { readonly kind: 'overflow'; readonly penalty: number } | { readonly kind: 'none' };

export const DEFAULT_PAGING: PagingModelConfig = { kind: 'overflow', penalty: 5 };

export function pagingModel(config: PagingModelConfig): PagingModel {
  switch (config.kind) {
    case 'overflow': {
      const penalty = config.penalty;
      if (!(penalty >= 0) || !Number.isFinite(penalty)) {
        throw new RangeError(`paging penalty must be a finite number >= 0, got ${penalty}`);
      }
      return {
        name: `overflow(penalty=${penalty})`,
        slowdown: (r, intensity) => (r <= 1 ? 1 : 1 + (penalty * intensity * (r - 1)) / r),
      };
    }
    case 'none':
      return { name: 'none', slowdown: () => 1 };
    default: {
      const never: never = config;
      throw new Error(`unknown paging model ${JSON.stringify(never)}`);
    }
  }
}

/**
 * Parses `--paging` text: `none`, `overflow` or `overflow:<penalty>` (e.g. `overflow:10`).
 * Returns an error message instead of throwing, for the caller to place in context.
 */
export function parsePagingModel(text: string): PagingModelConfig | string {
  if (text === 'none') return { kind: 'none' };
  const m = /^overflow(?::(\d+(?:\.\d+)?))?$/.exec(text);
  if (m === null)
    return `expected "none", "overflow" or "overflow:<penalty>" (e.g. overflow:5), got ${JSON.stringify(text)}`;
  return { kind: 'overflow', penalty: m[1] === undefined ? 5 : Number(m[1]) };
}
