import { posix } from 'node:path';
import type { CgroupDriver } from '../cgroup/pod-cgroups.js';
import { scanPodCgroups } from '../cgroup/pod-cgroups.js';
import type { HostFs } from '../host/host-fs.js';
import type { Problem } from '../host/problems.js';
import { clip } from '../parse/decimal.js';
import { parseFlatKeyed, SGX_EPC_MISC_RESOURCE, type FlatValue } from '../parse/flat-keyed.js';

const PAGE_BYTES = 4096;

/** The EPC limit a pod should have: bytes, or `max` (no limit). */
export type EpcLimit = number | 'max';

export type EnforcementState = 'enforcing' | 'degraded' | 'unsupported' | 'disabled';

export interface EnforcementResult {
  readonly state: EnforcementState;
  /** UIDs of pods whose cgroup holds the desired limit after this pass. */
  readonly enforced: ReadonlySet<string>;
  readonly writes: { readonly success: number; readonly error: number };
  readonly problems: readonly Problem[];
}

/** Holds pods to their EPC limits. */
export interface LimitEnforcer {
  readonly name: string;
  /** Makes every listed pod's cgroup hold its limit; pods not listed are left alone. */
  reconcile(limits: ReadonlyMap<string, EpcLimit>): Promise<EnforcementResult>;
}

/** For kernels without `sgx_epc`, or when enforcement is turned off: reports, never writes. */
export class NoopLimitEnforcer implements LimitEnforcer {
  readonly name = 'none';
  private readonly state: 'unsupported' | 'disabled';
  constructor(state: 'unsupported' | 'disabled') {
    this.state = state;
  }
  reconcile(): Promise<EnforcementResult> {
    return Promise.resolve({
      state: this.state,
      enforced: new Set(),
      writes: { success: 0, error: 0 },
      problems: [],
    });
  }
}

/**
 * The kernel rounds limits down to whole pages; round up instead so that a pod gets at least what it
 * asked for, and compare in pages so that an unchanged limit is never rewritten.
 */
export function pageAlignedLimit(limit: EpcLimit): EpcLimit {
  return limit === 'max' ? 'max' : Math.ceil(limit / PAGE_BYTES) * PAGE_BYTES;
}

/**
 * Enforces limits through the misc cgroup controller: writes `sgx_epc <bytes>` into each pod
 * cgroup's `misc.max`, the modern equivalent of the paper's driver that refused enclaves beyond their
 * pod's limit. Reads `misc.max` first and writes only when it differs.
 */
export class MiscMaxLimitEnforcer implements LimitEnforcer {
  readonly name = 'misc-cgroup';
  private readonly host: HostFs;
  private readonly miscRoot: string;
  private readonly driver: CgroupDriver | undefined;

  constructor(host: HostFs, miscRoot: string, driver?: CgroupDriver) {
    this.host = host;
    this.miscRoot = miscRoot;
    this.driver = driver;
  }

  async reconcile(limits: ReadonlyMap<string, EpcLimit>): Promise<EnforcementResult> {
    const scan = await scanPodCgroups(this.host, this.miscRoot, this.driver);
    const problems: Problem[] = [...scan.problems];
    const enforced = new Set<string>();
    // Pods are independent: reconcile them concurrently (file I/O runs in libuv's thread pool).
    const outcomes = await Promise.all(
      scan.pods.map(async (pod): Promise<'enforced' | 'written' | 'error' | 'failed' | 'skipped'> => {
        const wanted = limits.get(pod.uid);
        if (wanted === undefined) return 'skipped';
        const desired = pageAlignedLimit(wanted);
        const path = posix.join(pod.path, 'misc.max');
        const current = await this.readMax(path, problems);
        if (current === 'missing') return 'failed';
        if (current === desired) {
          enforced.add(pod.uid);
          return 'enforced';
        }
        const w = await this.host.write(path, `${SGX_EPC_MISC_RESOURCE} ${desired}\n`);
        if (!w.ok) {
          problems.push({
            file: 'misc.max',
            path,
            reason: 'unreadable',
            detail: `cannot write limit: ${w.detail}`,
          });
          return 'error';
        }
        enforced.add(pod.uid);
        return 'written';
      }),
    );
    const count = (o: string): number => outcomes.filter((x) => x === o).length;
    const success = count('written');
    const error = count('error');
    const failed = count('failed');
    return {
      state: error + failed > 0 ? 'degraded' : 'enforcing',
      enforced,
      writes: { success, error },
      problems,
    };
  }

  /**
   * The current `sgx_epc` limit; undefined when it cannot be parsed (then it is rewritten), `missing`
   * when the cgroup has no `misc.max` (the misc controller is not enabled there: nothing to write).
   */
  private async readMax(path: string, problems: Problem[]): Promise<FlatValue | 'missing' | undefined> {
    const r = await this.host.read(path);
    if (!r.ok) {
      const detail =
        r.reason === 'missing'
          ? 'the misc controller is not enabled for this cgroup (cgroup.subtree_control)'
          : r.detail;
      problems.push({ file: 'misc.max', path, reason: r.reason, detail });
      return r.reason === 'missing' ? 'missing' : undefined;
    }
    const flat = parseFlatKeyed(r.text);
    const v = flat.entries.get(SGX_EPC_MISC_RESOURCE);
    if (v === undefined) {
      problems.push({
        file: 'misc.max',
        path,
        reason: 'malformed',
        detail: `expected a line "sgx_epc <bytes|max>", found ${JSON.stringify(clip(r.text))}`,
      });
    }
    return v;
  }
}
