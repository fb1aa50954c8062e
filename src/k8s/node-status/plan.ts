import { EPC_RESOURCE_UNITS, isEpcResourceName, type EpcResourceName } from '../../core/index.js';

/** Annotation naming the EPC resource this agent advertises, so a later run can clean up after it. */
export const OWNED_RESOURCE_ANNOTATION = 'sgx-orchestrator.io/epc-resource';

/**
 * Annotation naming the SGX label (`key=value`) this agent put on the node itself. Only such a label
 * is ever withdrawn: one found in place (set by hand or by NFD) may be what the agent's own DaemonSet
 * selects on, and removing it would delete the agent from the node.
 */
export const OWNED_LABEL_ANNOTATION = 'sgx-orchestrator.io/sgx-label';

/** What the node should say about its SGX. */
export interface DesiredNodeSgx {
  /** The configured EPC resource name; its unit decides the number (bytes, pages or MiB). */
  readonly resourceName: EpcResourceName;
  readonly epcBytes: number;
  readonly capable: boolean;
  /** Label set on SGX nodes (e.g. `sgx.intel.com/capable=true`). */
  readonly label: { readonly key: string; readonly value: string };
}

/** The parts of a Node the plan reads, as plain data. */
export interface CurrentNodeSgx {
  readonly capacity: Readonly<Record<string, string>> | undefined;
  readonly allocatable: Readonly<Record<string, string>> | undefined;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export type JsonPatchOp =
  | { readonly op: 'add'; readonly path: string; readonly value: string | Record<string, never> }
  | { readonly op: 'remove'; readonly path: string };

export interface NodeSgxPlan {
  /** JSON patch for the `nodes/status` subresource; empty when the status is already right. */
  readonly statusOps: readonly JsonPatchOp[];
  /** Merge patch for labels and annotations; undefined when they are already right. */
  readonly metadataPatch:
    | { metadata: { labels?: Record<string, string | null>; annotations?: Record<string, string | null> } }
    | undefined;
}

/** RFC 6901 escaping of one JSON pointer segment: `sgx.intel.com/epc` -> `sgx.intel.com~1epc`. */
export function escapeJsonPointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** The node's EPC in the resource's unit, as the integer string the API expects (whole units only). */
export function epcQuantity(resourceName: EpcResourceName, bytes: number): string {
  return String(Math.floor(bytes / EPC_RESOURCE_UNITS[resourceName]));
}

/**
 * The patches that make the node advertise exactly what is desired: the EPC resource in capacity and
 * allocatable (the kubelet keeps extended resources it does not manage, and recomputes allocatable
 * from capacity; setting both makes the resource schedulable at once), the label, and the ownership
 * annotations. An EPC resource this agent advertised earlier under another name (the configuration
 * changed between runs) is removed; resources advertised by others are never touched. Likewise the
 * label: it is added on SGX nodes, and removed (when the node is not capable, or another label is
 * configured) only if this agent added it, as recorded in {@link OWNED_LABEL_ANNOTATION}.
 */
export function planNodeSgx(current: CurrentNodeSgx, desired: DesiredNodeSgx): NodeSgxPlan {
  const ops: JsonPatchOp[] = [];
  const owned = current.annotations[OWNED_RESOURCE_ANNOTATION];
  const advertise = desired.capable && desired.epcBytes > 0;
  const stale = new Set<string>();
  if (owned !== undefined && isEpcResourceName(owned) && (owned !== desired.resourceName || !advertise)) {
    stale.add(owned);
  }
  const value = epcQuantity(desired.resourceName, desired.epcBytes);
  for (const field of ['capacity', 'allocatable'] as const) {
    const list = current[field];
    if (list === undefined) {
      if (advertise) ops.push({ op: 'add', path: `/status/${field}`, value: {} });
    } else {
      for (const name of stale) {
        if (list[name] !== undefined)
          ops.push({ op: 'remove', path: `/status/${field}/${escapeJsonPointer(name)}` });
      }
    }
    if (advertise && list?.[desired.resourceName] !== value) {
      ops.push({ op: 'add', path: `/status/${field}/${escapeJsonPointer(desired.resourceName)}`, value });
    }
  }

  const labels: Record<string, string | null> = {};
  const annotations: Record<string, string | null> = {};
  const { key, value: labelValue } = desired.label;
  const ownedLabelText = current.annotations[OWNED_LABEL_ANNOTATION];
  const ownedLabel = parseOwnedLabel(ownedLabelText);
  const desiredLabelText = `${key}=${labelValue}`;
  let wantOwnedLabel: string | undefined;
  if (desired.capable) {
    if (current.labels[key] !== labelValue) {
      labels[key] = labelValue;
      wantOwnedLabel = desiredLabelText;
    } else if (ownedLabelText === desiredLabelText) {
      wantOwnedLabel = desiredLabelText;
    }
    // else: the label was there before this agent looked; it stays someone else's.
  }
  // A label this agent set and no longer wants goes, unless someone changed its value since (then it
  // is theirs) or it is being set again under the same key.
  if (
    ownedLabel !== undefined &&
    ownedLabelText !== wantOwnedLabel &&
    !Object.hasOwn(labels, ownedLabel.key) &&
    current.labels[ownedLabel.key] === ownedLabel.value
  ) {
    labels[ownedLabel.key] = null;
  }
  if (ownedLabelText !== wantOwnedLabel) annotations[OWNED_LABEL_ANNOTATION] = wantOwnedLabel ?? null;
  const wantOwned = advertise ? desired.resourceName : undefined;
  if (owned !== wantOwned) annotations[OWNED_RESOURCE_ANNOTATION] = wantOwned ?? null;
  const metadata: { labels?: Record<string, string | null>; annotations?: Record<string, string | null> } =
    {};
  if (Object.keys(labels).length > 0) metadata.labels = labels;
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  return { statusOps: ops, metadataPatch: Object.keys(metadata).length > 0 ? { metadata } : undefined };
}

function parseOwnedLabel(text: string | undefined): { key: string; value: string } | undefined {
  const i = text?.indexOf('=') ?? -1;
  if (text === undefined || i <= 0) return undefined;
  return { key: text.slice(0, i), value: text.slice(i + 1) };
}
