/** For tests and benchmarks only: an io pair that keeps what the mode writes, as text. */
import type { PaperCompatIo } from '../index.js';

export interface CollectingIo extends PaperCompatIo {
  /** Everything written so far. */
  text(): { stdout: string; stderr: string };
}

function asText(chunk: string | Uint8Array): string {
  return typeof chunk === 'string'
    ? chunk
    : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length).toString('latin1');
}

export function collectingIo(): CollectingIo {
  let stdout = '';
  let stderr = '';
  return {
    stdout: {
      write: (chunk: string | Uint8Array) => {
        stdout += asText(chunk);
        return true;
      },
    },
    stderr: {
      write: (chunk: string | Uint8Array) => {
        stderr += asText(chunk);
        return true;
      },
    },
    text: () => ({ stdout, stderr }),
  };
}
