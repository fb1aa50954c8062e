/** What the table needs to know of a node, once. */
export interface NodeTableSpec {
  readonly sgx: boolean;
  readonly epcBytes: number;
  readonly memoryBytes: number;
}

// A node's live amounts, at `node * STRIDE + field` in `NodeTable.live`.
export const RESIDENT_EPC = 0;
export const RESIDENT_MEM = 1;
export const REQUESTED_EPC = 2;
export const REQUESTED_MEM = 3;
export const MEASURED_EPC = 4;
export const MEASURED_MEM = 5;
export const STRIDE = 6;

/**
 * The amounts of every node, in bytes, in typed arrays by node index: what the simulation's node
 * models keep, and what the recorder samples every `sampleSeconds`. As object fields, amounts that
 * are not small integers (memory is) were each a separate heap object: one more cache miss for every
 * event that touched a node.
 *
 * The utilisation sample visits every node (on the 12,583-machine Borg cell, every 30 simulated
 * seconds: 29 million visits for 14 trace parts), so each node's resident share of its EPC and of its
 * memory is kept up to date as it changes, SGX nodes first, in one array: a sample is then a sum over
 * two contiguous ranges, with no division and no branch per node. The shares are the same divisions
 * done at a different moment, and each group still sums its nodes in node order: the same bytes.
 */
export class NodeTable {
  readonly count: number;
  /** 1 for an SGX node. */
  readonly sgx: Uint8Array;
  readonly epcBytes: Float64Array;
  readonly memoryBytes: Float64Array;
  /** Live amounts, `STRIDE` per node (fields above), all 0 at first. */
  readonly live: Float64Array;
  /** Number of SGX nodes: they hold share positions 0 .. sgxCount - 1, in node order. */
  readonly sgxCount: number;
  /** The share position of each node. */
  readonly sharePos: Int32Array;
  /** Resident EPC / EPC (0 for a node without EPC), by share position (SGX nodes only). */
  readonly epcShare: Float64Array;
  /** Resident memory / memory (0 for a node without memory), by share position. */
  readonly memShare: Float64Array;

  constructor(nodes: readonly NodeTableSpec[]) {
    const n = nodes.length;
    this.count = n;
    this.sgx = Uint8Array.from(nodes, (x) => (x.sgx ? 1 : 0));
    this.epcBytes = Float64Array.from(nodes, (x) => x.epcBytes);
    this.memoryBytes = Float64Array.from(nodes, (x) => x.memoryBytes);
    this.live = new Float64Array(n * STRIDE);
    this.sharePos = new Int32Array(n);
    let sgx = 0;
    for (let i = 0; i < n; i++) if (this.sgx[i] === 1) this.sharePos[i] = sgx++;
    this.sgxCount = sgx;
    let std = sgx;
    for (let i = 0; i < n; i++) if (this.sgx[i] === 0) this.sharePos[i] = std++;
    this.epcShare = new Float64Array(n);
    this.memShare = new Float64Array(n);
  }

  residentEpc(i: number): number {
    return this.live[i * STRIDE + RESIDENT_EPC]!;
  }

  setResidentEpc(i: number, bytes: number): void {
    this.live[i * STRIDE + RESIDENT_EPC] = bytes;
    const cap = this.epcBytes[i]!;
    this.epcShare[this.sharePos[i]!] = this.sgx[i] === 1 && cap > 0 ? bytes / cap : 0;
  }

  residentMem(i: number): number {
    return this.live[i * STRIDE + RESIDENT_MEM]!;
  }

  setResidentMem(i: number, bytes: number): void {
    this.live[i * STRIDE + RESIDENT_MEM] = bytes;
    const cap = this.memoryBytes[i]!;
    this.memShare[this.sharePos[i]!] = cap > 0 ? bytes / cap : 0;
  }

  requestedEpc(i: number): number {
    return this.live[i * STRIDE + REQUESTED_EPC]!;
  }

  setRequestedEpc(i: number, bytes: number): void {
    this.live[i * STRIDE + REQUESTED_EPC] = bytes;
  }
}
