import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Cluster, SimNode } from '../cluster/cluster.js';
import { round } from '../results/stats.js';
import { DEFAULT_RUN_CONFIG } from './config.js';
import { NodeTable } from './node-table.js';
import { RunRecorder } from './recorder.js';

interface Amounts {
  residentEpc: number;
  requestedEpc: number;
  residentMem: number;
}

/**
 * The utilisation of one sample by its definition: each node's shares divided at sampling time, each
 * group summed over its nodes in node order.
 */
function reference(nodes: readonly SimNode[], amounts: readonly Amounts[], perNode: boolean) {
  const acc = [
    { epcSum: 0, epcMax: 0, memSum: 0, memMax: 0 },
    { epcSum: 0, epcMax: 0, memSum: 0, memMax: 0 },
  ];
  const rows: { epc: number | null; epcRequested: number | null; memory: number }[] = [];
  nodes.forEach((n, i) => {
    const a = amounts[i]!;
    const epc = n.sgx && n.epcBytes > 0 ? a.residentEpc / n.epcBytes : 0;
    const mem = n.memoryBytes > 0 ? a.residentMem / n.memoryBytes : 0;
    const g = acc[n.sgx ? 0 : 1]!;
    g.epcSum += epc;
    if (epc > g.epcMax) g.epcMax = epc;
    g.memSum += mem;
    if (mem > g.memMax) g.memMax = mem;
    if (perNode)
      rows.push({
        epc: n.sgx ? round(epc) : null,
        epcRequested: n.sgx ? round(n.epcBytes > 0 ? a.requestedEpc / n.epcBytes : 0) : null,
        memory: round(mem),
      });
  });
  const sgxNodes = Math.max(1, nodes.filter((n) => n.sgx).length);
  const stdNodes = Math.max(1, nodes.length - nodes.filter((n) => n.sgx).length);
  return {
    epcMean: round(acc[0]!.epcSum / sgxNodes),
    epcMax: round(acc[0]!.epcMax),
    sgxMemMean: round(acc[0]!.memSum / sgxNodes),
    sgxMemMax: round(acc[0]!.memMax),
    stdMemMean: round(acc[1]!.memSum / stdNodes),
    stdMemMax: round(acc[1]!.memMax),
    rows,
  };
}

const nodeArb = fc.record({
  sgx: fc.boolean(),
  epcBytes: fc.constantFrom(0, 4096, 98_041_856, 200_000_000),
  memoryBytes: fc.constantFrom(0, 1, 8 * 2 ** 30, 32 * 2 ** 30, 3 * 2 ** 33),
});

const changeArb = fc.record({
  node: fc.nat(),
  field: fc.constantFrom('residentEpc', 'requestedEpc', 'residentMem'),
  bytes: fc.oneof(fc.integer({ min: 0, max: 2 ** 36 }), fc.constant(0)),
  sample: fc.boolean(),
});

test('utilisation samples from the node table equal the per-node divisions summed in node order', () => {
  fc.assert(
    fc.property(
      fc.array(nodeArb, { minLength: 1, maxLength: 90 }),
      fc.array(changeArb, { maxLength: 200 }),
      (specs, changes) => {
        const nodes: SimNode[] = specs.map((s, i) => ({
          name: `n${String(i).padStart(3, '0')}`,
          sgx: s.sgx,
          epcBytes: s.sgx ? s.epcBytes : 0,
          epcReservedMiB: null,
          memoryBytes: s.memoryBytes,
          cpuMillis: 0,
          labels: {},
          taints: [],
        }));
        const cluster: Cluster = { name: 'test', description: '', nodes };
        const recorder = new RunRecorder(cluster, DEFAULT_RUN_CONFIG, undefined, false);
        const table = new NodeTable(nodes);
        const amounts: Amounts[] = nodes.map(() => ({ residentEpc: 0, requestedEpc: 0, residentMem: 0 }));
        const expected: ReturnType<typeof reference>[] = [];
        let t = 0;
        const sample = (): void => {
          recorder.utilisationSample(t, table, false);
          expected.push(reference(nodes, amounts, nodes.length <= DEFAULT_RUN_CONFIG.perNodeLimit));
          t += 30;
        };
        for (const c of changes) {
          const i = c.node % nodes.length;
          amounts[i]![c.field] = c.bytes;
          if (c.field === 'residentEpc') table.setResidentEpc(i, c.bytes);
          else if (c.field === 'requestedEpc') table.setRequestedEpc(i, c.bytes);
          else table.setResidentMem(i, c.bytes);
          if (c.sample) sample();
        }
        sample();
        const u = recorder.finish({ makespan: t, passes: 0, events: 0, lateArrivals: 0, lateEnds: 0 }).summary
          .utilisation;
        const [sgx, std] = u.groups;
        assert.deepEqual(
          expected.map((e) => [e.epcMean, e.epcMax, e.sgxMemMean, e.sgxMemMax, e.stdMemMean, e.stdMemMax]),
          expected.map((_, k) => [
            sgx!.epcMean![k],
            sgx!.epcMax![k],
            sgx!.memoryMean[k],
            sgx!.memoryMax[k],
            std!.memoryMean[k],
            std!.memoryMax[k],
          ]),
        );
        nodes.forEach((n, i) => {
          const row = u.nodes[i];
          if (row === undefined) return;
          const want = expected.map((e) => e.rows[i]!);
          assert.deepEqual(
            row.memory,
            want.map((w) => w.memory),
          );
          if (n.sgx) {
            assert.deepEqual(
              row.epc,
              want.map((w) => w.epc),
            );
            assert.deepEqual(
              row.epcRequested,
              want.map((w) => w.epcRequested),
            );
          }
        });
      },
    ),
    { numRuns: 300 },
  );
});
