import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

function removeAll(): void {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
  made.length = 0;
}

/**
 * A new folder under the system's temporary directory, named `<prefix>XXXXXX`, removed with
 * everything in it when the process exits. `node --test` runs each test file in a process of its
 * own, so a test run leaves nothing behind, whether its tests pass or fail.
 */
export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (made.length === 0) process.once('exit', removeAll);
  made.push(dir);
  return dir;
}
