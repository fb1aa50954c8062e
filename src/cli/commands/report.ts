/**
 * `sgx-orchestrator report <results> [--out file.html] [--compare other-results]`: renders saved
 * results (what `simulate`, `experiment` and the live replay write) as one self-contained HTML page.
 */
import { readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { renderReport } from '../../report/index.js';
import { mergeShards } from '../../report/merge-shards.js';
import { ResultsFormatError, validateResults } from '../../report/validate.js';
import type { ExperimentResult } from '../../sim/results/types.js';
import type { Command } from '../command.js';
import { CliError } from '../errors.js';
import { parseFlags, usageWithHelp } from '../flags.js';

/** File name of the results JSON inside a results directory. */
export const RESULTS_FILE = 'results.json';
/** File name of the report written beside the results by default. */
export const REPORT_FILE = 'report.html';

const HELP = `Usage: sgx-orchestrator report <results> [options]

Renders saved results as one self-contained HTML page (inline SVG plots and data tables; no
network access, no external fonts or scripts): policy comparison, waiting-time and turnaround
distributions, pending queue over time, EPC sizes, attackers, per-node utilisation, slowdown
from paging and refused placements. Figures whose data the results do not have are left out,
with a note saying why.

<results> is a results directory written by \`simulate\`, \`experiment\` or the live replay
(it holds ${RESULTS_FILE}), or the path of such a JSON file. A directory holding only the
shard files of \`experiment --shard i/n\` (results.shard-<i>-of-<n>.json) gets one report
of all its shards; missing shards are named in a warning. Shards are counted from 0, as in
--shard i/n and the file names.

Options:
  -o, --out <file.html>     where to write the report (default: <results>/${REPORT_FILE})
  -c, --compare <results>   draw a second results set over the first (e.g. a live replay
                            against its simulation): solid lines for the first, dashed for
                            the second, both in every table
      --labels <a,b>        names of the two sets in comparison mode (default: their
                            experiment names)
      --title <text>        page title
  -h, --help                show this help

Examples:
  sgx-orchestrator report ./sgx-results
  sgx-orchestrator report ./live-results --compare ./sgx-results --labels live,simulated
`;

/** Shard files of `experiment --shard i/n`. */
const SHARD_FILE = /^results\.shard-\d+-of-\d+\.json$/;

/** The results JSON files of a path: the file itself, a directory's results.json, or its shards. */
function resultsFiles(path: string): string[] {
  const abs = resolve(path);
  let isDir: boolean;
  try {
    isDir = statSync(abs).isDirectory();
  } catch {
    throw new CliError(
      'input',
      `${path}: no such file or directory. Pass a results directory written by \`simulate\` or \`experiment\` (they print its path).`,
    );
  }
  if (!isDir) return [abs];
  const whole = join(abs, RESULTS_FILE);
  let names: string[] = [];
  try {
    names = readdirSync(abs);
  } catch {
    // Unreadable directory: reading results.json below says so.
  }
  if (names.includes(RESULTS_FILE)) return [whole];
  const shards = names.filter((n) => SHARD_FILE.test(n)).sort();
  return shards.length > 0 ? shards.map((n) => join(abs, n)) : [whole];
}

/** Line and column of a character offset, for JSON syntax errors. */
function lineColumn(text: string, offset: number): string {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return `line ${line}, column ${offset - last}`;
}

/**
 * Reads and checks a results set: a directory holding `results.json` (or only the shard files of
 * `experiment --shard`, which are joined, with a warning when some are missing), or a JSON file.
 * Errors name the file and the bad field, and say what was expected.
 */
export function readResultsDir(path: string): { file: string; results: ExperimentResult } {
  const files = resultsFiles(path);
  const shards = files.map((f) => {
    const { results } = readResultsFile(f);
    return { source: f, results };
  });
  // A whole sweep's results: nothing to join. A shard, even alone, goes through the join, which
  // finds the shards that are missing.
  if (shards.length === 1 && shards[0]!.results.shard.count === 1) {
    return { file: files[0]!, results: shards[0]!.results };
  }
  let merged;
  try {
    merged = mergeShards(shards);
  } catch (err) {
    throw new CliError('input', err instanceof Error ? err.message : String(err));
  }
  if (merged.missingShards.length > 0) {
    const count = merged.results.totalRuns;
    const missing = merged.missingShards;
    process.stderr.write(
      `warning: ${path}: shard${missing.length === 1 ? '' : 's'} ${missing.join(', ')} of ${
        shards[0]!.results.shard.count
      } missing (shards counted from 0, as in --shard i/n and results.shard-<i>-of-<n>.json); the report shows ${
        merged.results.runs.length
      } of ${count} runs\n`,
    );
  }
  return { file: files[0]!, results: merged.results };
}

function readResultsFile(file: string): { file: string; results: ExperimentResult } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new CliError(
      'input',
      `${file}: cannot read it. A results directory holds ${RESULTS_FILE}; run \`sgx-orchestrator simulate\` or \`experiment\` to write one.`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const at = /position (\d+)/.exec(message);
    const where = at === null ? '' : ` (${lineColumn(text, Number(at[1]))})`;
    throw new CliError('input', `${file}: not valid JSON${where}: ${message}`);
  }
  try {
    return { file, results: validateResults(parsed) };
  } catch (err) {
    if (err instanceof ResultsFormatError) {
      throw new CliError('input', `${file}: not a results file of sgx-orchestrator: ${err.message}`);
    }
    throw err;
  }
}

function parseLabels(value: string | undefined): readonly [string, string] | undefined {
  if (value === undefined) return undefined;
  const parts = value.split(',').map((s) => s.trim());
  if (parts.length !== 2 || parts.some((p) => p === '')) {
    throw new CliError(
      'usage',
      `--labels expects two names separated by a comma (e.g. --labels live,simulated), got '${value}'`,
    );
  }
  return [parts[0]!, parts[1]!];
}

function sizeOf(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}

export const command: Command = {
  name: 'report',
  summary: 'render saved results as a self-contained HTML report with plots',
  help: HELP,
  async run(argv) {
    const { values, positionals } = parseFlags(
      argv,
      {
        out: { type: 'string', short: 'o' },
        compare: { type: 'string', short: 'c' },
        labels: { type: 'string' },
        title: { type: 'string' },
      },
      usageWithHelp(HELP),
      true,
    );
    if (positionals.length !== 1) {
      throw new CliError(
        'usage',
        `expected one results directory, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}\n\n${HELP}`,
      );
    }
    const labels = parseLabels(values.labels);
    if (labels !== undefined && values.compare === undefined) {
      throw new CliError('usage', '--labels names the two sets of a comparison: give --compare too');
    }
    const primary = readResultsDir(positionals[0]!);
    const other = values.compare === undefined ? undefined : readResultsDir(values.compare);
    const html = renderReport(primary.results, {
      ...(other === undefined ? {} : { compare: other.results }),
      ...(labels === undefined ? {} : { labels }),
      ...(values.title === undefined ? {} : { title: values.title }),
    });
    const out = resolve(values.out ?? join(dirname(primary.file), REPORT_FILE));
    // Write beside the target and rename, so an interrupted run never leaves half a report.
    const tmp = join(dirname(out), `.${basename(out)}.${process.pid}.tmp`);
    try {
      writeFileSync(tmp, html);
      renameSync(tmp, out);
    } catch (err) {
      throw new CliError(
        'input',
        `cannot write the report to ${out}: ${err instanceof Error ? err.message : String(err)}. Choose another place with --out.`,
      );
    }
    process.stdout.write(`Report written to ${out} (${sizeOf(Buffer.byteLength(html))})\n`);
    return 0;
  },
};
