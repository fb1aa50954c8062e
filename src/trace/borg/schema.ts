/**
 * The Google cluster-usage trace clusterdata-2011-2, as its official `schema.csv` defines it: field
 * positions (0-based here; the schema and our messages number them from 1), event codes and the
 * special times. The 2019 trace numbers its events differently and is not read by these readers.
 */

/** Task and job event codes of the 2011 trace. */
export const BORG_EVENT_NAMES = [
  'SUBMIT',
  'SCHEDULE',
  'EVICT',
  'FAIL',
  'FINISH',
  'KILL',
  'LOST',
  'UPDATE_PENDING',
  'UPDATE_RUNNING',
] as const;
export type BorgEventName = (typeof BORG_EVENT_NAMES)[number];

export const EVENT = {
  SUBMIT: 0,
  SCHEDULE: 1,
  EVICT: 2,
  FAIL: 3,
  FINISH: 4,
  KILL: 5,
  LOST: 6,
  UPDATE_PENDING: 7,
  UPDATE_RUNNING: 8,
} as const satisfies Record<BorgEventName, number>;

/** EVICT, FAIL, FINISH, KILL and LOST end a placement (a task may be resubmitted after them). */
export function endsPlacement(code: number): boolean {
  return code >= EVENT.EVICT && code <= EVENT.LOST;
}

/** Machine event codes. */
export const MACHINE_EVENT_NAMES = ['ADD', 'REMOVE', 'UPDATE'] as const;
export type MachineEventName = (typeof MACHINE_EVENT_NAMES)[number];
export const MACHINE_EVENT = { ADD: 0, REMOVE: 1, UPDATE: 2 } as const satisfies Record<
  MachineEventName,
  number
>;

/** Time 0 means "before the trace window": the row describes a task already there when it began. */
export const BEFORE_TRACE_US = 0;
/** 2^63 - 1 means "after the trace window". Any time at or above 2^62 is read as that. */
export const AFTER_TRACE_US = 2 ** 63 - 1;
export const AFTER_TRACE_THRESHOLD_US = 2 ** 62;

/** Field positions (0-based) and counts of each table. */
export const TASK_EVENTS = {
  fields: 13,
  time: 0,
  missingInfo: 1,
  jobId: 2,
  taskIndex: 3,
  machineId: 4,
  eventType: 5,
  user: 6,
  schedulingClass: 7,
  priority: 8,
  cpuRequest: 9,
  memoryRequest: 10,
  diskRequest: 11,
  differentMachines: 12,
} as const;

export const JOB_EVENTS = {
  fields: 8,
  time: 0,
  missingInfo: 1,
  jobId: 2,
  eventType: 3,
  user: 4,
  schedulingClass: 5,
  jobName: 6,
  logicalJobName: 7,
} as const;

export const MACHINE_EVENTS = {
  fields: 6,
  time: 0,
  machineId: 1,
  eventType: 2,
  platformId: 3,
  cpus: 4,
  memory: 5,
} as const;

export const TASK_USAGE = {
  fields: 20,
  startTime: 0,
  endTime: 1,
  jobId: 2,
  taskIndex: 3,
  machineId: 4,
  cpuRate: 5,
  canonicalMemory: 6,
  assignedMemory: 7,
  unmappedPageCache: 8,
  totalPageCache: 9,
  maxMemory: 10,
  diskIoTime: 11,
  localDisk: 12,
  maxCpuRate: 13,
  maxDiskIoTime: 14,
  cyclesPerInstruction: 15,
  memoryAccessesPerInstruction: 16,
  samplePortion: 17,
  aggregationType: 18,
  sampledCpu: 19,
} as const;

/** The Borg tables these readers know. */
export const BORG_TABLES = ['task_events', 'task_usage', 'job_events', 'machine_events'] as const;
export type BorgTable = (typeof BORG_TABLES)[number];

/** Field count of each table, to recognise a file by its first line. */
export const TABLE_FIELDS: Record<BorgTable, number> = {
  task_events: TASK_EVENTS.fields,
  task_usage: TASK_USAGE.fields,
  job_events: JOB_EVENTS.fields,
  machine_events: MACHINE_EVENTS.fields,
};
