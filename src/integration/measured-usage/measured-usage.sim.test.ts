import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SCENARIOS, STEP_SECONDS, expectedPlacements } from './scenarios.js';
import { STARTUP_DELAY_SECONDS, runSimPath } from './sim-path.js';

for (const scenario of SCENARIOS.filter((s) => s.paths.includes('sim'))) {
  test(`simulator (probe model): ${scenario.name}: ${scenario.summary}`, async () => {
    const placed = await runSimPath(scenario);
    let previous = -Infinity;
    scenario.steps.forEach((step, i) => {
      const at = i * STEP_SECONDS;
      if (step.kind === 'submit') {
        const p = placed.get(step.pod.name);
        assert.ok(p !== undefined, `${step.pod.name} has a result row`);
        if (step.expect === 'pending') {
          assert.ok(
            p.start === null || p.start > at + STARTUP_DELAY_SECONDS,
            `${step.pod.name} must not be placed when submitted (started at ${p.start})`,
          );
        } else {
          assert.equal(p.node, step.expect, `${step.pod.name} placed on ${step.expect}`);
          assert.equal(p.start, at + STARTUP_DELAY_SECONDS, `${step.pod.name} placed when submitted`);
        }
      } else if (step.kind === 'placed') {
        const p = placed.get(step.pod);
        assert.equal(p?.node, step.node, `${step.pod} finally placed on ${step.node}`);
        // Placed after the steps before it took effect, and before this step's time.
        assert.ok(
          p.start !== null && p.start > previous && p.start <= at + STARTUP_DELAY_SECONDS,
          `${step.pod} started at ${p.start}, expected in (${previous}, ${at + STARTUP_DELAY_SECONDS}]`,
        );
      }
      previous = at;
    });
    for (const [pod, node] of expectedPlacements(scenario)) assert.equal(placed.get(pod)?.node, node, pod);
  });
}

test('the attacker scenario discriminates: by requests alone, the victim goes to the attacked node', async () => {
  const scenario = SCENARIOS.find((s) => s.name === 'attacker')!;
  const placed = await runSimPath(scenario, 'requests');
  assert.equal(placed.get('victim-1')?.node, 'sgx-a');
  assert.equal(
    placed.get('victim-2')?.node,
    'sgx-b',
    'by requests sgx-a is full after victim-1, sgx-b fits 48 MiB',
  );
});
