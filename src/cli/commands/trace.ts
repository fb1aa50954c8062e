/**
 * `sgx-orchestrator trace stats|export`: look into trace files, and turn them into a workload file.
 */
import { closeSync, createWriteStream, openSync, renameSync, rmSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { parseBytes, parseMillis } from '../../core/index.js';
import type {
  LoadWorkloadOptions,
  MappingOptions,
  ScanProgress,
  TraceFormat,
  WorkloadFormat,
} from '../../trace/index.js';
import {
  TRACE_FORMATS,
  TraceInputError,
  WORKLOAD_FORMATS,
  bundledTracePath,
  formatTraceStats,
  loadWorkload,
  parseUsageModel,
  recordToJson,
  recordToPaperCsv,
  traceStats,
} from '../../trace/index.js';
import type { Command } from '../command.js';
import { CliError } from '../errors.js';

const HELP = `Usage: sgx-orchestrator trace <stats|export> [<file>...] [options]

Reads trace files: Google Borg 2011 tables (task_events, task_usage, job_events, machine_events;
plain .csv or .csv.gz, one part or many: files, folders or globs), the paper's CSV
(start_us,end_us,<any>,requested_fraction,used_fraction), or JSON Lines workloads.
Without files: the bundled Borg slice (data/google-clusterdata-2011-2, task_events).

Subcommands:
  stats     figures about the selection: rows read and skipped (by reason, with examples),
            events per type, distinct jobs, tasks and machines, task placements and censored
            ones, memory request percentiles, time range, rows/s
  export    write the workload the simulator would replay, as our JSON Lines or as the
            paper's CSV (start_us,end_us,job_id,requested_fraction,used_fraction), sorted by
            arrival, byte-identical for the same input and options
`;

const COMMON_OPTIONS = `  --format <f>             input format (default: recognised from the folder name,
                           extension or first line): ${TRACE_FORMATS.join(', ')}
  --from <s>, --to <s>     window of trace time in seconds, [from, to)
  --strict                 stop at the first malformed line (file:line: field N: expected
                           ..., got ...) instead of skipping and counting it`;

const STATS_HELP = `Usage: sgx-orchestrator trace stats [<file>...] [options]

Reads the files once and prints figures about the rows in the window. For task_events, rows
after the window are still read so that placements started in it find their end; placements
still running when the data ends are counted as censored.

Options:
${COMMON_OPTIONS}
  --json                   one JSON object with stable keys (docs/formats.md)
  -h, --help               show this help

Examples:
  sgx-orchestrator trace stats
  sgx-orchestrator trace stats ../traces/task_events/part-00001-of-00500.csv.gz --from 6480 --to 10080
  sgx-orchestrator trace stats '../traces/task_events/*.csv.gz' --json
`;

const EXPORT_HELP = `Usage: sgx-orchestrator trace export [<file>...] --to-format <jsonl|paper-csv> [options]

Writes the workload that the mapping options give (the same records \`simulate\` replays), sorted
by arrival. A summary of the input and mapping goes to stderr.

Options:
  --to-format <f>          jsonl (our workload format, docs/formats.md) or paper-csv
                           (start_us,end_us,job_id,requested_fraction,used_fraction, no header;
                           what the simulator's paper-compatible mode reads)
  -o, --out <file>         output file (default: standard output); written whole or not at all
${COMMON_OPTIONS}
  --window-by <t>          task_events: select placements by submit (default) or start time
  --keep-one-in <n>        keep one in n, in order of arrival: of records, or of jobs with
                           --thin-by job (default 1: keep all)
  --thin-by <record|job>   what --keep-one-in counts: records, like the paper's runner and
                           \`simulate\` (default), or whole jobs (paper CSV: one line in n)
  --sgx-share <p>          share of jobs designated SGX, 0..1 (default 0), drawn per job
  --seed <n>               seed of the SGX designation and of drawn usage (default 1)
  --usage <model>          usage where the trace has none: request (default), ratio:<r>,
                           uniform:<min>:<max> (per-record factor of the request)
  --initial-pods <m>       drop (default) or load the tasks already running when the window
                           begins (time-0 rows of the trace, or placements started before --from)
  --epc-per-unit <bytes>   EPC for a normalised memory of 1.0 (default 23936 pages = 93.5Mi)
  --memory-per-unit <b>    memory for 1.0 (default 32Gi)
  --cpu-per-unit <cpu>     CPU for a normalised CPU request of 1.0 (default 0: no CPU request)
  --keep-zero-memory       keep records whose memory request or usage is 0 (the paper skipped them)
  -h, --help               show this help

Examples:
  sgx-orchestrator trace export --from 6480 --to 10080 --to-format paper-csv -o hour.csv
  sgx-orchestrator trace export ../traces/task_events --from 0 --to 3600 --sgx-share 0.5 \\
      --to-format jsonl -o workload.jsonl
`;

const COMMON = {
  format: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  strict: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function usage(message: string): CliError {
  return new CliError('usage', `${message}\nRun \`sgx-orchestrator trace --help\` for the options.`);
}

function num(flag: string, text: string | undefined, min: number, max = Infinity): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < min || v > max) {
    throw usage(
      `--${flag}: expected a number ${max === Infinity ? `>= ${min}` : `in ${min}..${max}`}, got ${JSON.stringify(text)}`,
    );
  }
  return v;
}

function int(flag: string, text: string | undefined, min: number): number | undefined {
  const v = num(flag, text, min);
  if (v !== undefined && !Number.isInteger(v))
    throw usage(`--${flag}: expected a whole number, got ${JSON.stringify(text)}`);
  return v;
}

function window(values: { from?: string | undefined; to?: string | undefined }): {
  from?: number;
  to?: number;
} {
  const from = num('from', values.from, 0);
  const to = num('to', values.to, 0);
  if (from !== undefined && to !== undefined && to <= from)
    throw usage(`--to (${to}) must be after --from (${from})`);
  return { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
}

function traceFormat(text: string | undefined): TraceFormat | undefined {
  if (text === undefined) return undefined;
  if (!(TRACE_FORMATS as readonly string[]).includes(text)) {
    throw usage(`--format: expected one of ${TRACE_FORMATS.join(', ')}, got ${JSON.stringify(text)}`);
  }
  return text as TraceFormat;
}

function sourcesOf(positionals: readonly string[]): string[] {
  return positionals.length > 0 ? [...positionals] : [bundledTracePath('task_events')];
}

/** A progress line on stderr while reading, only on a terminal, at most four times a second. */
function progressLine(): { onProgress?: (p: ScanProgress) => void; done: () => void } {
  if (process.stderr.isTTY !== true) return { done: () => {} };
  let last = 0;
  let shown = false;
  return {
    onProgress: (p) => {
      const t = Date.now();
      if (t - last < 250) return;
      last = t;
      shown = true;
      const pct = p.bytesTotal > 0 ? Math.floor((100 * p.bytesRead) / p.bytesTotal) : 0;
      process.stderr.write(`\rreading ${basename(p.file)} (${p.fileIndex + 1}/${p.fileCount}) ${pct}%  `);
    },
    done: () => {
      if (shown) process.stderr.write('\r\x1b[K');
    },
  };
}

/** Input errors of the readers become the CLI's `input` errors; the rest is passed on. */
function asCliError(err: unknown): unknown {
  if (err instanceof TraceInputError) return new CliError('input', err.message, { cause: err });
  if (err instanceof RangeError) return new CliError('usage', err.message, { cause: err });
  return err;
}

async function runStats(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(argv, { ...COMMON, json: { type: 'boolean' } });
  if (values['help'] === true) {
    process.stdout.write(STATS_HELP);
    return 0;
  }
  const format = traceFormat(str(values['format']));
  const progress = progressLine();
  try {
    const stats = await traceStats(sourcesOf(positionals), {
      ...(format !== undefined ? { format } : {}),
      ...window({ from: str(values['from']), to: str(values['to']) }),
      strict: values['strict'] === true,
      hooks: progress.onProgress !== undefined ? { onProgress: progress.onProgress } : {},
    });
    progress.done();
    process.stdout.write(
      values['json'] === true ? JSON.stringify(stats, null, 2) + '\n' : formatTraceStats(stats) + '\n',
    );
    return 0;
  } catch (err) {
    progress.done();
    throw asCliError(err);
  }
}

async function runExport(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    ...COMMON,
    'to-format': { type: 'string' },
    out: { type: 'string', short: 'o' },
    'window-by': { type: 'string' },
    'keep-one-in': { type: 'string' },
    'thin-by': { type: 'string' },
    'sgx-share': { type: 'string' },
    seed: { type: 'string' },
    usage: { type: 'string' },
    'initial-pods': { type: 'string' },
    'epc-per-unit': { type: 'string' },
    'memory-per-unit': { type: 'string' },
    'cpu-per-unit': { type: 'string' },
    'keep-zero-memory': { type: 'boolean' },
  });
  if (values['help'] === true) {
    process.stdout.write(EXPORT_HELP);
    return 0;
  }
  const toFormat = str(values['to-format']);
  if (toFormat !== 'jsonl' && toFormat !== 'paper-csv') {
    throw usage(
      `--to-format: expected jsonl or paper-csv, got ${toFormat === undefined ? 'nothing' : JSON.stringify(toFormat)}`,
    );
  }
  const format = traceFormat(str(values['format']));
  if (format !== undefined && !(WORKLOAD_FORMATS as readonly string[]).includes(format)) {
    throw usage(`--format: ${format} holds no workload; use one of ${WORKLOAD_FORMATS.join(', ')}`);
  }
  const choice = <T extends string>(
    flag: string,
    text: string | undefined,
    allowed: readonly T[],
  ): T | undefined => {
    if (text === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(text)) {
      throw usage(`--${flag}: expected one of ${allowed.join(', ')}, got ${JSON.stringify(text)}`);
    }
    return text as T;
  };
  const quantity = (
    flag: string,
    text: string | undefined,
    parseAs: (t: string) => number,
  ): number | undefined => {
    if (text === undefined) return undefined;
    try {
      return parseAs(text);
    } catch (e) {
      throw usage(`--${flag}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  let usageModel: MappingOptions['usage'];
  const usageText = str(values['usage']);
  if (usageText !== undefined) {
    try {
      usageModel = parseUsageModel(usageText);
    } catch (e) {
      throw usage(`--usage: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const defined = <K extends string, V>(k: K, v: V | undefined): Partial<Record<K, V>> =>
    (v === undefined ? {} : { [k]: v }) as Partial<Record<K, V>>;
  const options: LoadWorkloadOptions = {
    ...defined('format', format as WorkloadFormat | undefined),
    ...window({ from: str(values['from']), to: str(values['to']) }),
    ...defined('windowBy', choice('window-by', str(values['window-by']), ['submit', 'start'] as const)),
    ...defined('keepOneIn', int('keep-one-in', str(values['keep-one-in']), 1)),
    // Records by default, as `simulate` thins: the export is the workload it replays.
    thinBy: choice('thin-by', str(values['thin-by']), ['record', 'job'] as const) ?? 'record',
    ...defined('sgxShare', num('sgx-share', str(values['sgx-share']), 0, 1)),
    ...defined('seed', int('seed', str(values['seed']), -(2 ** 31))),
    ...defined('usage', usageModel),
    ...defined('initialPods', choice('initial-pods', str(values['initial-pods']), ['drop', 'load'] as const)),
    ...defined('epcBytesPerUnit', quantity('epc-per-unit', str(values['epc-per-unit']), parseBytes)),
    ...defined('memoryBytesPerUnit', quantity('memory-per-unit', str(values['memory-per-unit']), parseBytes)),
    ...defined('cpuMillisPerUnit', quantity('cpu-per-unit', str(values['cpu-per-unit']), parseMillis)),
    ...(values['keep-zero-memory'] === true ? { skipZeroMemory: false } : {}),
    strict: values['strict'] === true,
  };
  const progress = progressLine();
  const out = str(values['out']);
  const tmp = out !== undefined ? `${out}.${process.pid}.partial` : undefined;
  // Opened now, so that a place that cannot be written is said before the trace is read (a stream
  // opening it later reported the failure as an unhandled error event).
  let fd: number | undefined;
  if (tmp !== undefined) {
    try {
      fd = openSync(tmp, 'w');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? String(err);
      throw new CliError('usage', `--out ${out}: cannot write there (${code}); choose another file`);
    }
  }
  try {
    const workload = loadWorkload(sourcesOf(positionals), {
      ...options,
      ...(progress.onProgress !== undefined ? { hooks: { onProgress: progress.onProgress } } : {}),
    });
    const stream = fd !== undefined ? createWriteStream('', { fd }) : process.stdout;
    // A write to the file that fails later (a full disk) ends the export with that error.
    let failed: Error | undefined;
    if (fd !== undefined) stream.on('error', (err) => (failed = err));
    const line = toFormat === 'jsonl' ? recordToJson : recordToPaperCsv;
    let batch: string[] = [];
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const text = batch.join('\n') + '\n';
      batch = [];
      if (!stream.write(text) && failed === undefined) {
        await new Promise<void>((r) => {
          const go = (): void => {
            stream.off('drain', go);
            stream.off('error', go);
            r();
          };
          stream.once('drain', go);
          stream.once('error', go);
        });
      }
      if (failed !== undefined) throw failed;
    };
    let n = 0;
    for await (const r of workload) {
      batch.push(line(r));
      n++;
      if (batch.length >= 4096) await flush();
    }
    await flush();
    if (failed !== undefined) throw failed;
    if (tmp !== undefined && out !== undefined) {
      await new Promise<void>((resolveEnd, reject) => {
        stream.once('error', reject);
        stream.end(() => resolveEnd());
      });
      renameSync(tmp, out);
    }
    progress.done();
    const p = workload.provenance();
    const skipped = Object.entries(p.skipped)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    process.stderr.write(
      `wrote ${n} records (${toFormat}) to ${out ?? 'standard output'} from ${p.recordsRead} ${p.format} records` +
        ` (${p.recordsInWindow} in the window${skipped !== '' ? `; skipped: ${skipped}` : ''}); usage model: ${p.usageModel}\n`,
    );
    for (const [, c] of Object.entries(workload.issues()))
      for (const e of c.examples) process.stderr.write(`  ${e}\n`);
    return 0;
  } catch (err) {
    progress.done();
    if (fd !== undefined) {
      try {
        closeSync(fd); // the stream closes it only once ended
      } catch {
        // Already closed by the stream.
      }
    }
    if (tmp !== undefined) rmSync(tmp, { force: true });
    throw asCliError(err);
  }
}

type Spec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

function parse(
  argv: readonly string[],
  options: Spec,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options,
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (e) {
    throw usage(e instanceof Error ? e.message : String(e));
  }
}

function str(v: string | boolean | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export const command: Command = {
  name: 'trace',
  summary: 'trace files: figures (stats) and workload files (export to JSON Lines or the paper CSV)',
  help: [HELP, STATS_HELP, EXPORT_HELP].join('\n'),
  subcommands: { stats: STATS_HELP, export: EXPORT_HELP },
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub === 'stats') return runStats(rest);
    if (sub === 'export') return runExport(rest);
    throw usage(
      sub === undefined
        ? 'missing subcommand: stats or export'
        : `unknown subcommand '${sub}': use stats or export`,
    );
  },
};
