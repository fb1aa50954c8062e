/**
 * The report in a real browser: Debian's chromium, driven by playwright-core, opens rendered reports
 * from file URLs and checks that they load without console errors or network requests and that every
 * figure drew marks. Screenshots land in test-artifacts/ (git-ignored) for a human to look at.
 * Without chromium the test is skipped, except in CI (CI set), where it fails.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';
import { repoPath } from '../testing/paths.js';
import { renderReport } from './index.js';
import { sampleResults } from './sample-results.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = repoPath('test-artifacts');
const missing = !existsSync(CHROMIUM);
if (missing && process.env.CI !== undefined) {
  throw new Error(
    `${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium), as .ci/run does`,
  );
}
const skip = missing
  ? `skipped: ${CHROMIUM} not found (apt-get install -y chromium to run the browser test)`
  : false;

/** Marks of Observable Plot that draw data (as opposed to axes, grids and frames). */
const DATA_MARKS = ['line', 'rect', 'bar', 'dot', 'area', 'cell'];

interface PageCheck {
  readonly errors: string[];
  readonly requests: string[];
  readonly figures: { name: string; marks: number; svgs: number }[];
}

describe('report in a browser', { skip }, () => {
  let context: BrowserContext;
  let profile: string;

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    profile = mkdtempSync(join(tmpdir(), 'sgx-report-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1200, height: 900 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  after(async () => {
    await context?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  async function open(name: string, html: string): Promise<PageCheck> {
    const file = join(ARTIFACTS, `report-${name}.html`);
    writeFileSync(file, html);
    const url = pathToFileURL(file).href;
    const page = await context.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    page.on('request', (r) => {
      if (r.url() !== url) requests.push(r.url());
    });
    await page.goto(url, { waitUntil: 'load' });
    const figures = await page.$$eval(
      'figure.fig',
      (nodes, marks) =>
        nodes.map((f) => ({
          name: f.getAttribute('data-figure') ?? '?',
          svgs: f.querySelectorAll('svg').length,
          marks: marks
            .map((m) => f.querySelectorAll(`g[aria-label="${m}"] > *`).length)
            .reduce((a, b) => a + b, 0),
        })),
      DATA_MARKS,
    );
    // The whole page of the main report (what researchers see first); the top of the others.
    await page.screenshot({ path: join(ARTIFACTS, `report-${name}.png`), fullPage: name === 'main' });
    await page.close();
    return { errors, requests, figures };
  }

  function assertClean(check: PageCheck, expected: readonly string[]): void {
    assert.deepEqual(check.errors, [], 'console errors');
    assert.deepEqual(check.requests, [], 'network requests besides the report file');
    assert.ok(check.figures.length > 0, 'no figure found');
    for (const f of check.figures) {
      assert.ok(f.svgs > 0, `figure ${f.name} has no SVG`);
      assert.ok(f.marks > 0, `figure ${f.name} drew no marks`);
    }
    const names = check.figures.map((f) => f.name);
    for (const e of expected) assert.ok(names.includes(e), `figure ${e} missing (have ${names.join(', ')})`);
  }

  it('renders the main job sweep (policies x SGX shares) with every figure drawn', async () => {
    const results = sampleResults({
      policies: ['binpack', 'spread', 'sgx-unaware'],
      sgxShares: [0, 0.25, 0.5, 0.75, 1],
    });
    const check = await open('main', renderReport(results));
    assertClean(check, [
      'waiting',
      'turnaround',
      'pending-epc',
      'pending-count',
      'utilisation-0',
      'slowdown',
      'refusals',
    ]);
  });

  it('renders the attack sweep and the EPC-size sweep', async () => {
    const attack = sampleResults({
      policies: ['binpack', 'spread'],
      attackerFractions: [0, 0.25, 0.5],
      enforcements: ['none', 'einit', 'cgroup'],
    });
    assertClean(await open('attack', renderReport(attack)), ['attack-median-waiting-time']);
    const epc = sampleResults({ epcMiBs: [32, 64, 128, 256] });
    assertClean(await open('epc-sizes', renderReport(epc)), ['epc-sizes']);
  });

  it('renders a comparison of two results sets and a cluster too big for per-node series', async () => {
    const live = sampleResults({ name: 'live', seed: 2, sgxShares: [0.25, 0.75] });
    const sim = sampleResults({ name: 'simulated', seed: 3, sgxShares: [0.25, 0.75] });
    assertClean(await open('compare', renderReport(live, { compare: sim })), ['waiting', 'pending-epc']);
    const big = sampleResults({
      policies: ['spread'],
      nodes: 500,
      perNodeLimit: 100,
      samples: 20_000,
      pods: 50_000,
    });
    assertClean(await open('big-cluster', renderReport(big)), ['utilisation-0']);
  });
  it('draws every line in a visible colour, keeps tick labels inside their plots and labels log axes', async () => {
    // Only the enforcement mode `none`, one SGX share and an empty EPC queue: the cases where
    // colours were taken as CSS values and axes collapsed to a point.
    const results = sampleResults({
      policies: ['binpack', 'spread', 'sgx-unaware'],
      sgxShares: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
      attackerFractions: [0, 1],
      enforcements: ['none'],
    });
    const file = join(ARTIFACTS, 'report-axes.html');
    writeFileSync(file, renderReport(results));
    const page = await context.newPage();
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const found = await page.$$eval('figure.fig', (figures) =>
      figures.map((f) => {
        const svgs = [...f.querySelectorAll('svg')];
        const clipped: string[] = [];
        let invisible = 0;
        for (const svg of svgs) {
          const box = svg.getBoundingClientRect();
          for (const t of svg.querySelectorAll('g[aria-label$="tick label"] text')) {
            const r = t.getBoundingClientRect();
            if (r.left < box.left - 0.5 || r.right > box.right + 0.5) clipped.push(t.textContent ?? '');
          }
          for (const p of svg.querySelectorAll('g[aria-label="line"] path')) {
            if (p.ownerDocument.defaultView?.getComputedStyle(p).stroke === 'none') invisible++;
          }
        }
        const xTicks = svgs.flatMap((svg) =>
          [...svg.querySelectorAll('g[aria-label="x-axis tick label"] text')].map((t) => t.textContent),
        );
        return { name: f.getAttribute('data-figure') ?? '?', clipped, invisible, xTicks };
      }),
    );
    await page.screenshot({ path: join(ARTIFACTS, 'report-axes.png'), fullPage: true });
    await page.close();
    for (const f of found) {
      assert.deepEqual(f.clipped, [], `${f.name}: tick labels outside the plot`);
      assert.equal(f.invisible, 0, `${f.name}: lines without a stroke`);
    }
    // Eleven columns of waiting-time panels on a log axis: each panel labels at least two ticks.
    const waiting = found.find((f) => f.name === 'waiting');
    assert.ok(waiting);
    assert.ok(waiting.xTicks.length >= 2 * 11, `log ticks: ${waiting.xTicks.join(' ')}`);
  });
});
