import { ZERO_RESOURCES } from './resources.js';
import type { Resources } from './resources.js';
import type { ContainerRequest } from './pod.js';

export function addResources(a: Resources, b: Resources): Resources {
  return {
    cpuMillis: a.cpuMillis + b.cpuMillis,
    memoryBytes: a.memoryBytes + b.memoryBytes,
    epcBytes: a.epcBytes + b.epcBytes,
  };
}

export function subtractResources(a: Resources, b: Resources): Resources {
  return {
    cpuMillis: a.cpuMillis - b.cpuMillis,
    memoryBytes: a.memoryBytes - b.memoryBytes,
    epcBytes: a.epcBytes - b.epcBytes,
  };
}

/** Per-dimension maximum. */
export function maxResources(a: Resources, b: Resources): Resources {
  return {
    cpuMillis: Math.max(a.cpuMillis, b.cpuMillis),
    memoryBytes: Math.max(a.memoryBytes, b.memoryBytes),
    epcBytes: Math.max(a.epcBytes, b.epcBytes),
  };
}

export interface PodRequestParts {
  readonly containers: readonly ContainerRequest[];
  readonly initContainers?: readonly ContainerRequest[];
  /** RuntimeClass pod overhead, added once. */
  readonly overhead?: Resources;
}

/**
 * A pod's effective request as Kubernetes computes it (`resource.PodRequests`): the sum over the
 * app containers, then per dimension the maximum with each init container (init containers run one
 * at a time, before the app containers), plus the pod overhead. Restartable init containers
 * (sidecars) are not modelled: pass them among `containers`, which is what they add up to while
 * the app containers run.
 */
export function effectiveRequest(parts: PodRequestParts): Resources {
  let sum = ZERO_RESOURCES;
  for (const c of parts.containers) sum = addResources(sum, c.request);
  for (const c of parts.initContainers ?? []) sum = maxResources(sum, c.request);
  return parts.overhead === undefined ? sum : addResources(sum, parts.overhead);
}
