import type { ResourceKind } from '../model/resources.js';

/** Every placement policy the core knows. */
export const POLICY_NAMES = [
  'binpack',
  'spread',
  'least-allocated',
  'most-allocated',
  'requested-to-capacity-ratio',
  'sgx-unaware',
  'random',
] as const;

export type PolicyName = (typeof POLICY_NAMES)[number];

/**
 * How a node's usage is counted by the fit filters and the scorers.
 * - `measured`: the paper's view, `max(measured, sum of requests)` for EPC and memory (CPU has no
 *   measurement and uses requests); measured values older than `measuredMaxAge` are ignored.
 * - `requests`: sum of requests only, as the stock scheduler does.
 */
export type UsageMode = 'measured' | 'requests';

export interface ScorerResource {
  readonly resource: ResourceKind;
  /** 1..100, as kube-scheduler's `scoringStrategy.resources[].weight`. */
  readonly weight: number;
}

/** A point of RequestedToCapacityRatio's broken-linear shape: utilization 0..100 -> score 0..10. */
export interface ShapePoint {
  readonly utilization: number;
  readonly score: number;
}

/** A scheduling profile as plain validated data (from a config file, flags or code). */
export interface ProfileConfig {
  /** Shown in decisions and reports; defaults to the policy name. */
  readonly name: string;
  readonly policy: PolicyName;
  readonly usage: UsageMode;
  /**
   * Admission `usage + request < capacity * tolerance` (1.0 live; the paper's offline simulator
   * used 0.8; above 1 overcommits). Must be > 0.
   */
  readonly tolerance: number;
  /**
   * Measured usage older than this (in the caller's clock unit, compared with
   * `ScheduleContext.now`) is ignored and requests are used instead. Absent: never stale.
   */
  readonly measuredMaxAge?: number;
  /**
   * Keep standard pods off SGX nodes while a standard node fits them (the paper's rule). Defaults
   * to true, except for `sgx-unaware` and `random`.
   */
  readonly keepStandardPodsOffSgx: boolean;
  /** Resources and weights of the kube-style scorers (default cpu:1, memory:1; epc:1 is typical). */
  readonly resources: readonly ScorerResource[];
  /** Shape of `requested-to-capacity-ratio` (default: bin packing, 0 -> 0, 100 -> 10). */
  readonly shape: readonly ShapePoint[];
  /**
   * kube-scheduler's `percentageOfNodesToScore`, for the scored policies only: a search stops once
   * this share of the candidate nodes (at least 100 of them) has been found feasible, and the next
   * search starts where it stopped (`ScheduleContext.cursor`). 0 is kube-scheduler's adaptive
   * default: 50 % minus 1 % per 125 nodes, at least 5 %. Absent: every feasible node is scored, as
   * with 100.
   */
  readonly percentageOfNodesToScore?: number;
}

/** The policies that score every feasible node, to which `percentageOfNodesToScore` applies. */
export const SCORED_POLICIES: readonly PolicyName[] = [
  'least-allocated',
  'most-allocated',
  'requested-to-capacity-ratio',
  'sgx-unaware',
];

/** Whether `policy` (any name, as read from a flag or a file) is one of `SCORED_POLICIES`. */
export function isScoredPolicy(policy: string): boolean {
  return (SCORED_POLICIES as readonly string[]).includes(policy);
}

export const DEFAULT_RESOURCES: readonly ScorerResource[] = Object.freeze([
  { resource: 'cpu', weight: 1 },
  { resource: 'memory', weight: 1 },
]);

export const DEFAULT_SHAPE: readonly ShapePoint[] = Object.freeze([
  { utilization: 0, score: 0 },
  { utilization: 100, score: 10 },
]);

/** One problem in a profile config: where (`policy`, `resources[1].weight`) and what is wrong. */
export interface ConfigIssue {
  readonly path: string;
  readonly message: string;
}

/** `safeParse`-style result: data or every issue found (not just the first). */
export type ParseResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issues: readonly ConfigIssue[] };

const RESOURCE_KINDS: readonly ResourceKind[] = ['cpu', 'memory', 'epc'];
const KNOWN_FIELDS = [
  'name',
  'policy',
  'usage',
  'tolerance',
  'measuredMaxAge',
  'keepStandardPodsOffSgx',
  'resources',
  'shape',
  'percentageOfNodesToScore',
];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'object') return 'an object';
  return String(v);
}

/**
 * Validates and completes a profile config. Only `policy` is required; everything else has the
 * defaults documented on `ProfileConfig` (usage `measured`, tolerance 1, ...; `sgx-unaware` forces
 * usage `requests`). Unknown fields are errors, so that a typo never silently falls back to a default.
 */
export function parseProfileConfig(input: unknown): ParseResult<ProfileConfig> {
  const issues: ConfigIssue[] = [];
  const bad = (path: string, message: string): void => {
    issues.push({ path, message });
  };
  if (!isRecord(input)) {
    return { ok: false, issues: [{ path: '', message: `expected an object, got ${describe(input)}` }] };
  }
  for (const key of Object.keys(input)) {
    if (!KNOWN_FIELDS.includes(key)) bad(key, `unknown field (known: ${KNOWN_FIELDS.join(', ')})`);
  }

  const policy = input['policy'];
  if (typeof policy !== 'string' || !(POLICY_NAMES as readonly string[]).includes(policy)) {
    bad('policy', `expected one of ${POLICY_NAMES.join(', ')}, got ${describe(policy)}`);
  }
  const policyName = policy as PolicyName;

  const name = input['name'] ?? policyName;
  if (typeof name !== 'string' || name === '')
    bad('name', `expected a non-empty string, got ${describe(name)}`);

  const usageDefault: UsageMode = policyName === 'sgx-unaware' ? 'requests' : 'measured';
  const usage = input['usage'] ?? usageDefault;
  if (usage !== 'measured' && usage !== 'requests') {
    bad('usage', `expected "measured" or "requests", got ${describe(usage)}`);
  } else if (policyName === 'sgx-unaware' && usage === 'measured') {
    bad('usage', 'the sgx-unaware baseline counts requests only; use "requests" or another policy');
  }

  const tolerance = input['tolerance'] ?? 1;
  if (typeof tolerance !== 'number' || !Number.isFinite(tolerance) || tolerance <= 0 || tolerance > 100) {
    bad(
      'tolerance',
      `expected a number > 0 (1.0 = no overcommit, 0.8 = keep 20% free), got ${describe(tolerance)}`,
    );
  }

  const maxAge = input['measuredMaxAge'];
  if (maxAge !== undefined && (typeof maxAge !== 'number' || !(maxAge >= 0) || !Number.isFinite(maxAge))) {
    bad(
      'measuredMaxAge',
      `expected a non-negative number in the clock unit of the caller, got ${describe(maxAge)}`,
    );
  }

  const keepDefault = policyName !== 'sgx-unaware' && policyName !== 'random';
  const keep = input['keepStandardPodsOffSgx'] ?? keepDefault;
  if (typeof keep !== 'boolean')
    bad('keepStandardPodsOffSgx', `expected true or false, got ${describe(keep)}`);

  const resources = parseResources(input['resources'], bad);
  const shape = parseShape(input['shape'], bad);

  const percentage = input['percentageOfNodesToScore'];
  if (percentage !== undefined) {
    if (
      typeof percentage !== 'number' ||
      !Number.isInteger(percentage) ||
      percentage < 0 ||
      percentage > 100
    ) {
      bad(
        'percentageOfNodesToScore',
        `expected an integer 0..100 (0 = kube-scheduler's adaptive share), got ${describe(percentage)}`,
      );
    } else if (!isScoredPolicy(policyName)) {
      bad(
        'percentageOfNodesToScore',
        `applies to the policies that score every feasible node (${SCORED_POLICIES.join(', ')}); ${policyName} selects through its index`,
      );
    }
  }

  if (issues.length > 0) return { ok: false, issues };
  const value: ProfileConfig = {
    name: name as string,
    policy: policyName,
    usage: usage as UsageMode,
    tolerance: tolerance as number,
    ...(maxAge === undefined ? {} : { measuredMaxAge: maxAge as number }),
    keepStandardPodsOffSgx: keep as boolean,
    resources,
    shape,
    ...(percentage === undefined ? {} : { percentageOfNodesToScore: percentage as number }),
  };
  return { ok: true, value };
}

function parseResources(
  raw: unknown,
  bad: (path: string, message: string) => void,
): readonly ScorerResource[] {
  if (raw === undefined) return DEFAULT_RESOURCES;
  if (!Array.isArray(raw) || raw.length === 0) {
    bad('resources', `expected a non-empty list like [{"resource":"epc","weight":1}], got ${describe(raw)}`);
    return [];
  }
  const out: ScorerResource[] = [];
  const seen = new Set<string>();
  raw.forEach((item: unknown, i) => {
    const path = `resources[${i}]`;
    if (!isRecord(item)) return bad(path, `expected {resource, weight}, got ${describe(item)}`);
    const resource = item['resource'];
    if (typeof resource !== 'string' || !(RESOURCE_KINDS as readonly string[]).includes(resource)) {
      return bad(
        `${path}.resource`,
        `expected one of ${RESOURCE_KINDS.join(', ')}, got ${describe(resource)}`,
      );
    }
    if (seen.has(resource)) return bad(`${path}.resource`, `${resource} is listed twice`);
    seen.add(resource);
    // kube-scheduler turns an unset or zero weight into 1.
    const weight = item['weight'] === undefined || item['weight'] === 0 ? 1 : item['weight'];
    if (typeof weight !== 'number' || !Number.isInteger(weight) || weight < 1 || weight > 100) {
      return bad(`${path}.weight`, `expected an integer 1..100, got ${describe(weight)}`);
    }
    for (const key of Object.keys(item)) {
      if (key !== 'resource' && key !== 'weight')
        bad(`${path}.${key}`, 'unknown field (known: resource, weight)');
    }
    out.push({ resource: resource as ResourceKind, weight });
  });
  return out;
}

function parseShape(raw: unknown, bad: (path: string, message: string) => void): readonly ShapePoint[] {
  if (raw === undefined) return DEFAULT_SHAPE;
  if (!Array.isArray(raw) || raw.length === 0) {
    bad('shape', `expected a non-empty list like [{"utilization":0,"score":0}], got ${describe(raw)}`);
    return [];
  }
  const out: ShapePoint[] = [];
  raw.forEach((item: unknown, i) => {
    const path = `shape[${i}]`;
    if (!isRecord(item)) return bad(path, `expected {utilization, score}, got ${describe(item)}`);
    const utilization = item['utilization'];
    const score = item['score'];
    if (
      typeof utilization !== 'number' ||
      !Number.isInteger(utilization) ||
      utilization < 0 ||
      utilization > 100
    ) {
      return bad(`${path}.utilization`, `expected an integer 0..100, got ${describe(utilization)}`);
    }
    if (typeof score !== 'number' || !Number.isInteger(score) || score < 0 || score > 10) {
      return bad(`${path}.score`, `expected an integer 0..10, got ${describe(score)}`);
    }
    const previous = out[out.length - 1];
    if (previous !== undefined && utilization <= previous.utilization) {
      return bad(`${path}.utilization`, 'utilization must increase strictly from one point to the next');
    }
    out.push({ utilization, score });
  });
  return out;
}

/** Formats issues one per line: `tolerance: expected a number > 0 ..., got 0`. */
export function formatConfigIssues(issues: readonly ConfigIssue[]): string {
  return issues.map((i) => (i.path === '' ? i.message : `${i.path}: ${i.message}`)).join('\n');
}
