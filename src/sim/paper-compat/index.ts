/**
 * Paper-compatible mode: the offline simulator of Vaucher et al. (ICDCS 2018), reproduced byte for byte
 * on stdout and stderr, fast. `sgx-orchestrator simulate --paper-compat` hands its arguments here.
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { PAPER_COMPAT_HELP, parsePaperCompatArgs, usablePages } from './args.js';
import { LineSplitter } from './line-splitter.js';
import { PaperCsvError, PaperCsvReader } from './paper-csv.js';
import type { PaperJobs, PaperCsvSummary } from './paper-csv.js';
import { pythonPercentD } from './python-float.js';
import { OutputError, SinkWriter } from './sink.js';
import type { TextSink } from './sink.js';
import { paperCompatSteps } from './stepper.js';
import type { PaperCompatOutcome } from './stepper.js';

export { PAPER_COMPAT_HELP, parsePaperCompatArgs, usablePages } from './args.js';
export { PaperCsvError, PaperCsvReader, PAPER_PAGES_PER_MACHINE } from './paper-csv.js';
export type { PaperJobs, PaperCsvSummary } from './paper-csv.js';
export { paperCompatSteps } from './stepper.js';
export type { PaperCompatOutcome } from './stepper.js';
export { pythonFloatRepr, pythonRound } from './python-float.js';

export type { TextSink } from './sink.js';
export { OutputError } from './sink.js';

export interface PaperCompatIo {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
}

/** Exit statuses, the same numbers as the command line's usage and input errors. */
const EXIT_USAGE = 2;
const EXIT_INPUT = 3;
/** stdout could not be written (other than the reader closing the pipe, which is a normal end). */
const EXIT_OUTPUT = 1;

/** The stderr line the original prints for each kept job larger than the usable EPC. */
export const TOO_BIG_MESSAGE = 'Job cannot fit in EPC, skipped\n';

/** stderr's first line, printed by the original before it reads the trace. */
export function paperCompatBanner(epcMib: number): string {
  return `${epcMib} MiB -> ${pythonPercentD(usablePages(epcMib))} pages\n`;
}

/** The note printed when the run stops where the original would loop forever (see `PaperCompatOutcome`). */
export function stuckMessage(stuckJobs: number, lastSecond: number): string {
  return (
    `paper-compat: ${stuckJobs} job${stuckJobs === 1 ? '' : 's'} can never be placed ` +
    `(nothing is left to arrive or finish); the original simulator would repeat the last line ` +
    `every second forever, so the output stops at second ${lastSecond}\n`
  );
}

/** Reads a paper CSV from text chunks (sync or async), keeping one line in `skip`. */
export async function readPaperCsv(
  chunks: AsyncIterable<string> | Iterable<string>,
  options: { readonly source: string; readonly skip: number; readonly usablePages: number },
): Promise<{ jobs: PaperJobs; summary: PaperCsvSummary }> {
  const reader = new PaperCsvReader(options.source, options.skip, options.usablePages);
  const splitter = new LineSplitter();
  const onLine = (line: string): void => reader.line(line);
  for await (const chunk of chunks) splitter.push(chunk, onLine);
  splitter.end(onLine);
  return { jobs: reader.jobs(), summary: reader.summary() };
}

/** Writes one message, waiting for the sink to drain when it asks to. */
async function writeTo(sink: TextSink, text: string): Promise<void> {
  const writer = new SinkWriter(sink);
  try {
    await writer.write(text);
  } finally {
    writer.release();
  }
}

function openText(path: string): Readable {
  const raw: Readable = path === '-' ? process.stdin : createReadStream(path);
  const stream = path.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  if (stream !== raw) raw.on('error', (err) => stream.destroy(err));
  stream.setEncoding('utf8');
  return stream;
}

/**
 * Runs the whole mode on already-read jobs: banner and skip messages on stderr, the per-second lines on
 * stdout, and the stuck note when it applies. Resolves to the outcome; rejects with `OutputError` when
 * stdout fails (the simulation stops there).
 */
export async function writePaperCompat(
  jobs: PaperJobs,
  summary: PaperCsvSummary,
  epcMib: number,
  io: PaperCompatIo,
): Promise<PaperCompatOutcome> {
  await writeTo(io.stderr, paperCompatBanner(epcMib) + TOO_BIG_MESSAGE.repeat(summary.tooBig));
  const steps = paperCompatSteps(jobs, usablePages(epcMib));
  const stdout = new SinkWriter(io.stdout);
  try {
    for (;;) {
      const next = steps.next();
      if (next.done === true) {
        if (next.value.stuckJobs > 0) {
          await writeTo(io.stderr, stuckMessage(next.value.stuckJobs, next.value.lastSecond));
        }
        return next.value;
      }
      await stdout.write(next.value);
    }
  } finally {
    stdout.release();
  }
}

/**
 * `simulate --paper-compat [--epc-mib N] [--skip N] <csv>`: parses its own flags, reads the CSV and
 * prints what the original prints. Resolves to the exit status: 0 done (also when the reader of stdout
 * closes it early, as `| head` does), 1 stdout could not be written, 2 bad flags, 3 unreadable input.
 * Never throws for bad flags, input or output.
 */
export async function runPaperCompat(
  argv: readonly string[],
  io: PaperCompatIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  try {
    return await run(argv, io);
  } catch (err) {
    if (!(err instanceof OutputError)) throw err;
    if (err.closed) return 0; // the reader has what it wanted
    await writeTo(io.stderr, `simulate --paper-compat: cannot write the output: ${err.message}\n`);
    return EXIT_OUTPUT;
  }
}

async function run(argv: readonly string[], io: PaperCompatIo): Promise<number> {
  const args = parsePaperCompatArgs(argv);
  if (args.kind === 'help') {
    await writeTo(io.stdout, PAPER_COMPAT_HELP);
    return 0;
  }
  if (args.kind === 'error') {
    await writeTo(io.stderr, `simulate --paper-compat: ${args.message}\nRun with --help for the options.\n`);
    return EXIT_USAGE;
  }
  let read: Awaited<ReturnType<typeof readPaperCsv>>;
  try {
    read = await readPaperCsv(openText(args.path), {
      source: args.path === '-' ? '<stdin>' : args.path,
      skip: args.skip,
      usablePages: usablePages(args.epcMib),
    });
  } catch (err) {
    const message =
      err instanceof PaperCsvError
        ? `${err.message}\nNothing was simulated: fix or remove that line (the file must have no header).`
        : `cannot read ${args.path}: ${err instanceof Error ? err.message : String(err)}`;
    await writeTo(io.stderr, `simulate --paper-compat: ${message}\n`);
    return EXIT_INPUT;
  }
  await writePaperCompat(read.jobs, read.summary, args.epcMib, io);
  return 0;
}
