/**
 * The live path of the shared scenarios, with the real parts: node agents (child processes) read
 * pod cgroups from host trees copied from the fixtures (misc controller with `sgx_epc`); a real
 * Prometheus scrapes them every second; the scheduler polls Prometheus with the product's queries
 * (windows shortened to 3 s) and places pods through the fake API server. Each step waits, with a
 * deadline, for the state it needs rather than sleeping.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeView } from '../../core/index.js';
import { prometheusUsage } from '../../k8s/usage/index.js';
import { k8sNode, k8sPod, startFakeApiServer } from '../../testing/fake-apiserver/index.js';
import type { FakeApiServer } from '../../testing/fake-apiserver/index.js';
import { profileOf, testScheduler } from '../../testing/fake-apiserver/scheduler-harness.js';
import {
  AgentProcess,
  HostTree,
  prometheusOrSkip,
  startPrometheus,
  type PrometheusServer,
} from '../../testing/prometheus/index.js';
import { MIB, SCENARIOS, settledUsage, type Scenario } from './scenarios.js';

/** EPC window of the queries (the product's 25 s, shortened). */
const WINDOW_SECONDS = 3;
/** Staleness bound: well above the normal age (agent 250 ms + scrape 1 s + poll 250 ms). */
const MAX_AGE_MS = 5000;
const POLL_MS = 250;
const STEP_DEADLINE_MS = 20_000;

async function until<T>(
  what: string,
  probe: () => T | undefined | false,
  deadlineMs = STEP_DEADLINE_MS,
): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function podScheduledFalse(api: FakeApiServer, name: string): boolean {
  const status = api.state.pod('default', name)?.['status'] as
    { conditions?: { type: string; status: string; reason?: string }[] } | undefined;
  return (status?.conditions ?? []).some(
    (c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable',
  );
}

async function runLive(scenario: Scenario, binary: string): Promise<void> {
  const cleanups: (() => Promise<void> | void)[] = [];
  let prom: PrometheusServer | undefined;
  const agents = new Map<string, AgentProcess>();
  try {
    const api = await startFakeApiServer();
    cleanups.push(() => api.close());
    for (const n of scenario.nodes) api.state.create('nodes', k8sNode(n.name, { epc: `${n.epcMiB}Mi` }));
    const trees = new Map<string, HostTree>();
    for (const n of scenario.nodes) {
      const tree = new HostTree('sgx-misc-systemd');
      cleanups.push(() => tree.remove());
      trees.set(n.name, tree);
      const agent = new AgentProcess(n.name, tree);
      cleanups.push(() => agent.stop());
      agents.set(n.name, agent);
    }
    await Promise.all([...agents.values()].map((a) => a.start()));
    prom = await startPrometheus({
      binary,
      jobs: [{ jobName: 'sgx-node-agent', targets: [...agents.values()].map((a) => a.address) }],
      scrapeIntervalSeconds: 1,
    });
    const p = prom;
    cleanups.push(() => p.close());

    const scheduler = testScheduler(api, {
      profile: profileOf({ policy: scenario.policy, usage: 'measured', measuredMaxAge: MAX_AGE_MS }),
      usage: {
        source: prometheusUsage({ url: prom.url, epcWindowSeconds: WINDOW_SECONDS, timeoutMs: 1000 }),
        intervalMs: POLL_MS,
        maxAgeMs: MAX_AGE_MS,
      },
    });
    cleanups.push(() => scheduler.stop());
    await scheduler.start();

    const placements = new Map<string, string>();
    const uids = new Map<string, string>();
    const ended = new Set<string>();
    let prometheusDown = false;
    const hung = new Set<string>();
    const view = (node: string): NodeView | undefined => scheduler.cache.snapshot.node(node);
    const age = (node: string): number => {
      const m = view(node)?.measured;
      return m === undefined ? Infinity : Date.now() - m.epcAt;
    };
    const unavailable = (node: string): boolean => prometheusDown || hung.has(node);

    /** Every node's measured EPC is what its pods use (fresh), or stale where measurement is out. */
    let staleGauge = -1;
    const settle = async (): Promise<void> => {
      const expected = settledUsage(scenario, placements, ended);
      await until(
        `measured usage ${JSON.stringify(Object.fromEntries([...expected].map(([n, b]) => [n, b / MIB])))} MiB`,
        () =>
          scenario.nodes.every((n) =>
            unavailable(n.name)
              ? age(n.name) > MAX_AGE_MS
              : age(n.name) <= MAX_AGE_MS && view(n.name)?.measured?.epcBytes === expected.get(n.name),
          ),
      );
      // The scheduler's own account (log, metric) agrees: it is taken at each poll, so wait for one.
      const out = scenario.nodes.filter((n) => unavailable(n.name)).length;
      staleGauge = -1;
      await until(`the scheduler to count ${out} nodes on requests`, () => {
        void scheduler.metrics.staleNodes.get().then((m) => (staleGauge = m.values[0]?.value ?? 0));
        return staleGauge === out;
      });
    };

    const bindingOf = (pod: string) => api.state.bindings.find((b) => b.name === pod);
    const onPlaced = (pod: string, node: string, usageMiB: number): void => {
      const b = bindingOf(pod)!;
      assert.equal(b.node, node, `${scenario.name}: ${pod} placed on ${node}`);
      placements.set(pod, node);
      uids.set(pod, b.uid);
      // Its enclaves start: the kernel accounts their EPC in the pod's misc cgroup.
      trees.get(node)!.setUsage(b.uid, usageMiB * MIB);
    };
    const usageOf = (pod: string): number => {
      for (const s of scenario.steps) if (s.kind === 'submit' && s.pod.name === pod) return s.pod.usageMiB;
      throw new Error(`no pod ${pod} in ${scenario.name}`);
    };

    await settle();
    for (const step of scenario.steps) {
      switch (step.kind) {
        case 'submit': {
          await settle();
          const fallback = scenario.nodes.some((n) => unavailable(n.name));
          api.state.create('pods', k8sPod(step.pod.name, { epc: `${step.pod.requestMiB}Mi` }));
          if (step.expect === 'pending') {
            await until(`${step.pod.name} unschedulable`, () => podScheduledFalse(api, step.pod.name));
            assert.equal(bindingOf(step.pod.name), undefined, `${step.pod.name} must stay pending`);
            const message = (
              api.state.pod('default', step.pod.name)?.['status'] as { conditions?: { message?: string }[] }
            ).conditions?.[0]?.message;
            assert.match(message ?? '', /epc/i, `the reason names EPC: ${message}`);
          } else {
            await until(`${step.pod.name} bound`, () => bindingOf(step.pod.name));
            onPlaced(step.pod.name, step.expect, step.pod.usageMiB);
            if (fallback) {
              // The decision trace says why requests were used.
              const notes = scheduler.log.lines.find(
                (l) => l.msg === 'decision notes' && l.fields['pod'] === `default/${step.pod.name}`,
              )?.fields['notes'];
              assert.match(JSON.stringify(notes), /measured usage older than .* requests used there instead/);
            }
          }
          break;
        }
        case 'placed':
          await until(`${step.pod} bound`, () => bindingOf(step.pod));
          onPlaced(step.pod, step.node, usageOf(step.pod));
          break;
        case 'end': {
          const node = placements.get(step.pod)!;
          api.state.delete('pods', step.pod, { namespace: 'default', gracePeriodSeconds: 0 });
          trees.get(node)!.removePod(uids.get(step.pod)!);
          ended.add(step.pod);
          break;
        }
        case 'prometheus-down':
          await prom.stop();
          prometheusDown = true;
          await settle();
          assert.ok(
            scheduler.log.lines.some((l) => l.msg.startsWith('measured usage poll failed')),
            'the failed polls are logged',
          );
          break;
        case 'prometheus-up':
          await prom.start();
          prometheusDown = false;
          break;
        case 'prometheus-hang':
          prom.freeze();
          prometheusDown = true;
          await settle();
          assert.ok(
            scheduler.log.lines.some(
              (l) =>
                l.msg.startsWith('measured usage poll failed') &&
                /timeout|abort/i.test(String(l.fields['error'])),
            ),
            'the polls end at their deadline',
          );
          break;
        case 'prometheus-resume':
          prom.thaw();
          prometheusDown = false;
          break;
        case 'agent-hang':
          agents.get(step.node)!.freeze();
          hung.add(step.node);
          await settle();
          break;
        case 'agent-resume':
          agents.get(step.node)!.thaw();
          hung.delete(step.node);
          break;
        default: {
          const never: never = step;
          throw new Error(`unknown step ${JSON.stringify(never)}`);
        }
      }
    }
    await settle();

    const outage = scenario.steps.some(
      (s) => s.kind === 'prometheus-down' || s.kind === 'prometheus-hang' || s.kind === 'agent-hang',
    );
    if (outage) {
      // Said in a log line and in the metrics as well.
      assert.ok(scheduler.log.lines.some((l) => l.msg.startsWith('measured usage missing or stale')));
      // The gauge said so during each outage (settle() waits for it); the counter keeps the history.
      const fallbacks = await scheduler.metrics.usageFallbacks.get();
      assert.ok(
        fallbacks.values.reduce((sum, v) => sum + v.value, 0) >= 1,
        `fallbacks are counted: ${JSON.stringify(fallbacks.values)}`,
      );
      assert.ok(scheduler.log.lines.some((l) => l.msg === 'measured usage fresh again'));
      const stale = await scheduler.metrics.staleNodes.get();
      assert.equal(stale.values[0]?.value, 0, 'every node is fresh again at the end');
    }
    for (const b of api.state.bindings)
      assert.equal(api.state.bindCount('default', b.name), 1, `${b.name} bound once`);
  } catch (err) {
    const logs = [...agents.values()]
      .map((a) => `--- agent ${a.node}\n${a.output().slice(-1500)}`)
      .join('\n');
    throw new Error(
      `${(err as Error).message}\n--- prometheus\n${prom?.output().slice(-1500) ?? ''}\n${logs}`,
      { cause: err },
    );
  } finally {
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch {
        // best effort: every process is stopped, every folder removed
      }
    }
  }
}

for (const scenario of SCENARIOS.filter((s) => s.paths.includes('live'))) {
  test(
    `live (agents, Prometheus, scheduler): ${scenario.name}: ${scenario.summary}`,
    { timeout: 90_000 },
    async (t) => {
      const binary = prometheusOrSkip((m) => t.skip(m));
      if (binary === undefined) return;
      await runLive(scenario, binary);
    },
  );
}
