import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ProbeWindow } from './probe-window.js';

/** A pod as the brute-force model sees it: its samples, one per tick it ran through. */
interface ModelPod {
  node: number;
  bytes: number;
  firstTick: number;
  /** Last tick it ran through; Infinity while it runs. */
  lastTick: number;
}

/** The report by definition: per node, each pod's largest sample among the last `w` ticks. */
function modelReport(pods: readonly ModelPod[], nodes: number, tick: number, w: number): number[] {
  const out = new Array<number>(nodes).fill(0);
  for (const p of pods) {
    let max = 0;
    for (let j = Math.max(1, tick - w + 1); j <= tick; j++)
      if (j >= p.firstTick && j <= p.lastTick) max = Math.max(max, p.bytes);
    out[p.node]! += max;
  }
  return out;
}

test('the probe window reports exactly the sliding maximum of each pod, summed per node', () => {
  const op = fc.oneof(
    fc.record({
      kind: fc.constant('start' as const),
      node: fc.nat(2),
      bytes: fc.oneof(fc.constant(0), fc.nat(1e9)),
    }),
    fc.record({ kind: fc.constant('stop' as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant('tick' as const) }),
  );
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 6 }), fc.array(op, { maxLength: 120 }), (w, ops) => {
      const probe = new ProbeWindow(w, 3);
      const running: { pod: ModelPod; first: number }[] = [];
      const all: ModelPod[] = [];
      let before = [0, 0, 0];
      for (const o of ops) {
        if (o.kind === 'start') {
          const first = probe.start(o.node, o.bytes);
          const pod = { node: o.node, bytes: o.bytes, firstTick: first, lastTick: Infinity };
          running.push({ pod, first });
          all.push(pod);
        } else if (o.kind === 'stop') {
          if (running.length === 0) continue;
          const [{ pod, first }] = running.splice(o.pick % running.length, 1) as [
            { pod: ModelPod; first: number },
          ];
          pod.lastTick = probe.ticks;
          probe.stop(pod.node, pod.bytes, first);
        } else {
          probe.tick();
          const want = modelReport(all, 3, probe.ticks, w);
          assert.deepEqual([...probe.epc], want);
          const listed = new Set([...probe.changed.subarray(0, probe.changedCount)]);
          assert.equal(listed.size, probe.changedCount, 'each changed node listed once');
          want.forEach((v, n) => {
            if (v !== before[n]) assert.ok(listed.has(n), `node ${n} changed but is not listed`);
          });
          before = want;
          // Ghosts: pods gone whose samples still count, or whose drop is still to come.
          const ghosts = all.filter(
            (p) =>
              p.lastTick !== Infinity &&
              (p.lastTick >= p.firstTick && p.bytes > 0
                ? p.lastTick + w > probe.ticks
                : p.lastTick + 1 > probe.ticks),
          ).length;
          assert.equal(probe.ghosts, ghosts);
        }
      }
    }),
    { numRuns: 400 },
  );
});

test('a probe window holds at least one tick', () => {
  assert.throws(() => new ProbeWindow(0, 1), /at least one tick/);
});
