import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulate } from './simulation.js';
import type { SimJob } from './job.js';
import { SimInputError } from './job.js';
import { DEFAULT_RUN_CONFIG } from './config.js';
import type { RunConfig } from './config.js';
import { expandCluster } from '../cluster/cluster.js';
import { PAPER_CLUSTER } from '../cluster/builtins.js';
import type { PodRow } from '../results/types.js';

const PAGE = 4096;
const EPC = 23_936 * PAGE; // usable EPC of a paper SGX node
const GiB = 1024 ** 3;
const paper = expandCluster(PAPER_CLUSTER);
/** A fraction of a node's EPC, in whole pages. */
const part = (f: number): number => Math.floor((f * EPC) / PAGE) * PAGE;

/** Exact-arithmetic settings: event-driven scheduler, instant probe, no start-up delay. */
const EXACT: RunConfig = {
  ...DEFAULT_RUN_CONFIG,
  schedulerPeriod: null,
  probe: null,
  startupDelay: 0,
};

function sgxJob(id: string, submit: number, duration: number, request: number, usage = request): SimJob {
  return { id, submit, duration, sgx: true, requestBytes: request, usageBytes: usage, cpuMillis: 0 };
}

function stdJob(id: string, submit: number, duration: number, memory: number): SimJob {
  return { id, submit, duration, sgx: false, requestBytes: memory, usageBytes: memory, cpuMillis: 0 };
}

async function rows(jobs: SimJob[], config: Partial<RunConfig> = {}): Promise<Map<string, PodRow>> {
  const out = await simulate({ cluster: paper, jobs, config: { ...EXACT, ...config } });
  return new Map(out.pods!.map((r) => [r.jobId, r]));
}

test('binpack fills sgx-1 first, then sgx-2, and a pod waits until EPC is released', async () => {
  const r = await rows([
    sgxJob('a', 0, 100, part(0.6)),
    sgxJob('b', 0, 50, part(0.6)),
    sgxJob('c', 10, 10, part(0.6)),
    stdJob('s', 20, 5, 8 * GiB),
  ]);
  assert.equal(r.get('a')!.node, 'sgx-1');
  assert.equal(r.get('b')!.node, 'sgx-2');
  assert.equal(r.get('s')!.node, 'std-1'); // standard pods stay off SGX nodes
  const c = r.get('c')!;
  assert.equal(c.node, 'sgx-2'); // b leaves sgx-2 first, at t = 50
  assert.equal(c.start, 50);
  assert.equal(c.end, 60);
  assert.equal(c.outcome, 'finished');
  assert.equal(c.slowdown, 1);
  assert.equal(c.requestedPages, Math.ceil(part(0.6) / PAGE));
});

test('the scheduler loop runs every 5 s and a bound pod starts after the start-up delay', async () => {
  const r = await rows([sgxJob('a', 1, 10, PAGE)], { schedulerPeriod: 5, startupDelay: 2 });
  const a = r.get('a')!;
  assert.equal(a.start, 7); // placed by the pass at t = 5, running at 7
  assert.equal(a.end, 17);
  assert.equal(a.attempts, 1);
});

test('without enforcement, EPC overcommit slows every SGX pod on the node, rescaled as it changes', async () => {
  // Two pods that each declare one page but use the whole EPC: r = 2 -> slowdown 1 + 5 * 1/2 = 3.5.
  const r = await rows([sgxJob('short', 0, 100, PAGE, EPC), sgxJob('long', 0, 300, PAGE, EPC)], {
    profile: { usage: 'requests' },
  });
  const short = r.get('short')!;
  const long = r.get('long')!;
  assert.equal(short.node, 'sgx-1');
  assert.equal(long.node, 'sgx-1');
  assert.equal(short.end, 350);
  assert.equal(short.slowdown, 3.5);
  // At 350 `long` has done 100 s of work; alone (r = 1) the remaining 200 s run at full speed.
  assert.equal(long.end, 550);
  assert.ok(Math.abs(long.slowdown! - 550 / 300) < 1e-12);
});

test('cgroup enforcement: the pod over its limit pages alone; its honest neighbour runs at full speed', async () => {
  const jobs = [sgxJob('honest', 0, 100, part(0.5)), sgxJob('liar', 0, 100, PAGE, EPC)];
  const none = await rows(jobs, { profile: { usage: 'requests' } });
  const cgroup = await rows(jobs, { profile: { usage: 'requests' }, enforcement: 'cgroup' });
  assert.equal(none.get('honest')!.node, 'sgx-1');
  assert.equal(none.get('liar')!.node, 'sgx-1');
  assert.ok(none.get('honest')!.slowdown! > 2.6); // r = 1.5 -> 1 + 5 / 3
  assert.equal(cgroup.get('honest')!.slowdown, 1);
  assert.ok(cgroup.get('liar')!.slowdown! > 5.9);
});

test('einit enforcement: an enclave over its limit never starts and is given up after the back-offs', async () => {
  const r = await rows([sgxJob('liar', 0, 100, PAGE, 2 * PAGE), sgxJob('ok', 0, 10, PAGE)], {
    enforcement: 'einit',
    maxRestarts: 3,
  });
  const liar = r.get('liar')!;
  assert.equal(liar.outcome, 'failed');
  assert.equal(liar.failureReason, 'enclave-over-limit');
  assert.equal(liar.restarts, 3); // restarted at 10, 30 and 70: the first start is not a restart
  assert.equal(liar.start, null);
  assert.equal(liar.end, 10 + 20 + 40); // refused at 0, 10, 30 and 70
  assert.equal(r.get('ok')!.outcome, 'finished');
  // No restart allowed: given up at its first refusal, never restarted.
  const once = await rows([sgxJob('liar', 0, 100, PAGE, 2 * PAGE)], { enforcement: 'einit', maxRestarts: 0 });
  assert.equal(once.get('liar')!.restarts, 0);
  assert.equal(once.get('liar')!.end, 0);
  assert.equal(once.get('liar')!.outcome, 'failed');
});

test('attackers: one per SGX node; the measured view steers pods away from the attacked EPC', async () => {
  const out = await simulate({
    cluster: paper,
    jobs: [sgxJob('a', 10, 100, part(0.4))],
    config: { ...EXACT, attackerFraction: 0.8 },
  });
  const byId = new Map(out.pods!.map((p) => [p.jobId, p]));
  assert.equal(byId.get('attacker-sgx-1')!.node, 'sgx-1');
  assert.equal(byId.get('attacker-sgx-2')!.node, 'sgx-2');
  assert.equal(byId.get('attacker-sgx-1')!.actualPages, Math.floor(0.8 * 23_936));
  // 0.8 + 0.4 > 1 on both SGX nodes as measured: the pod can never be placed.
  assert.equal(byId.get('a')!.outcome, 'never-placed');
  assert.equal(out.summary.sgx.neverPlaced, 1);
  assert.equal(out.summary.all.pods, 1); // attackers are not workload
  assert.ok(out.summary.refusals.some((x) => x.reason === 'insufficient-epc' && x.nodeRejections >= 2));

  // Counting requests only (the stock scheduler's view), the pod lands on an attacked node and pages.
  const blind = await simulate({
    cluster: paper,
    jobs: [sgxJob('a', 10, 100, part(0.4))],
    config: { ...EXACT, attackerFraction: 0.8, policy: 'sgx-unaware' },
  });
  const a = blind.pods!.find((p) => p.jobId === 'a')!;
  assert.equal(a.outcome, 'finished');
  assert.ok(a.slowdown! > 1.5);
});

test('the probe reports the largest sample of the window: a finished pod still counts for 25 s', async () => {
  const r = await rows(
    [
      sgxJob('first', 0, 10, part(0.6)),
      sgxJob('second', 0, 10, part(0.6)),
      sgxJob('third', 11, 10, part(0.6)),
    ],
    {
      probe: { periodSeconds: 7, windowSeconds: 25 },
    },
  );
  // `first` ends at 10 on sgx-1, but its 0.6 EPC sample (taken at 7) stays in the window until it
  // ages out at 7 + 25 = 32 < 35: `third` waits for the probe tick at 35.
  assert.equal(r.get('third')!.start, 35);
});

test('a pod bigger than any node is never placed, and the run ends', async () => {
  const out = await simulate({
    cluster: paper,
    jobs: [sgxJob('huge', 0, 10, part(2)), stdJob('s', 0, 10, GiB)],
    config: EXACT,
  });
  const huge = out.pods!.find((p) => p.jobId === 'huge')!;
  assert.equal(huge.outcome, 'never-placed');
  assert.equal(huge.node, null);
  assert.equal(out.summary.standard.finished, 1);
});

test('the horizon cuts running pods', async () => {
  const r = await rows([sgxJob('long', 0, 1000, PAGE)], { horizon: 100 });
  assert.equal(r.get('long')!.outcome, 'failed');
  assert.equal(r.get('long')!.failureReason, 'cut-at-horizon');
});

test('jobs out of submit order are refused, naming the job', async () => {
  await assert.rejects(
    simulate({ cluster: paper, jobs: [sgxJob('x', 5, 1, PAGE), sgxJob('y', 4, 1, PAGE)], config: EXACT }),
    /job y: submit: jobs must come in submit order/,
  );
});

test('amounts that are not exact whole numbers are refused, naming the job and the field', async () => {
  const run = (job: SimJob): Promise<unknown> => simulate({ cluster: paper, jobs: [job], config: EXACT });
  await assert.rejects(
    run(sgxJob('y', 0, 1, 1e30)),
    (e: unknown) =>
      e instanceof SimInputError &&
      e.message ===
        'job y: requestBytes: expected a whole number from 0 to 2^53 - 1 (bytes or millicores), got 1e+30',
  );
  await assert.rejects(
    run(sgxJob('z', 0, 1, PAGE, 1.5)),
    /^SimInputError: job z: usageBytes: expected a whole number from 0 to 2\^53 - 1 \(bytes or millicores\), got 1\.5$/,
  );
  await assert.rejects(
    run({ ...stdJob('c', 0, 1, PAGE), cpuMillis: 2 ** 53 }),
    /job c: cpuMillis: expected a whole number from 0 to 2\^53 - 1 .*got 9007199254740992$/,
  );
});

test('same jobs, config and seed: identical results (spread draws from the seeded rng)', async () => {
  const jobs: SimJob[] = [];
  let x = 12345;
  for (let i = 0; i < 400; i++) {
    x = (x * 48271) % 2147483647;
    const sgx = x % 3 === 0;
    jobs.push(
      sgx
        ? sgxJob(`j${i}`, i * 2, 10 + (x % 200), (x % 5000) * PAGE)
        : stdJob(`j${i}`, i * 2, 10 + (x % 300), (x % 64) * 64 * 1024 * 1024),
    );
  }
  const config = { ...DEFAULT_RUN_CONFIG, policy: 'spread', seed: 7, attackerFraction: 0.3 };
  const a = await simulate({ cluster: paper, jobs, config });
  const b = await simulate({ cluster: paper, jobs, config });
  assert.equal(JSON.stringify(a), JSON.stringify(b));
  assert.equal(a.summary.all.pods, 400);
  assert.equal(a.summary.all.finished + a.summary.all.failed + a.summary.all.neverPlaced, 400);
});

test('no pod ever finishes early: rescaled finish events of a freed slot never end its next pod', async () => {
  const jobs: SimJob[] = [];
  let x = 99;
  for (let i = 0; i < 300; i++) {
    x = (x * 48271) % 2147483647;
    jobs.push(sgxJob(`j${i}`, i * 3, 5 + (x % 120), PAGE, (x % 12_000) * PAGE));
  }
  const out = await simulate({
    cluster: paper,
    jobs,
    config: { ...EXACT, profile: { usage: 'requests' }, attackerFraction: 0.5 },
  });
  const finished = out.pods!.filter((p) => p.outcome === 'finished' && !p.attacker);
  assert.equal(finished.length, 300);
  for (const p of finished) assert.ok(p.slowdown! >= 1 - 1e-9, `${p.jobId} slowdown ${p.slowdown}`);
  assert.ok(finished.some((p) => p.slowdown! > 1.5)); // the attack did slow pods down
});
