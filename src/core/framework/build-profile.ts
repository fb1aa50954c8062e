import type { Profile, Selection, WeightedScorer } from './profile.js';
import { MIN_FEASIBLE_NODES_TO_FIND } from './profile.js';
import type { ProfileConfig } from './profile-config.js';
import type { UsageParams } from './fit.js';
import type { IndexedPolicy } from './policy.js';
import { filterPlugins, preFilterPlugins } from '../policies/filters.js';
import { binpack } from '../policies/binpack.js';
import { spread } from '../policies/spread.js';
import { random } from '../policies/random.js';
import { leastAllocated } from '../policies/least-allocated.js';
import { mostAllocated } from '../policies/most-allocated.js';
import { requestedToCapacityRatio } from '../policies/requested-to-capacity-ratio.js';
import { sgxUnawareParams, sgxUnawareScorer } from '../policies/sgx-unaware.js';

function assertNever(x: never): never {
  throw new Error(`unknown policy ${String(x)}`);
}

/** Builds the filters and scorers a config asks for. The config must come from `parseProfileConfig`. */
export function buildProfile(config: ProfileConfig): Profile {
  const params: UsageParams =
    config.policy === 'sgx-unaware'
      ? sgxUnawareParams(config)
      : {
          measured: config.usage === 'measured',
          tolerance: config.tolerance,
          strict: true,
          maxAge: config.measuredMaxAge,
        };
  const indexed = (selection: Selection, policy: IndexedPolicy): Profile => ({
    config,
    selection,
    params,
    preFilters: preFilterPlugins(),
    filters: filterPlugins(params),
    scorers: [],
    policy,
  });
  const scored = (...scorers: WeightedScorer[]): Profile => ({
    config,
    selection: 'highest-score',
    params,
    preFilters: preFilterPlugins(),
    filters: filterPlugins(params),
    scorers,
    policy: undefined,
    ...(config.percentageOfNodesToScore === undefined
      ? {}
      : { sampling: { percentage: config.percentageOfNodesToScore, minNodes: MIN_FEASIBLE_NODES_TO_FIND } }),
  });
  const policy = config.policy;
  switch (policy) {
    case 'binpack':
      return indexed('first-by-name', binpack);
    case 'spread':
      return indexed('least-used', spread);
    case 'random':
      return indexed('random', random);
    case 'least-allocated':
      return scored({ plugin: leastAllocated(config.resources, params), weight: 1 });
    case 'most-allocated':
      return scored({ plugin: mostAllocated(config.resources, params), weight: 1 });
    case 'requested-to-capacity-ratio':
      return scored({ plugin: requestedToCapacityRatio(config.resources, config.shape, params), weight: 1 });
    case 'sgx-unaware':
      return scored({ plugin: sgxUnawareScorer(config, params), weight: 1 });
    default:
      return assertNever(policy);
  }
}
