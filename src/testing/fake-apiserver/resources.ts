/**
 * The resources the fake API server serves, with what differs between them: scope, the fields a
 * field selector may name (the API server's `ToSelectableFields`), defaults applied on create and
 * validation. Rules copied from the API server are commented with where they come from.
 */
import { type JsonObject, type KObject, getPath, isObject } from './json.js';
import { ApiError, invalid } from './errors.js';

export interface ResourceDef {
  /** '' for the core group. */
  readonly group: string;
  readonly version: string;
  /** Plural lower-case name used in URLs, e.g. `pods`. */
  readonly plural: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly hasStatus: boolean;
  readonly fields: readonly string[];
  /** Defaults and checks on create (the object is a fresh copy the function may change). */
  readonly onCreate?: (obj: KObject, now: Date) => void;
  /** Checks on update of the main resource (not the status subresource). */
  readonly validateUpdate?: (old: KObject, next: KObject) => void;
  readonly validate?: (obj: KObject) => void;
}

export function apiVersionOf(def: ResourceDef): string {
  return def.group === '' ? def.version : `${def.group}/${def.version}`;
}

export function resourceId(group: string, version: string, plural: string): string {
  return `${group}/${version}/${plural}`;
}

/** Value of a selectable field; booleans and numbers as the API server prints them. */
export function fieldValue(obj: JsonObject, field: string): string | undefined {
  const v = getPath(obj, field);
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  return undefined;
}

const META_FIELDS = ['metadata.name', 'metadata.namespace'];

/** `RFC3339Micro`: exactly six fractional digits, as metav1.MicroTime requires (a JS Date has three). */
const MICRO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}(Z|[+-]\d{2}:\d{2})$/;

function checkMicroTime(obj: KObject, path: string): void {
  const v = getPath(obj, path);
  if (v === undefined || v === null) return;
  if (typeof v !== 'string' || !MICRO_TIME.test(v)) {
    // What the API server answers when decoding a MicroTime with a 3-digit fraction.
    throw new ApiError(
      400,
      'BadRequest',
      `parsing time "${String(v)}" as "2006-01-02T15:04:05.000000Z07:00": cannot parse as RFC3339Micro (field ${path})`,
    );
  }
}

function podSpecForUpdateCheck(pod: KObject): JsonObject {
  const spec = isObject(pod['spec']) ? { ...pod['spec'] } : {};
  // Fields a pod update may change (validation.ValidatePodUpdate): images, activeDeadlineSeconds,
  // tolerations (additions), scheduling gates (removal only). Everything else, nodeName included, is fixed.
  delete spec['activeDeadlineSeconds'];
  delete spec['tolerations'];
  delete spec['schedulingGates'];
  for (const list of ['containers', 'initContainers']) {
    const cs = spec[list];
    if (Array.isArray(cs)) spec[list] = cs.map((c) => (isObject(c) ? { ...c, image: null } : c));
  }
  return spec;
}

const gateNames = (pod: KObject): string[] => {
  const gates = getPath(pod, 'spec.schedulingGates');
  return Array.isArray(gates) ? gates.map((g) => (isObject(g) ? String(g['name']) : '')) : [];
};

export const PODS: ResourceDef = {
  group: '',
  version: 'v1',
  plural: 'pods',
  kind: 'Pod',
  namespaced: true,
  hasStatus: true,
  // pkg/registry/core/pod/strategy.go ToSelectableFields
  fields: [
    ...META_FIELDS,
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.phase',
    'status.podIP',
    'status.nominatedNodeName',
  ],
  onCreate(pod, now) {
    const spec = isObject(pod['spec']) ? pod['spec'] : null;
    if (spec === null || !Array.isArray(spec['containers']) || spec['containers'].length === 0)
      throw invalid('Pod', pod.metadata.name, 'spec.containers: Required value');
    spec['schedulerName'] ??= 'default-scheduler';
    spec['restartPolicy'] ??= 'Always';
    spec['terminationGracePeriodSeconds'] ??= 30;
    spec['priority'] ??= 0;
    const status: JsonObject = isObject(pod['status']) ? pod['status'] : {};
    pod['status'] = status;
    status['phase'] ??= 'Pending';
    // strategy.go applySchedulingGatedCondition
    if (gateNames(pod).length > 0) {
      const conditions = Array.isArray(status['conditions']) ? status['conditions'] : [];
      if (!conditions.some((c) => isObject(c) && c['type'] === 'PodScheduled'))
        conditions.push({
          type: 'PodScheduled',
          status: 'False',
          reason: 'SchedulingGated',
          message: 'Scheduling is blocked due to non-empty scheduling gates',
          lastProbeTime: null,
          lastTransitionTime: now.toISOString().replace(/\.\d+Z$/, 'Z'),
        });
      status['conditions'] = conditions;
    }
  },
  validateUpdate(old, next) {
    const before = gateNames(old);
    const after = gateNames(next);
    if (after.some((g) => !before.includes(g)))
      throw invalid('Pod', next.metadata.name, 'spec.schedulingGates: Forbidden: only deletion is allowed');
    if (JSON.stringify(podSpecForUpdateCheck(old)) !== JSON.stringify(podSpecForUpdateCheck(next)))
      throw invalid(
        'Pod',
        next.metadata.name,
        'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`, ' +
          '`spec.initContainers[*].image`, `spec.activeDeadlineSeconds`, `spec.tolerations` (only additions ' +
          'to existing tolerations), `spec.schedulingGates`',
      );
  },
};

export const NODES: ResourceDef = {
  group: '',
  version: 'v1',
  plural: 'nodes',
  kind: 'Node',
  namespaced: false,
  hasStatus: true,
  fields: [...META_FIELDS, 'spec.unschedulable'],
};

export const NAMESPACES: ResourceDef = {
  group: '',
  version: 'v1',
  plural: 'namespaces',
  kind: 'Namespace',
  namespaced: false,
  hasStatus: true,
  fields: [...META_FIELDS, 'status.phase'],
  onCreate(ns) {
    const status: JsonObject = isObject(ns['status']) ? ns['status'] : {};
    status['phase'] ??= 'Active';
    ns['status'] = status;
  },
};

function checkLength(obj: KObject, path: string, max: number): void {
  const v = getPath(obj, path);
  if (typeof v === 'string' && v.length > max)
    throw invalid(obj.kind, obj.metadata.name, `${path}: Too long: may not be more than ${max} bytes`);
}

function requireString(obj: KObject, path: string): void {
  const v = getPath(obj, path);
  if (typeof v !== 'string' || v === '')
    throw invalid(obj.kind, obj.metadata.name, `${path}: Required value`);
}

/** pkg/apis/core/validation/events.go: the strict rules for events carrying eventTime. */
function validateNewStyleEvent(obj: KObject, controllerField: string): void {
  requireString(obj, controllerField);
  requireString(obj, 'reportingInstance');
  requireString(obj, 'action');
  requireString(obj, 'reason');
  checkLength(obj, 'reportingInstance', 128);
  checkLength(obj, 'action', 128);
  checkLength(obj, 'reason', 128);
  const type = getPath(obj, 'type');
  if (type !== 'Normal' && type !== 'Warning')
    throw invalid(
      obj.kind,
      obj.metadata.name,
      `type: Unsupported value: ${JSON.stringify(type ?? '')}: supported values: "Normal", "Warning"`,
    );
}

export const CORE_EVENTS: ResourceDef = {
  group: '',
  version: 'v1',
  plural: 'events',
  kind: 'Event',
  namespaced: true,
  hasStatus: false,
  fields: [
    ...META_FIELDS,
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  validate(ev) {
    checkMicroTime(ev, 'eventTime');
    if (getPath(ev, 'eventTime') !== undefined && getPath(ev, 'eventTime') !== null)
      validateNewStyleEvent(ev, 'reportingComponent');
    const involvedNs = getPath(ev, 'involvedObject.namespace');
    if (typeof involvedNs === 'string' && involvedNs !== '' && involvedNs !== ev.metadata['namespace'])
      throw invalid(
        'Event',
        ev.metadata.name,
        'involvedObject.namespace: Invalid value: does not match event.namespace',
      );
    checkLength(ev, 'message', 1024 * 1024);
  },
};

export const EVENTS_V1: ResourceDef = {
  group: 'events.k8s.io',
  version: 'v1',
  plural: 'events',
  kind: 'Event',
  namespaced: true,
  hasStatus: false,
  fields: [
    ...META_FIELDS,
    'reason',
    'reportingController',
    'type',
    'regarding.kind',
    'regarding.name',
    'regarding.namespace',
    'regarding.uid',
  ],
  validate(ev) {
    const t = getPath(ev, 'eventTime');
    if (t === undefined || t === null) throw invalid('Event', ev.metadata.name, 'eventTime: Required value');
    checkMicroTime(ev, 'eventTime');
    checkMicroTime(ev, 'series.lastObservedTime');
    validateNewStyleEvent(ev, 'reportingController');
    checkLength(ev, 'note', 1024);
    const count = getPath(ev, 'series.count');
    if (typeof count === 'number' && count < 2)
      throw invalid('Event', ev.metadata.name, 'series.count: Invalid value: should be at least 2');
  },
};

export const LEASES: ResourceDef = {
  group: 'coordination.k8s.io',
  version: 'v1',
  plural: 'leases',
  kind: 'Lease',
  namespaced: true,
  hasStatus: false,
  fields: META_FIELDS,
  validate(lease) {
    checkMicroTime(lease, 'spec.acquireTime');
    checkMicroTime(lease, 'spec.renewTime');
    const d = getPath(lease, 'spec.leaseDurationSeconds');
    if (typeof d === 'number' && d <= 0)
      throw invalid(
        'Lease',
        lease.metadata.name,
        'spec.leaseDurationSeconds: Invalid value: must be greater than 0',
      );
  },
};

export const RESOURCES: readonly ResourceDef[] = [PODS, NODES, NAMESPACES, CORE_EVENTS, EVENTS_V1, LEASES];

export function findResource(group: string, version: string, plural: string): ResourceDef | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.plural === plural);
}
