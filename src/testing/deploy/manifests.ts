/**
 * Loads every YAML document under deploy/ and checks it: against the Kubernetes OpenAPI schemas
 * (kubernetes-models) for built-in kinds, with our own shape checks for kinds that have no model
 * (KubeSchedulerConfiguration, Kustomization), and across documents (references that must resolve).
 * Discovery is generic: any *.yaml or *.yml anywhere under deploy/ is included.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';

export type Obj = Record<string, unknown>;

export interface Manifest {
  /** Path relative to the repository root. */
  readonly file: string;
  /** 1-based line of the document's first line. */
  readonly line: number;
  /** 0-based index of the document in its file. */
  readonly index: number;
  readonly object: Obj;
}

/** One problem, located: `deploy/x.yaml:12 (Deployment sgx-extender): spec.replicas: ...`. */
export interface ManifestIssue {
  readonly where: string;
  readonly message: string;
}

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function yamlFilesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(name)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Parses every document of every file; YAML syntax errors and non-object documents are issues. */
export function loadManifests(
  root: string,
  files: readonly string[],
): { manifests: Manifest[]; issues: ManifestIssue[] } {
  const manifests: Manifest[] = [];
  const issues: ManifestIssue[] = [];
  for (const path of files) {
    const file = relative(root, path);
    const text = readFileSync(path, 'utf8');
    parseAllDocuments(text).forEach((doc, index) => {
      const line = lineOf(text, doc.range[0]);
      for (const e of doc.errors) {
        issues.push({
          where: `${file}:${e.linePos?.[0].line ?? line}`,
          message: `YAML syntax: ${e.message.split('\n')[0] ?? ''}`,
        });
      }
      if (doc.errors.length > 0) return;
      const value: unknown = doc.toJS();
      if (value === null || value === undefined) return; // an empty document (e.g. a trailing ---)
      if (!isObj(value)) {
        issues.push({ where: `${file}:${line}`, message: 'expected a Kubernetes object (a YAML mapping)' });
        return;
      }
      manifests.push({ file, line, index, object: value });
    });
  }
  return { manifests, issues };
}

export function describeManifest(m: Manifest): string {
  const meta = isObj(m.object['metadata']) ? m.object['metadata'] : {};
  const name = typeof meta['name'] === 'string' ? ` ${meta['name']}` : '';
  return `${m.file}:${m.line} (${String(m.object['kind'])}${name})`;
}

/** The kubernetes-models module of an apiVersion: `v1` -> kubernetes-models/v1, `apps/v1` -> .../apps/v1. */
function modelModule(apiVersion: string): string {
  return `kubernetes-models/${apiVersion}`;
}

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: Obj) => Validatable;

/** The model class for apiVersion/kind, or undefined when kubernetes-models has none. */
export async function modelClass(apiVersion: string, kind: string): Promise<ModelClass | undefined> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(modelModule(apiVersion))) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const cls = mod[kind];
  return typeof cls === 'function' ? (cls as ModelClass) : undefined;
}

/** Schema errors of one object, as `path: message` lines (empty when valid). */
export async function schemaIssues(m: Manifest, cls: ModelClass): Promise<string[]> {
  try {
    new cls(m.object).validate();
    return [];
  } catch (err) {
    const errors = (err as { errors?: { instancePath?: string; message?: string; params?: unknown }[] })
      .errors;
    if (Array.isArray(errors) && errors.length > 0) {
      return errors.map((e) =>
        `${(e.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.') || '(root)'}: ${e.message ?? 'invalid'} ${e.params === undefined ? '' : JSON.stringify(e.params)}`.trim(),
      );
    }
    return [err instanceof Error ? err.message : String(err)];
  }
}
