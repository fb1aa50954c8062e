/** The SGX-aware scheduler: `sgx-orchestrator scheduler`. */
export { Scheduler, type SchedulerOptions, type LeaderElectionOptions } from './scheduler.js';
export { SchedulerMetrics, type AttemptResult } from './metrics.js';
export { startHealthServer, type HealthServer } from './health.js';
export { SchedulingQueue } from './queue.js';
export { LeaderElector, leaseClient, type LeaseClient, type LeaseRecord } from './leader.js';
export { clientApi, truncateNote, type SchedulerApi, type SchedulerEvent, type PodRef } from './api.js';
