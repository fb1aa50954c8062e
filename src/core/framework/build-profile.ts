import type { Profile } from './profile.js';
import type { ProfileConfig } from './profile-config.js';

/** Builds the filters and scorers a config asks for. The config must come from `parseProfileConfig`. */
export function buildProfile(config: ProfileConfig): Profile {
  void config;
  throw new Error('not implemented');
}
