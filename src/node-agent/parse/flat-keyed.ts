import { clip } from './decimal.js';

/** A value of a cgroup flat-keyed file: bytes, or `max` (no limit). */
export type FlatValue = number | 'max';

export interface FlatKeyed {
  readonly entries: ReadonlyMap<string, FlatValue>;
  /** Lines that are not `<key> <integer|max>`, with their 1-based line numbers. */
  readonly badLines: readonly { readonly line: number; readonly text: string }[];
}

/**
 * Parses a cgroup v2 flat-keyed file such as `misc.capacity`, `misc.current` or `misc.max`: one
 * `<resource> <value>` pair per line. Bad lines are collected, not fatal, so that one odd resource
 * never hides the `sgx_epc` line.
 */
export function parseFlatKeyed(text: string): FlatKeyed {
  const entries = new Map<string, FlatValue>();
  const badLines: { line: number; text: string }[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const m = /^(\S+)\s+(\S+)$/.exec(line);
    const key = m?.[1];
    const value = m?.[2];
    if (key === undefined || value === undefined) {
      badLines.push({ line: i + 1, text: clip(raw) });
      return;
    }
    if (value === 'max') {
      entries.set(key, 'max');
      return;
    }
    const n = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n)) {
      badLines.push({ line: i + 1, text: clip(raw) });
      return;
    }
    entries.set(key, n);
  });
  return { entries, badLines };
}

/** The misc controller's resource name for the Enclave Page Cache. */
export const SGX_EPC_MISC_RESOURCE = 'sgx_epc';
