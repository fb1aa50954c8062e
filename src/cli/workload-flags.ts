/**
 * The workload mapping flags shared by `simulate` and `replay` (window, thinning, usage model,
 * format), so that both commands read a trace into the same pods.
 */
import { resolve } from 'node:path';
import { WORKLOAD_FORMATS, parseUsageModel } from '../trace/index.js';
import type { WorkloadFormat } from '../trace/index.js';
import { mainJobDefinition } from '../sim/index.js';
import type { WorkloadSpec } from '../sim/index.js';
import { CliError } from './errors.js';

/** parseArgs options of the workload flags. */
export const WORKLOAD_FLAG_OPTIONS = {
  from: { type: 'string' },
  to: { type: 'string' },
  'keep-one-in': { type: 'string' },
  'thin-by': { type: 'string' },
  usage: { type: 'string' },
  'initial-pods': { type: 'string' },
  format: { type: 'string' },
} as const;

/** Help lines of the workload flags (same text in every command). */
export const WORKLOAD_FLAG_HELP = `  --from <s>, --to <s>       replayed window in trace seconds (default 6480..10080 for the bundled
                             trace; the whole input for your files)
  --keep-one-in <n>          keep one record in n (default 20 for the bundled trace, else 1)
  --thin-by <record|job>     what --keep-one-in counts: records, like the paper's runner (default),
                             or whole Borg jobs
  --usage <model>            usage where the trace has none: request, ratio:<r>, uniform:<a>:<b>
  --initial-pods <drop|load> tasks already running when the window begins: left out (default), or
                             loaded as pods arriving at the window start with the rest of their run
  --format <format>          ${WORKLOAD_FORMATS.join(', ')} (default: recognised per file)`;

/** A usage error that points at the command's help. */
export function flagError(command: string, message: string): CliError {
  return new CliError('usage', `${message}\nRun \`sgx-orchestrator ${command} --help\` for the options.`);
}

/** A number flag (accepts `50%` as 0.5) within [min, max]. */
export function numberFlag(command: string, flag: string, text: string, min: number, max = Infinity): number {
  const percent = text.endsWith('%');
  const v = Number(percent ? text.slice(0, -1) : text) / (percent ? 100 : 1);
  if (text.trim() === '' || !Number.isFinite(v) || v < min || v > max) {
    throw flagError(
      command,
      `--${flag}: expected a number${max === Infinity ? ` >= ${min}` : ` in ${min}..${max}`}, got ${JSON.stringify(text)}`,
    );
  }
  return v;
}

/** A whole-number flag >= min. */
export function integerFlag(command: string, flag: string, text: string, min: number): number {
  const v = numberFlag(command, flag, text, min);
  if (!Number.isInteger(v))
    throw flagError(command, `--${flag}: expected a whole number, got ${JSON.stringify(text)}`);
  return v;
}

/**
 * The workload the flags describe: the bundled Borg hour (paper window, one record in 20) when no
 * trace is given, else the given traces whole and unthinned unless the flags say otherwise.
 */
export function workloadFromFlags(
  command: string,
  str: (flag: keyof typeof WORKLOAD_FLAG_OPTIONS) => string | undefined,
  traces: readonly string[],
): WorkloadSpec {
  const main = mainJobDefinition();
  const bundled = traces.length === 0;
  const from = str('from');
  const to = str('to');
  const keep = str('keep-one-in');
  const fmt = str('format');
  if (fmt !== undefined && !(WORKLOAD_FORMATS as readonly string[]).includes(fmt)) {
    throw flagError(
      command,
      `--format: expected one of ${WORKLOAD_FORMATS.join(', ')}, got ${JSON.stringify(fmt)}`,
    );
  }
  const thinBy = str('thin-by');
  if (thinBy !== undefined && thinBy !== 'job' && thinBy !== 'record') {
    throw flagError(command, `--thin-by: expected record or job, got ${JSON.stringify(thinBy)}`);
  }
  const initialPods = str('initial-pods');
  if (initialPods !== undefined && initialPods !== 'drop' && initialPods !== 'load') {
    throw flagError(command, `--initial-pods: expected drop or load, got ${JSON.stringify(initialPods)}`);
  }
  const usageModel = str('usage');
  if (usageModel !== undefined) {
    try {
      parseUsageModel(usageModel);
    } catch (e) {
      throw flagError(command, `--usage: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const window = {
    ...(from !== undefined
      ? { from: numberFlag(command, 'from', from, 0) }
      : bundled
        ? { from: main.workload.from! }
        : {}),
    ...(to !== undefined
      ? { to: numberFlag(command, 'to', to, 0) }
      : bundled
        ? { to: main.workload.to! }
        : {}),
  };
  if (window.from !== undefined && window.to !== undefined && !(window.to > window.from)) {
    const defaulted = bundled && (from === undefined || to === undefined);
    throw flagError(
      command,
      `--from ${window.from} --to ${window.to}: the window must end after it starts` +
        (defaulted
          ? ` (the bundled trace's window is --from ${main.workload.from} --to ${main.workload.to})`
          : ''),
    );
  }
  return {
    sources: bundled ? main.workload.sources : traces.map((t) => resolve(t)),
    ...window,
    keepOneIn:
      keep !== undefined
        ? integerFlag(command, 'keep-one-in', keep, 1)
        : bundled
          ? main.workload.keepOneIn
          : 1,
    thinBy: thinBy === 'job' ? ('job' as const) : ('record' as const),
    ...(fmt === undefined ? {} : { format: fmt as WorkloadFormat }),
    ...(usageModel === undefined ? {} : { usage: usageModel }),
    ...(initialPods === undefined ? {} : { initialPods }),
  };
}
