import { basename } from 'node:path';
import { GzipStreamError, openBytes } from './io/bytes.js';
import { tableFromPath } from './io/sources.js';
import { TraceInputError } from './issues.js';

/** Every file format the readers know. */
export type TraceFormat =
  'task_events' | 'task_usage' | 'job_events' | 'machine_events' | 'paper-csv' | 'jsonl';
export const TRACE_FORMATS: readonly TraceFormat[] = [
  'task_events',
  'task_usage',
  'job_events',
  'machine_events',
  'paper-csv',
  'jsonl',
];

export function isTraceFormat(s: string): s is TraceFormat {
  return (TRACE_FORMATS as readonly string[]).includes(s);
}

/** The first line of a file (decompressed), at most 64 KiB of it. */
async function firstLine(file: string): Promise<string> {
  let head = Buffer.alloc(0);
  try {
    for await (const chunk of openBytes(file)) {
      head = Buffer.concat([head, chunk]);
      if (head.indexOf(10) >= 0 || head.length >= 65536) break;
    }
  } catch (err) {
    // The loop stops at the first newline, so a broken stream means no complete line to judge by.
    if (err instanceof GzipStreamError) throw unreadableGzip(file, err);
    throw err;
  }
  const nl = head.indexOf(10);
  return head.toString('utf8', 0, nl < 0 ? head.length : nl).replace(/\r$/, '');
}

/** A gzip file whose stream breaks before its first line ends: nothing of it can be read. */
function unreadableGzip(file: string, err: GzipStreamError): TraceInputError {
  const what =
    err.kind === 'truncated-gzip'
      ? 'the gzip data ends early, before its first complete line (truncated file?)'
      : `the gzip data is damaged before its first complete line: ${err.message}`;
  return new TraceInputError(`${file}: ${what}; nothing of it can be read: fetch the file again`, {
    reason: err.kind,
    file,
    line: 1,
    expected: 'a complete gzip stream',
    got: err.message,
  });
}

/** A Borg table recognised by its field count (and, for 6 fields, a non-numeric platform hash). */
export function formatFromFirstLine(line: string): TraceFormat | undefined {
  const t = line.trimStart();
  if (t.startsWith('{')) return 'jsonl';
  const fields = line.split(',');
  const numeric = (s: string | undefined): boolean => s !== undefined && s !== '' && !Number.isNaN(Number(s));
  switch (fields.length) {
    case 13:
      return 'task_events';
    case 20:
      return 'task_usage';
    case 8:
      if (!numeric(fields[4]) && numeric(fields[2]) && numeric(fields[3])) return 'job_events';
      break;
    case 6:
      if (!numeric(fields[3]) && numeric(fields[1]) && numeric(fields[2])) return 'machine_events';
      break;
  }
  if (
    fields.length >= 5 &&
    numeric(fields[0]) &&
    numeric(fields[1]) &&
    numeric(fields[3]) &&
    numeric(fields[4])
  ) {
    return 'paper-csv';
  }
  return undefined;
}

/**
 * The format of a file: its folder name for Borg tables (`.../task_events/part-...`), its extension
 * for JSON Lines, otherwise its first line.
 */
export async function detectFormat(file: string): Promise<TraceFormat> {
  const table = tableFromPath(file);
  if (table !== undefined && isTraceFormat(table)) return table;
  if (/\.(jsonl|ndjson)(\.gz)?$/i.test(basename(file))) return 'jsonl';
  const line = await firstLine(file);
  if (line.length === 0) throw new TraceInputError(`${file}: the file is empty`);
  const format = formatFromFirstLine(line);
  if (format === undefined) {
    throw new TraceInputError(
      `${file}: cannot tell the format from its first line ${JSON.stringify(line.slice(0, 80))}; ` +
        `pass --format (${TRACE_FORMATS.join(', ')})`,
    );
  }
  return format;
}

/** One format for all files: the given one, or the detected one, which must then agree. */
export async function formatOfAll(files: readonly string[], given?: TraceFormat): Promise<TraceFormat> {
  if (given !== undefined) return given;
  let found: TraceFormat | undefined;
  let foundIn = '';
  for (const file of files) {
    const f = await detectFormat(file);
    if (found !== undefined && f !== found) {
      throw new TraceInputError(
        `${file} looks like ${f} but ${foundIn} looks like ${found}: read one format at a time`,
      );
    }
    found = f;
    foundIn = file;
  }
  if (found === undefined) throw new TraceInputError('no input files given');
  return found;
}
