import { parseQuantity, quantityToBytes, quantityToMillis, usableEpcBytes } from '../../core/index.js';
import type { TaintEffect, Taint } from '../../core/index.js';
import { FieldReader, loadStructuredFile, parseStructured } from '../config/structured-file.js';
import type { FieldPath, StructuredDocument } from '../config/structured-file.js';

/**
 * A group of identical nodes. Nodes are named `<name>-<i>` for i = 1..count, so a group `sgx` of two
 * gives `sgx-1` and `sgx-2` (the names the paper's binpack sorts by).
 */
export interface NodeGroupSpec {
  readonly name: string;
  readonly count: number;
  readonly sgx: boolean;
  /** Usable EPC in bytes (0 for a standard node). */
  readonly epcBytes: number;
  /**
   * Processor reserved memory (PRM) in MiB when the spec gave it as `epcReservedMiB`; an experiment's
   * `epcMiB` axis replaces it. Null when the spec gave the usable size directly.
   */
  readonly epcReservedMiB: number | null;
  readonly memoryBytes: number;
  readonly cpuMillis: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
}

export interface ClusterSpec {
  /** Built-in name, or the file it was read from. */
  readonly name: string;
  readonly description: string;
  readonly groups: readonly NodeGroupSpec[];
}

const GROUP_FIELDS = [
  'name',
  'count',
  'sgx',
  'epcReservedMiB',
  'usableEpc',
  'memory',
  'cpu',
  'labels',
  'taints',
] as const;
const TAINT_EFFECTS: readonly TaintEffect[] = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Reads a cluster spec (YAML or JSON):
 *
 * ```yaml
 * name: lab
 * nodeGroups:
 *   - { name: sgx, count: 2, sgx: true, epcReservedMiB: 128, memory: 32Gi, cpu: 8 }
 *   - { name: std, count: 2, memory: 32Gi, cpu: 8, labels: { tier: batch } }
 * ```
 *
 * Every problem is reported with the file, line and field.
 */
export function loadClusterSpecFile(file: string): ClusterSpec {
  return clusterSpecFromDocument(loadStructuredFile(file));
}

export function parseClusterSpec(file: string, text: string): ClusterSpec {
  return clusterSpecFromDocument(parseStructured(file, text));
}

function clusterSpecFromDocument(doc: StructuredDocument): ClusterSpec {
  const r = new FieldReader(doc);
  const top = r.object(doc.data, []);
  if (top === undefined) {
    r.done();
    throw new Error('unreachable');
  }
  r.onlyKnown(top, [], ['name', 'description', 'nodeGroups']);
  const name = top['name'] === undefined ? doc.file : r.string(top['name'], ['name']);
  const description = top['description'] === undefined ? '' : r.string(top['description'], ['description']);
  const rawGroups = r.array(top['nodeGroups'], ['nodeGroups']) ?? [];
  if (rawGroups.length === 0 && Array.isArray(top['nodeGroups']))
    r.problem(['nodeGroups'], 'expected at least one node group');
  const groups: NodeGroupSpec[] = [];
  const seen = new Set<string>();
  rawGroups.forEach((raw, i) => {
    const g = readGroup(r, raw, ['nodeGroups', i]);
    if (g === undefined) return;
    if (seen.has(g.name))
      r.problem(['nodeGroups', i, 'name'], `duplicate group name ${JSON.stringify(g.name)}`);
    seen.add(g.name);
    groups.push(g);
  });
  r.done();
  return { name: name ?? doc.file, description: description ?? '', groups };
}

function readGroup(r: FieldReader, raw: unknown, path: FieldPath): NodeGroupSpec | undefined {
  const o = r.object(raw, path);
  if (o === undefined) return undefined;
  r.onlyKnown(o, path, GROUP_FIELDS);
  const name = r.string(o['name'], [...path, 'name']);
  if (name !== undefined && !NAME.test(name)) {
    r.problem([...path, 'name'], 'expected lower-case letters, digits and dashes (it prefixes node names)');
  }
  const count = r.integer(o['count'], [...path, 'count'], 1, 1_000_000);
  const sgx = o['sgx'] === undefined ? false : r.boolean(o['sgx'], [...path, 'sgx']);
  let epcBytes = 0;
  let epcReservedMiB: number | null = null;
  if (o['epcReservedMiB'] !== undefined && o['usableEpc'] !== undefined) {
    r.problem([...path, 'usableEpc'], 'give either epcReservedMiB or usableEpc, not both');
  } else if (o['epcReservedMiB'] !== undefined) {
    const mib = r.number(o['epcReservedMiB'], [...path, 'epcReservedMiB'], 4);
    if (mib !== undefined) {
      epcReservedMiB = mib;
      epcBytes = usableEpcBytes(mib);
    }
  } else if (o['usableEpc'] !== undefined) {
    epcBytes = bytes(r, o['usableEpc'], [...path, 'usableEpc']) ?? 0;
  }
  if (sgx === true && epcBytes <= 0 && !r.failed) {
    r.problem(
      [...path, 'usableEpc'],
      'an SGX group needs its EPC: epcReservedMiB (e.g. 128) or usableEpc (e.g. 93.5Mi)',
    );
  }
  if (sgx === false && (o['epcReservedMiB'] !== undefined || o['usableEpc'] !== undefined)) {
    r.problem([...path, 'sgx'], 'EPC given for a group that is not SGX: add `sgx: true`');
  }
  const memoryBytes = bytes(r, o['memory'], [...path, 'memory']);
  const cpuMillis = o['cpu'] === undefined ? 0 : millis(r, o['cpu'], [...path, 'cpu']);
  const labels: Record<string, string> = {};
  if (o['labels'] !== undefined) {
    const l = r.object(o['labels'], [...path, 'labels']);
    for (const [k, v] of Object.entries(l ?? {})) {
      if (typeof v === 'string') labels[k] = v;
      else r.problem([...path, 'labels', k], `expected a string label value, got ${typeof v}`);
    }
  }
  const taints: Taint[] = [];
  if (o['taints'] !== undefined) {
    (r.array(o['taints'], [...path, 'taints']) ?? []).forEach((t, j) => {
      const tp = [...path, 'taints', j];
      const to = r.object(t, tp);
      if (to === undefined) return;
      r.onlyKnown(to, tp, ['key', 'value', 'effect']);
      const key = r.string(to['key'], [...tp, 'key']);
      const value = to['value'] === undefined ? undefined : r.string(to['value'], [...tp, 'value']);
      const effect = to['effect'];
      if (!TAINT_EFFECTS.includes(effect as TaintEffect)) {
        r.problem([...tp, 'effect'], `expected one of ${TAINT_EFFECTS.join(', ')}`);
        return;
      }
      if (key === undefined) return;
      taints.push(
        value === undefined
          ? { key, effect: effect as TaintEffect }
          : { key, value, effect: effect as TaintEffect },
      );
    });
  }
  if (
    name === undefined ||
    count === undefined ||
    sgx === undefined ||
    memoryBytes === undefined ||
    cpuMillis === undefined
  ) {
    return undefined;
  }
  return { name, count, sgx, epcBytes, epcReservedMiB, memoryBytes, cpuMillis, labels, taints };
}

function bytes(r: FieldReader, value: unknown, path: FieldPath): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  if (typeof value === 'string') {
    try {
      const b = quantityToBytes(parseQuantity(value));
      if (b > 0) return b;
    } catch {
      // reported below
    }
  }
  return r.problem(
    path,
    `expected a positive byte quantity such as "32Gi" or "93.5Mi", got ${JSON.stringify(value) ?? 'nothing'}`,
  );
}

function millis(r: FieldReader, value: unknown, path: FieldPath): number | undefined {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text === 'string') {
    try {
      const m = quantityToMillis(parseQuantity(text));
      if (m >= 0) return m;
    } catch {
      // reported below
    }
  }
  return r.problem(
    path,
    `expected a CPU quantity such as 8 or "500m", got ${JSON.stringify(value) ?? 'nothing'}`,
  );
}
