/**
 * Pod templates with placeholders. A template is a Pod manifest (YAML or JSON) whose strings may
 * contain `{{name}}` placeholders; `{{name:int}}` as a whole string becomes a number (for fields
 * such as activeDeadlineSeconds). The replay then sets what it owns: metadata name, namespace,
 * labels and annotations (merged over the template's), spec.schedulerName, the first container's
 * resources, and spec.nodeName of pinned attackers.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** Values a template can use. */
export interface TemplateValues {
  readonly name: string;
  readonly namespace: string;
  readonly runId: string;
  readonly recordId: string;
  readonly kind: string;
  readonly image: string;
  /** Nominal duration in trace seconds. */
  readonly durationSeconds: number;
  /** Duration on the wall clock (trace seconds / compression), whole seconds, at least 1. */
  readonly timeoutSeconds: number;
  /** Duration on the wall clock, unrounded. */
  readonly liveDurationSeconds: number;
  readonly usageBytes: number;
  readonly usagePages: number;
  readonly requestBytes: number;
  readonly requestPages: number;
}

export const TEMPLATE_PLACEHOLDERS: readonly (keyof TemplateValues)[] = [
  'name',
  'namespace',
  'runId',
  'recordId',
  'kind',
  'image',
  'durationSeconds',
  'timeoutSeconds',
  'liveDurationSeconds',
  'usageBytes',
  'usagePages',
  'requestBytes',
  'requestPages',
];

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

/** A parsed template and where it came from (for messages). */
export interface PodTemplate {
  readonly source: string;
  readonly body: { [k: string]: Json };
}

/** The SGX workload: stress-sgx (a stress-ng fork) holding the record's EPC for its duration. */
export const DEFAULT_SGX_TEMPLATE: PodTemplate = {
  source: '(built-in SGX template)',
  body: {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {},
    spec: {
      restartPolicy: 'OnFailure',
      terminationGracePeriodSeconds: 0,
      containers: [
        {
          name: 'stress-sgx',
          image: '{{image}}',
          args: ['--sgx-vm', '1', '--sgx-vm-bytes', '{{usageBytes}}', '--timeout', '{{timeoutSeconds}}'],
        },
      ],
    },
  },
};

/** The standard workload: stress-ng holding the record's memory for its duration. */
export const DEFAULT_STANDARD_TEMPLATE: PodTemplate = {
  source: '(built-in standard template)',
  body: {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {},
    spec: {
      restartPolicy: 'OnFailure',
      terminationGracePeriodSeconds: 0,
      containers: [
        {
          name: 'stress-ng',
          image: '{{image}}',
          args: ['--vm', '1', '--vm-bytes', '{{usageBytes}}', '--vm-keep', '--timeout', '{{timeoutSeconds}}'],
        },
      ],
    },
  },
};

/** Reads a template file (YAML or JSON), checking its shape and placeholders up front. */
export function loadTemplate(path: string): PodTemplate {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new TemplateError(
      `${path}: cannot read the template: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  let body: unknown;
  try {
    body = parse(text);
  } catch (err) {
    throw new TemplateError(
      `${path}: not valid YAML or JSON: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const t = { source: path, body: body as { [k: string]: Json } };
  checkTemplate(t);
  return t;
}

/** Shape checks: a Pod with at least one container, placeholders all known. */
export function checkTemplate(t: PodTemplate): void {
  const b = t.body as unknown;
  if (typeof b !== 'object' || b === null || Array.isArray(b))
    throw new TemplateError(
      `${t.source}: expected a Pod manifest (a mapping), got ${Array.isArray(b) ? 'a list' : typeof b}`,
    );
  const obj = b as { [k: string]: Json };
  if (obj['kind'] !== undefined && obj['kind'] !== 'Pod')
    throw new TemplateError(`${t.source}: kind: expected Pod, got ${JSON.stringify(obj['kind'])}`);
  const spec = obj['spec'];
  const containers = isMap(spec) ? spec['containers'] : undefined;
  if (!Array.isArray(containers) || containers.length === 0 || !isMap(containers[0]))
    throw new TemplateError(`${t.source}: spec.containers: expected at least one container`);
  walkStrings(obj, '', (s, path) => {
    for (const m of s.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) {
      const [key, type] = m[1]!.split(':');
      if (
        !(TEMPLATE_PLACEHOLDERS as readonly string[]).includes(key!) ||
        (type !== undefined && type !== 'int')
      )
        throw new TemplateError(
          `${t.source}: ${path}: unknown placeholder {{${m[1]}}}; known: ${TEMPLATE_PLACEHOLDERS.join(', ')} (add :int for a number)`,
        );
    }
  });
}

function isMap(v: Json | undefined): v is { [k: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function walkStrings(v: Json, path: string, fn: (s: string, path: string) => void): void {
  if (typeof v === 'string') fn(v, path || '(root)');
  else if (Array.isArray(v)) v.forEach((x, i) => walkStrings(x, `${path}[${i}]`, fn));
  else if (isMap(v))
    for (const [k, x] of Object.entries(v)) walkStrings(x, path === '' ? k : `${path}.${k}`, fn);
}

/** The template with every placeholder replaced (a deep copy). */
export function renderTemplate(t: PodTemplate, values: TemplateValues): { [k: string]: Json } {
  const text = (key: string): string => String(values[key as keyof TemplateValues]);
  const render = (v: Json): Json => {
    if (typeof v === 'string') {
      const whole = /^\{\{\s*(\w+):int\s*\}\}$/.exec(v);
      if (whole !== null) return Math.round(Number(text(whole[1]!)));
      return v.replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, key: string) => text(key));
    }
    if (Array.isArray(v)) return v.map(render);
    if (isMap(v)) {
      const out: { [k: string]: Json } = {};
      for (const [k, x] of Object.entries(v)) out[k] = render(x);
      return out;
    }
    return v;
  };
  return render(t.body) as { [k: string]: Json };
}
