import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BorgTable } from './borg/schema.js';

/**
 * The package root, found from this module's own location (src/ when run from sources, dist/src/
 * when compiled, node_modules/sgx-orchestrator/dist/src when installed): never from the current
 * directory, so the bundled data is found wherever the command is run.
 */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === 'sgx-orchestrator')
          return dir;
      } catch {
        // not our package.json: keep walking up
      }
    }
    const up = dirname(dir);
    if (up === dir)
      throw new Error(`the sgx-orchestrator package root is not above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** Name of the bundled data set (a folder of data/ with one subfolder per table, official file names). */
export const BUNDLED_TRACE_NAME = 'google-clusterdata-2011-2';

/**
 * The bundled slice of the Google cluster-usage trace 2011 (CC-BY 4.0, see data/README.md):
 * task_events and job_events parts 00001 to 00004 (trace time 5,611 s to about 24,000 s, holding the
 * paper's hour 6,480-10,080 s) and the whole machine_events table. With a table, that table's folder.
 */
export function bundledTracePath(table?: BorgTable): string {
  const root = join(packageRoot(), 'data', BUNDLED_TRACE_NAME);
  return table === undefined ? root : join(root, table);
}
