import { bundledTracePath } from '../../trace/index.js';

/** The bundled slice of the Borg 2011 trace (data/, CC-BY 4.0, see data/README.md). */
export function bundledTraceDir(): string {
  return bundledTracePath();
}

/** The bundled task_events parts (00001 to 00004): the paper's hour lies in part 00001. */
export function bundledTaskEvents(): string {
  return bundledTracePath('task_events');
}

export function bundledMachineEvents(): string {
  return bundledTracePath('machine_events');
}

/** The paper's replay window, trace seconds [6480, 10080). */
export const PAPER_WINDOW = { from: 6480, to: 10_080 } as const;
