import { existsSync } from 'node:fs';
import { BUILTIN_CLUSTERS, builtinClusterNames } from './builtins.js';

/** Whether `ref` is the name of a cluster this package builds (a built-in spec, or `borg`). */
export function isClusterName(ref: string): boolean {
  return BUILTIN_CLUSTERS.has(ref) || ref === 'borg';
}

/**
 * Why `ref` (a `--cluster` value, or a cluster in an experiment spec) names no cluster, or undefined
 * for a cluster name or an existing file. Checked before any run starts: a typo in the last value of
 * a sweep would otherwise surface only after the runs before it.
 */
export function clusterRefProblem(ref: string): string | undefined {
  if (isClusterName(ref) || existsSync(ref)) return undefined;
  if (/\.(ya?ml|json)$/i.test(ref) || /[\\/]/.test(ref)) return `no cluster spec file at ${ref}`;
  return `unknown cluster ${JSON.stringify(ref)}: give a spec file (.yaml/.json) or one of ${builtinClusterNames().join(', ')}`;
}
