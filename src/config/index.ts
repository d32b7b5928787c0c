export { DEFAULT_MAPPING } from '../mapping/defaults.js';
export { ConfigError, configError, loadConfig, loadConfigWithSource, validateConfig, PROJECT_FILE } from './load.js';
export type { ConfigSource, LoadConfigOptions, LoadedConfig } from './load.js';
export { checkAgainstOrg, connectionDescriber, MAPPED_OBJECT } from '../salesforce/org-check.js';
export type { Describer } from '../salesforce/org-check.js';
export type { ConfigProblem } from './problems.js';
export { REFERRAL_FIELDS, REFERRAL_PATHS, isListPath } from '../mapping/referral-paths.js';
export * from './schema.js';
