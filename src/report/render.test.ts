import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type {
  Distribution,
  ExperimentResult,
  ExperimentRun,
  PodClassSummary,
  RunResult,
} from '../sim/results/types.js';
import { renderReport } from './index.js';
import { sampleResults } from './sample-results.js';

/** The rows of every table, as arrays of cell texts (tags stripped, entities decoded). */
function tableRows(html: string): string[][] {
  const rows: string[][] = [];
  for (const tr of html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)) {
    const cells = [...tr[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) =>
      c[1]!
        .replace(/<span class="sr">[\s\S]*?<\/span>/g, '')
        .replace(/<[^>]+>/g, '')
        .replace(/★/g, '')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&amp;/g, '&')
        .trim(),
    );
    rows.push(cells);
  }
  return rows;
}

function figures(html: string): string[] {
  return [...html.matchAll(/<figure class="fig" data-figure="([^"]+)"/g)].map((m) => m[1]!);
}

/** A copy of a results set with one run's result changed. */
function withRun(
  results: ExperimentResult,
  index: number,
  change: (r: RunResult) => RunResult,
): ExperimentResult {
  const runs: ExperimentRun[] = results.runs.map((run, i) =>
    i === index ? { ...run, result: change(run.result) } : run,
  );
  return { ...results, runs };
}

/** A copy in which every pod of every run started (no waiting time covers only part of its class). */
function allStarted(results: ExperimentResult): ExperimentResult {
  return {
    ...results,
    runs: results.runs.map((run) => {
      const s = run.result.summary;
      const started = (c: PodClassSummary): PodClassSummary => ({
        ...c,
        neverPlaced: 0,
        waiting: { ...c.waiting, count: c.waiting.count === 0 ? 0 : c.pods },
      });
      return {
        ...run,
        result: {
          ...run.result,
          summary: { ...s, all: started(s.all), sgx: started(s.sgx), standard: started(s.standard) },
        },
      };
    }),
  };
}

/** The HTML of one section of a page. */
function section(html: string, id: string): string {
  const start = html.indexOf(`<section id="${id}">`);
  assert.ok(start >= 0, `section ${id}`);
  return html.slice(start, html.indexOf('</section>', start));
}

/** A distribution of `count` values all equal to `v`, as the simulator summarises it. */
function constant(count: number, v: number): Distribution {
  return {
    count,
    mean: v,
    min: v,
    p50: v,
    p90: v,
    p95: v,
    p99: v,
    max: v,
    percentiles: Array.from({ length: 101 }, () => v),
  };
}

const main = sampleResults({ policies: ['binpack', 'spread'], sgxShares: [0.25, 0.75] });

describe('renderReport', () => {
  it('renders one self-contained page: no script, no external resource, every section present', () => {
    const html = renderReport(main);
    assert.ok(html.startsWith('<!doctype html>'));
    assert.ok(html.endsWith('</html>\n'));
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /\s(src|href)="(https?:)?\/\//i);
    assert.doesNotMatch(html, /@import|url\(\s*['"]?https?:/i);
    for (const id of [
      'comparison',
      'waiting',
      'turnaround',
      'pending-queue',
      'utilisation',
      'slowdown',
      'refusals',
    ]) {
      assert.match(html, new RegExp(`<section id="${id}">`), id);
    }
    assert.deepEqual(
      figures(html).filter((f) => !f.startsWith('utilisation-')),
      ['waiting', 'turnaround', 'pending-epc', 'pending-count', 'slowdown', 'refusals'],
    );
    assert.equal(figures(html).filter((f) => f.startsWith('utilisation-')).length, main.runs.length);
  });

  it('is deterministic: the same results (even re-parsed from JSON) give the same bytes', () => {
    const a = renderReport(main);
    const b = renderReport(JSON.parse(JSON.stringify(main)) as ExperimentResult);
    assert.equal(a, b);
  });

  it('puts the numbers of the results in the tables, and marks the best value of each column', () => {
    const results = withRun(allStarted(main), 0, (r) => ({
      ...r,
      summary: {
        ...r.summary,
        all: { ...r.summary.all, waiting: { ...r.summary.all.waiting, p50: 0.5, p95: 1234.5, p99: 98765 } },
      },
    }));
    const rows = tableRows(renderReport(results));
    // First group (SGX 25 %): binpack is run 0.
    const binpack = rows.find((r) => r[0] === 'binpack' && r[2] === '0.5');
    assert.ok(binpack, 'binpack row with the changed median');
    assert.deepEqual(binpack.slice(2, 5), ['0.5', '1,235', '98,765']);
    const html = renderReport(results);
    assert.match(
      html,
      /<td class="num best">0\.5<span class="star" aria-hidden="true">★<\/span><span class="sr">\(best\)<\/span><\/td>/,
    );
    // Pending queue table: the peak is the maximum of the full series, not of the drawn one.
    const q = main.runs[1]!.result.summary.pendingQueue;
    const peak = Math.max(...q.count);
    const queueRow = tableRows(renderReport(main)).find(
      (r) => r[0] === 'spread · SGX 25 %' && r.length === 8,
    );
    assert.ok(queueRow);
    assert.equal(queueRow[1], String(q.t.length));
    assert.equal(queueRow[2], peak.toLocaleString('en-US'));
  });

  it('with a single policy, summarises every run in one table and marks nothing best', () => {
    const html = renderReport(sampleResults({ policies: ['spread'], sgxShares: [0, 1] }));
    assert.match(html, /<h2>Summary per run<\/h2>/);
    assert.match(html, /These results have one policy \(spread\), so no value is marked best/);
    assert.doesNotMatch(html, /class="num best"/);
    const labels = tableRows(html).map((r) => r[0]);
    assert.ok(labels.includes('SGX 0 %') && labels.includes('SGX 100 %'));
  });

  it('leaves out figures whose data is absent, with a note saying why', () => {
    const html = renderReport(main);
    assert.ok(!figures(html).some((f) => f.startsWith('attack')));
    assert.ok(!figures(html).includes('epc-sizes'));
    assert.match(html, /No run has attackers/);
    assert.match(html, /do not vary the EPC size/);
    assert.match(
      html,
      /Not in this report \(no data in these results\): Pending queue for several EPC sizes; Effect of attackers/,
    );

    const noRefusals: ExperimentResult = {
      ...main,
      runs: main.runs.map((run) => ({
        ...run,
        result: { ...run.result, summary: { ...run.result.summary, refusals: [] } },
      })),
    };
    const h2 = renderReport(noRefusals);
    assert.ok(!figures(h2).includes('refusals'));
    const unplaced = noRefusals.runs.reduce((n, r) => n + r.result.summary.all.neverPlaced, 0);
    assert.ok(unplaced > 0);
    // Pods never placed did not find a node at their first attempt: the note must not say they did.
    assert.match(h2, new RegExp(`yet ${unplaced} pods were never placed`));
    assert.doesNotMatch(h2, /No placement was refused in any run: every pod found a node/);

    const allPlaced: ExperimentResult = {
      ...noRefusals,
      runs: noRefusals.runs.map((run) => ({
        ...run,
        result: {
          ...run.result,
          summary: {
            ...run.result.summary,
            all: { ...run.result.summary.all, neverPlaced: 0 },
          },
        },
      })),
    };
    assert.match(
      renderReport(allPlaced),
      /No placement was refused in any run: every pod found a node at its first attempt/,
    );
  });

  it('draws the attack and EPC-size figures when the sweep has them', () => {
    const attack = renderReport(
      sampleResults({ policies: ['binpack'], attackerFractions: [0, 0.5], enforcements: ['none', 'cgroup'] }),
    );
    assert.ok(figures(attack).includes('attack-median-waiting-time'));
    const rows = tableRows(attack).filter((r) => r[1] === 'cgroup' || r[1] === 'none');
    assert.equal(rows.length, 4);
    const epc = renderReport(sampleResults({ epcMiBs: [64, 128] }));
    assert.ok(figures(epc).includes('epc-sizes'));
    assert.match(epc, /EPC sizes 64 MiB, 128 MiB/);
  });

  it('escapes every string that comes from the results', () => {
    const evil = '<script>alert(1)</script>';
    const results = sampleResults({
      name: evil,
      description: '"><img src=x onerror=alert(2)>',
      policies: ['a<b>', "c'd"],
    });
    const renamed = {
      ...results,
      runs: results.runs.map((run) => ({
        ...run,
        result: {
          ...run.result,
          meta: {
            ...run.result.meta,
            trace: { ...run.result.meta.trace, sources: ['</td><script>x</script>'] },
          },
          summary: {
            ...run.result.summary,
            utilisation: {
              ...run.result.summary.utilisation,
              nodes: run.result.summary.utilisation.nodes.map((n) => ({ ...n, node: `<i>${n.node}</i>` })),
            },
          },
        },
      })),
    };
    const html = renderReport(renamed);
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /<img/i);
    assert.doesNotMatch(html, /<i>sgx/);
    assert.doesNotMatch(html, /<b>/);
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(html, /a&lt;b&gt;/);
  });

  it('overlays a second results set in comparison mode: both in the tables, dashed lines for the second', () => {
    const live = sampleResults({ name: 'live', seed: 5 });
    const sim = sampleResults({ name: 'simulated', seed: 6 });
    const html = renderReport(live, { compare: sim });
    assert.match(html, /<title>sgx-orchestrator results: live compared with simulated<\/title>/);
    assert.match(html, /stroke-dasharray="6,3"/);
    // The header has one column per set and marks the parameters that differ.
    assert.match(
      html,
      /<tr class="differs"><th scope="row">Seeds <span class="differs"[^>]*>≠<\/span><\/th><td>5<\/td><td>6<\/td><\/tr>/,
    );
    assert.match(
      html,
      /<tr><th scope="row">Trace<\/th><td>data\/borg-hour\.jsonl\.gz<\/td><td>data\/borg-hour\.jsonl\.gz<\/td><\/tr>/,
    );
    const policies = tableRows(html).map((r) => r[0]);
    for (const p of ['live: binpack', 'live: spread', 'simulated: binpack', 'simulated: spread'])
      assert.ok(policies.includes(p), p);
    // Labels given by the caller win; equal names get told apart.
    assert.match(renderReport(live, { compare: sim, labels: ['real', 'sim'] }), /real compared with sim/);
    assert.match(renderReport(live, { compare: live }), /live \(A\) compared with live \(B\)/);
  });

  it('handles an empty results set and runs without SGX pods', () => {
    const empty: ExperimentResult = { ...main, runs: [], totalRuns: 0 };
    const html = renderReport(empty);
    assert.match(html, /These results hold no runs/);
    const noSgx = renderReport(sampleResults({ sgxShares: [0] }));
    assert.ok(figures(noSgx).includes('waiting'));
    assert.match(noSgx, /No run has a slowdown value for SGX pods/);
  });

  it('keeps a month-long run light: series are downsampled for drawing', () => {
    const long = sampleResults({ policies: ['spread'], samples: 50_000, nodes: 300, perNodeLimit: 100 });
    const html = renderReport(long, { maxPoints: 300 });
    assert.ok(html.length < 200_000, `report of ${html.length} bytes`);
    // The table still counts every sample.
    assert.ok(tableRows(html).some((r) => r[1] === '50,000'));
  });

  it('counts late arrivals and ends of streamed inputs when there are any', () => {
    assert.doesNotMatch(renderReport(main), /Streamed input/);
    const late = withRun(main, 1, (r) => ({ ...r, summary: { ...r.summary, lateArrivals: 3, lateEnds: 1 } }));
    assert.match(
      renderReport(late),
      /Streamed input: over all runs, 3 pods arrived after their submit time and 1 ended later than it should have/,
    );
  });

  it('reports the wall-clock time when known', () => {
    assert.match(renderReport(sampleResults({ wallMs: 1500 })), /3 s \(sum over runs\)/);
    assert.match(renderReport(main, { wallMs: 95_000 }), /<td>95 s<\/td>/);
    assert.match(renderReport(main), /<td>not in the results \(results files leave it out/);
  });
  it('colours every series through the colour scale, even an enforcement mode named none', () => {
    const onlyNone = sampleResults({
      policies: ['spread'],
      attackerFractions: [0, 0.5, 1],
      enforcements: ['none'],
    });
    const attack = section(renderReport(onlyNone), 'attack');
    assert.doesNotMatch(attack, /stroke="none"/);
    // `none` has its fixed colour, vermillion.
    assert.match(attack, /stroke="#D55E00"/);
  });

  it('gives policies and enforcement modes fixed colours, and lays facets out in sweep order', () => {
    const spreadOnly = renderReport(sampleResults({ policies: ['spread'] }));
    const both = renderReport(sampleResults({ policies: ['spread', 'binpack'] }));
    // spread is orange and binpack blue, whichever comes first and whatever else was run.
    for (const html of [spreadOnly, both]) assert.match(section(html, 'waiting'), /stroke="#E69F00"/);
    assert.match(section(both, 'waiting'), /stroke="#0072B2"/);
    assert.doesNotMatch(section(spreadOnly, 'waiting'), /stroke="#0072B2"/);

    const attack = renderReport(
      sampleResults({
        policies: ['spread'],
        attackerFractions: [0, 1],
        enforcements: ['none', 'einit', 'cgroup'],
      }),
    );
    const waiting = section(attack, 'waiting');
    const at = (label: string): number => waiting.indexOf(`>${label}<`);
    assert.ok(at('enforcement none') >= 0);
    assert.ok(at('enforcement none') < at('enforcement einit'), 'none before einit');
    assert.ok(at('enforcement einit') < at('enforcement cgroup'), 'einit before cgroup');
    // Three modes, three line styles: lines that coincide stay visible.
    const plot = section(attack, 'attack');
    for (const dash of ['9,4', '2,2.5']) assert.match(plot, new RegExp(`stroke-dasharray="${dash}"`));
  });

  it('marks figures over only the pods that started, in the plots and in the tables', () => {
    const base = sampleResults({
      policies: ['spread'],
      attackerFractions: [0, 1],
      enforcements: ['none', 'cgroup'],
    });
    const stuck = base.runs.findIndex(
      (r) => r.result.meta.attackerFraction === 1 && r.result.meta.enforcement === 'none',
    );
    const results = withRun(allStarted(base), stuck, (r) => {
      const sgx = r.summary.sgx;
      return {
        ...r,
        summary: {
          ...r.summary,
          sgx: {
            ...sgx,
            finished: 1,
            failed: 0,
            neverPlaced: sgx.pods - 1,
            waiting: constant(1, 5.5),
            turnaround: constant(1, 300),
            slowdown: constant(1, 1.2),
          },
        },
      };
    });
    const pods = results.runs[stuck]!.result.summary.sgx.pods;
    const html = renderReport(results);
    const attack = section(html, 'attack');
    assert.match(attack, new RegExp(`only 1 of ${pods} honest SGX pods started`));
    assert.match(attack, new RegExp(`>1 of ${pods}<`));
    // Hollow marker: a white fill.
    assert.match(attack, /fill="white"/);
    const row = tableRows(attack).find((r) => r[0] === 'attack 100 % · enforcement none');
    assert.ok(row);
    assert.equal(row[7], '5.5 *');
    assert.match(attack, /\* Some honest SGX pods of that run never started/);
    // The CDF is a share of every pod of the class: the stuck run's curve tops out at 1 of them.
    const waiting = section(html, 'waiting');
    assert.match(waiting, new RegExp(`only 1 of ${pods} SGX pods started`));
    assert.match(waiting, /Share of all pods of the class/);
    const cdfRow = tableRows(waiting).find(
      (r) => r[0] === 'attack 100 % · enforcement none' && r[1] === 'SGX pods',
    );
    assert.ok(cdfRow);
    assert.deepEqual(cdfRow.slice(2, 5), [String(pods), '1', '5.5 *']);
    // The summary table marks the stuck run's SGX waiting time too.
    assert.ok(tableRows(section(html, 'comparison')).some((r) => r.includes('5.5 *')));
  });

  it('gives an axis over equal values a span and readable ticks', () => {
    const idle = allStarted(sampleResults({ policies: ['binpack'], sgxShares: [0] }));
    const zero: ExperimentResult = {
      ...idle,
      runs: idle.runs.map((run) => {
        const q = run.result.summary.pendingQueue;
        return {
          ...run,
          result: {
            ...run.result,
            summary: {
              ...run.result.summary,
              pendingQueue: { ...q, epcRequestedBytes: q.t.map(() => 0) },
            },
          },
        };
      }),
    };
    const pending = section(renderReport(zero), 'pending-queue');
    assert.doesNotMatch(pending, />-?\d+\.\d{4,}</, 'no tick with many decimals');
    assert.match(pending, />1\.0</, 'the empty EPC axis spans 0 to 1');
    // A single attacker fraction still gets an axis from 0 to 100 %.
    const one = renderReport(
      sampleResults({ policies: ['binpack'], sgxShares: [1], attackerFractions: [1] }),
    );
    assert.doesNotMatch(section(one, 'attack'), />-?\d+\.\d{4,}</);
    assert.match(section(one, 'attack'), />0</);
  });

  it('says what the pending queue and the refusals count', () => {
    const html = renderReport(main);
    assert.match(section(html, 'pending-queue'), /still waiting after each scheduler pass/);
    assert.match(section(html, 'refusals'), /counted once under each reason they met/);
  });

  it('writes a note in an empty facet instead of leaving it blank', () => {
    const html = renderReport(sampleResults({ policies: ['binpack', 'spread'], sgxShares: [0, 0.5] }));
    assert.match(section(html, 'waiting'), />no SGX pods in these runs</);
    const allSgx = renderReport(sampleResults({ policies: ['binpack'], epcMiBs: [64, 128], sgxShares: [1] }));
    assert.match(section(allSgx, 'waiting'), />no standard pods in this run</);
  });
  it('says what the header knows: horizon or none, each cluster once, shards counted from 0', () => {
    const noHorizon = renderReport({
      ...main,
      runs: main.runs.map((run) => ({
        ...run,
        result: { ...run.result, meta: { ...run.result.meta, horizonSet: false } },
      })),
    });
    assert.match(
      noHorizon,
      /<th scope="row">Horizon<\/th><td>none \(each run went on until every pod had ended or could never be placed\): makespan 60 min<\/td>/,
    );
    const epc = renderReport(sampleResults({ epcMiBs: [64, 128] }));
    const cluster = /<th scope="row">Cluster<\/th><td>([^<]*)<\/td>/.exec(epc)?.[1] ?? '';
    assert.equal(cluster.split('paper:').length, 2, `one cluster: ${cluster}`);
    const shard = renderReport({ ...main, shard: { index: 1, count: 2 }, runs: main.runs.slice(0, 2) });
    assert.match(shard, /<td>2 of 4 \(shard 1 of 2, counted from 0 as in --shard 1\/2\)<\/td>/);
  });

  it('writes grammatical notes', () => {
    const unslowed = withRun(sampleResults({ policies: ['spread'] }), 0, (r) => ({
      ...r,
      summary: { ...r.summary, sgx: { ...r.summary.sgx, slowdown: constant(r.summary.sgx.finished, 1) } },
    }));
    assert.match(renderReport(unslowed), /no SGX pod was slowed down by paging in any run/);
  });
});
