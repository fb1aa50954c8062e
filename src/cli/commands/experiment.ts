/**
 * `sgx-orchestrator experiment <spec.yaml> [--out dir] [--shard i/n]`: runs a sweep described in a
 * file (policy, SGX share, EPC size, attacker fraction, enforcement, cluster, seed) on worker
 * threads, or one shard of it (a Kubernetes Indexed Job runs shard $JOB_COMPLETION_INDEX).
 */
import { resolve } from 'node:path';
import { loadExperimentFile } from '../../sim/index.js';
import type { Command } from '../command.js';
import { parseFlags, usageWithHint } from '../flags.js';
import { asCliError, runAndReport } from './simulate.js';

const HELP = `Usage: sgx-orchestrator experiment <spec.yaml> [options]

Runs every combination of the values the spec sweeps (policy, sgxShare, epcMiB, attackerFraction,
enforcement, cluster, seed), in parallel on worker threads, and writes one results set: results.json,
pods/<run>.csv and report.html. The format of spec files is in docs/simulator.md; experiments/ holds
the specs that reproduce the paper's evaluation.

Options:
  -o, --out <dir>        results folder (default ./sgx-results/<experiment name>)
      --shard <i/n>      run only shard i (0-based) of n: runs whose index mod n is i. Writes
                         results.shard-<i>-of-<n>.json (no report); for Kubernetes Indexed Jobs,
                         see deploy/experiment-job/
  -j, --jobs <n>         worker threads (default: CPU count)
      --json             print the results JSON on stdout instead of the table
      --no-report        do not write report.html

Examples:
  sgx-orchestrator experiment experiments/paper-waiting-times.yaml
  sgx-orchestrator experiment experiments/paper-attack.yaml --shard 0/4 --out /results/shard-0
`;

const usage = usageWithHint('experiment');

/** Parses `i/n` (0 <= i < n). */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (m === null || count < 1 || index >= count) {
    throw usage(`--shard: expected i/n with 0 <= i < n (e.g. 0/4), got ${JSON.stringify(text)}`);
  }
  return { index, count };
}

export const command: Command = {
  name: 'experiment',
  summary: 'run a sweep from a spec file (policies, SGX shares, EPC sizes, attackers...), shardable',
  help: HELP,
  async run(argv: readonly string[]): Promise<number> {
    const parsed = parseFlags(
      argv,
      {
        out: { type: 'string', short: 'o' },
        shard: { type: 'string' },
        jobs: { type: 'string', short: 'j' },
        json: { type: 'boolean' },
        'no-report': { type: 'boolean' },
      },
      usage,
      true,
    );
    const [file, ...extra] = parsed.positionals;
    if (file === undefined) throw usage('expected the path of an experiment spec (YAML or JSON)');
    if (extra.length > 0) throw usage(`expected one spec file, got ${parsed.positionals.length}`);
    const v = parsed.values;
    // Flags first: a bad flag is reported before any file is read.
    const shard = v.shard === undefined ? undefined : parseShard(v.shard);
    const jobs = v.jobs === undefined ? undefined : Number(v.jobs);
    if (jobs !== undefined && !(Number.isInteger(jobs) && jobs >= 1))
      throw usage(`--jobs: expected a whole number >= 1, got ${v.jobs}`);
    let def;
    try {
      def = loadExperimentFile(file);
    } catch (err) {
      throw asCliError(err);
    }
    return runAndReport(def, {
      outDir: resolve(v.out ?? `sgx-results/${def.name.replace(/[^A-Za-z0-9._-]/g, '_')}`),
      json: v.json === true,
      report: v['no-report'] !== true,
      jobs,
      ...(shard === undefined ? {} : { shard }),
    });
  },
};
