import { resolveSources } from '../io/sources.js';
import { IssueLog } from '../issues.js';
import type { CsvRow } from '../scan/csv-row.js';
import { readRows } from '../scan/scan-files.js';
import type { BorgReadOptions } from './task-events.js';
import { MACHINE_EVENTS as F } from './schema.js';

/** One machine_events row. Capacities are normalised to the largest machine (1.0). */
export interface MachineEvent {
  readonly file: string;
  readonly line: number;
  readonly timeUs: number;
  readonly machineId: number;
  /** 0 ADD, 1 REMOVE, 2 UPDATE. */
  readonly eventType: number;
  readonly platformId: string;
  /** NaN when absent (REMOVE rows usually have none). */
  readonly cpus: number;
  readonly memory: number;
}

/** Decodes one row; undefined (after reporting to `log`) when unusable. */
export function decodeMachineEvent(row: CsvRow, log: IssueLog): MachineEvent | undefined {
  if (!row.expectFields(log, F.fields)) return undefined;
  const timeUs = row.needInt(F.time, log, 'a time in microseconds >= 0', 0, 'negative-time');
  if (Number.isNaN(timeUs)) return undefined;
  const machineId = row.needInt(F.machineId, log, 'a machine ID (integer >= 0)', 0);
  if (Number.isNaN(machineId)) return undefined;
  const eventType = row.needInt(
    F.eventType,
    log,
    'a machine event type (0 ADD, 1 REMOVE, 2 UPDATE)',
    0,
    'unknown-event',
  );
  if (Number.isNaN(eventType)) return undefined;
  if (eventType > 2) {
    row.fail(log, 'unknown-event', F.eventType, 'a machine event type (0 ADD, 1 REMOVE, 2 UPDATE)');
    return undefined;
  }
  const cpus = row.optFloat(F.cpus, log, -1, 'a CPU capacity (fraction >= 0)', 0);
  if (Number.isNaN(cpus)) return undefined;
  const memory = row.optFloat(F.memory, log, -1, 'a memory capacity (fraction >= 0)', 0);
  if (Number.isNaN(memory)) return undefined;
  return {
    file: row.file,
    line: row.line,
    timeUs,
    machineId,
    eventType,
    platformId: row.text(F.platformId),
    cpus: cpus < 0 ? NaN : cpus,
    memory: memory < 0 ? NaN : memory,
  };
}

/** Every valid machine_events row, in file order. */
export async function* readMachineEvents(
  files: readonly string[],
  options: BorgReadOptions = {},
): AsyncGenerator<MachineEvent> {
  const log = options.issues ?? new IssueLog({ strict: options.strict ?? false });
  yield* readRows<MachineEvent>(
    resolveSources(files, 'machine_events'),
    (row, out) => {
      const e = decodeMachineEvent(row, log);
      if (e !== undefined) out.push(e);
    },
    log,
    options.hooks ?? {},
  );
}
