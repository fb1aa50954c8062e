/**
 * Field and label selectors with the API server's grammar.
 *
 * Field selectors: `key=value`, `key==value`, `key!=value`, comma-chained (no set operators); a value
 * may escape `,`, `=` and `\` with a backslash. Fields the resource does not index are rejected, as the
 * API server does ("field label not supported").
 * Label selectors: `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`.
 */

export type Matcher = (fields: (key: string) => string | undefined) => boolean;

export class SelectorError extends Error {}

interface FieldRequirement {
  readonly key: string;
  readonly op: '=' | '!=';
  readonly value: string;
}

function splitUnescaped(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) {
      cur += c + s[i + 1]!;
      i++;
    } else if (c === sep) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

function unescape(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}

export function parseFieldSelector(selector: string, supported: ReadonlySet<string>): FieldRequirement[] {
  const reqs: FieldRequirement[] = [];
  if (selector.trim() === '') return reqs;
  for (const part of splitUnescaped(selector, ',')) {
    const m = /^([^=!]+?)\s*(!=|==|=)(.*)$/.exec(part.trim());
    if (m === null)
      throw new SelectorError(`invalid field selector: '${part}': expected key=value or key!=value`);
    const key = m[1]!.trim();
    if (!supported.has(key)) throw new SelectorError(`field label not supported: ${key}`);
    reqs.push({ key, op: m[2] === '!=' ? '!=' : '=', value: unescape(m[3]!) });
  }
  return reqs;
}

export function fieldMatcher(reqs: readonly FieldRequirement[]): Matcher {
  return (fields) =>
    reqs.every((r) => {
      const v = fields(r.key) ?? '';
      return r.op === '=' ? v === r.value : v !== r.value;
    });
}

type LabelRequirement =
  | { readonly key: string; readonly op: 'in' | 'notin'; readonly values: readonly string[] }
  | { readonly key: string; readonly op: 'exists' | '!exists' };

const LABEL_KEY = /^([a-zA-Z0-9]([-a-zA-Z0-9.]*[a-zA-Z0-9])?\/)?[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$/;

function checkKey(key: string): string {
  if (!LABEL_KEY.test(key)) throw new SelectorError(`invalid label key '${key}' in label selector`);
  return key;
}

/** Splits on commas that are not inside parentheses. */
function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of s) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

export function parseLabelSelector(selector: string): LabelRequirement[] {
  const reqs: LabelRequirement[] = [];
  if (selector.trim() === '') return reqs;
  for (const raw of splitTopLevel(selector)) {
    const part = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part)) !== null) {
      const values = m[3]!
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '');
      reqs.push({ key: checkKey(m[1]!), op: m[2] === 'in' ? 'in' : 'notin', values });
    } else if ((m = /^([^=!\s]+)\s*(!=|==|=)\s*(\S*)$/.exec(part)) !== null) {
      reqs.push({ key: checkKey(m[1]!), op: m[2] === '!=' ? 'notin' : 'in', values: [m[3]!] });
    } else if ((m = /^!\s*(\S+)$/.exec(part)) !== null) {
      reqs.push({ key: checkKey(m[1]!), op: '!exists' });
    } else if (/^\S+$/.test(part)) {
      reqs.push({ key: checkKey(part), op: 'exists' });
    } else {
      throw new SelectorError(`unable to parse requirement: '${part}'`);
    }
  }
  return reqs;
}

export function labelMatcher(
  reqs: readonly LabelRequirement[],
): (labels: Readonly<Record<string, unknown>>) => boolean {
  return (labels) =>
    reqs.every((r) => {
      const has = Object.prototype.hasOwnProperty.call(labels, r.key);
      const v = has ? String(labels[r.key]) : undefined;
      switch (r.op) {
        case 'exists':
          return has;
        case '!exists':
          return !has;
        case 'in':
          return v !== undefined && r.values.includes(v);
        case 'notin':
          return v === undefined || !r.values.includes(v);
      }
    });
}
