import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import type { ReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { ZlibOptions } from 'node:zlib';
import { TraceInputError } from '../issues.js';

/** Plain files are read in large chunks: fewer callbacks, and the scanner never copies a chunk. */
const READ_CHUNK = 1 << 20;
/** Decompressed chunk size; zlib inflates in the thread pool, on the other core, while we scan. */
const GUNZIP_CHUNK = 1 << 20;
/** Decompressed bytes zlib may hold ready ahead of the scanner, so that neither waits for the other. */
const GUNZIP_READ_AHEAD = 4 << 20;

/** The compressed stream ended early or is not gzip: the part of the file before it stays usable. */
export class GzipStreamError extends Error {
  readonly kind: 'truncated-gzip' | 'corrupt-gzip';
  constructor(kind: 'truncated-gzip' | 'corrupt-gzip', message: string) {
    super(message);
    this.name = 'GzipStreamError';
    this.kind = kind;
  }
}

/** True when the file starts with the gzip magic bytes (whatever its name says). */
export function isGzipFile(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(2);
    return readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/** Filled in by `openBytes` while it reads, for progress display. */
export interface ByteProgress {
  /** Bytes of the file on disk read so far (compressed bytes for gzip). */
  fileBytesRead: number;
}

/**
 * The decompressed bytes of a file, plain or gzip, as a stream of chunks. Memory stays at a few
 * chunks whatever the file size. Gzip errors surface as `GzipStreamError` after every byte that could
 * be decompressed has been yielded; a file that cannot be opened is a `TraceInputError`.
 */
export async function* openBytes(file: string, progress?: ByteProgress): AsyncGenerator<Buffer> {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new TraceInputError(`${file}: not a regular file`);
    size = st.size;
  } catch (err) {
    if (err instanceof TraceInputError) throw err;
    throw new TraceInputError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  if (size === 0) return;
  const gz = isGzipFile(file);
  const raw: ReadStream = createReadStream(file, { highWaterMark: gz ? GUNZIP_CHUNK : READ_CHUNK });
  if (!gz) {
    for await (const chunk of raw) {
      if (progress !== undefined) progress.fileBytesRead = raw.bytesRead;
      yield chunk as Buffer;
    }
    return;
  }
  const gunzip = createGunzip({ chunkSize: GUNZIP_CHUNK, highWaterMark: GUNZIP_READ_AHEAD } as ZlibOptions);
  raw.on('error', (err) => gunzip.destroy(err));
  raw.pipe(gunzip);
  try {
    for await (const chunk of gunzip) {
      if (progress !== undefined) progress.fileBytesRead = raw.bytesRead;
      yield chunk as Buffer;
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'Z_BUF_ERROR') {
      throw new GzipStreamError(
        'truncated-gzip',
        'the compressed data ends before the end of the gzip stream',
      );
    }
    if (code === 'Z_DATA_ERROR') {
      throw new GzipStreamError('corrupt-gzip', `invalid gzip data (${(err as Error).message})`);
    }
    throw err;
  } finally {
    raw.destroy();
  }
}
