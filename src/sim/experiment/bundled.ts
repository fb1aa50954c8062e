import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (the folder with package.json above this compiled file). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the sgx-orchestrator package root');
    dir = up;
  }
  return dir;
}

/** The bundled slice of the Borg 2011 trace (data/, CC-BY 4.0, see data/README.md). */
export function bundledTraceDir(): string {
  return join(packageRoot(), 'data', 'google-clusterdata-2011-2');
}

/** The bundled task_events parts (00001 to 00004): the paper's hour lies in part 00001. */
export function bundledTaskEvents(): string {
  return join(bundledTraceDir(), 'task_events');
}

export function bundledMachineEvents(): string {
  return join(bundledTraceDir(), 'machine_events');
}

/** The paper's replay window, trace seconds [6480, 10080). */
export const PAPER_WINDOW = { from: 6480, to: 10_080 } as const;
