/**
 * Flags that `scheduler` and `extender` read the same way: the scheduling profile, how nodes and
 * pods are converted (EPC resource, SGX label) and the API server access.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { formatConfigIssues, parseProfileConfig } from '../core/index.js';
import type { ProfileConfig } from '../core/index.js';
import type { LoadedKubeConfig } from '../k8s/client/kubeconfig.js';
import { parseEpcResource } from '../k8s/extender/convert.js';
import type { ConvertOptions } from '../k8s/extender/convert.js';
import { CliError } from './errors.js';
import type { UsageError } from './flags.js';

/** `--profile <file>` (YAML or JSON) or `--policy <name>`; neither means policy spread. */
export function loadProfileConfig(
  path: string | undefined,
  policy: string | undefined,
  usage: UsageError,
): ProfileConfig {
  if (path !== undefined && policy !== undefined) throw usage('give --profile or --policy, not both');
  let input: unknown = { policy: policy ?? 'spread' };
  if (path !== undefined) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new CliError('config', `cannot read profile ${path}: ${(err as Error).message}`);
    }
    try {
      input = parseYaml(text) as unknown;
    } catch (err) {
      throw new CliError(
        'config',
        `${path}: not valid YAML or JSON: ${(err as Error).message.split('\n')[0] ?? ''}`,
      );
    }
  }
  const parsed = parseProfileConfig(input);
  if (!parsed.ok) {
    const where = path ?? `--policy ${policy ?? ''}`;
    throw new CliError('config', `${where}: invalid profile:\n${formatConfigIssues(parsed.issues)}`);
  }
  return parsed.value;
}

/** `--epc-resource <name>` and `--sgx-label <key=value>`: how nodes and pods are read. */
export function parseConvertOptions(
  values: { readonly 'epc-resource': string; readonly 'sgx-label'?: string | undefined },
  usage: UsageError,
): ConvertOptions {
  try {
    const epcResource = parseEpcResource(values['epc-resource']);
    const label = values['sgx-label'];
    if (label !== undefined && !/^[^=]+=[^=]*$/.test(label))
      throw new Error(`--sgx-label ${label}: expected key=value`);
    const [key = '', value = ''] = label?.split('=') ?? [];
    return label === undefined ? { epcResource } : { epcResource, sgxLabel: { key, value } };
  } catch (err) {
    throw usage((err as Error).message);
  }
}

/**
 * `--kubeconfig <file>` and `--context <name>`. The Kubernetes client takes seconds to import, so
 * it is loaded here, once the other flags are known to be good.
 */
export async function loadKube(values: {
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
}): Promise<LoadedKubeConfig> {
  const { loadKubeConfig, KubeConfigError } = await import('../k8s/client/kubeconfig.js');
  try {
    return loadKubeConfig({
      ...(values.kubeconfig === undefined ? {} : { path: values.kubeconfig }),
      ...(values.context === undefined ? {} : { context: values.context }),
    });
  } catch (err) {
    if (err instanceof KubeConfigError) throw new CliError('config', err.message);
    throw err;
  }
}
