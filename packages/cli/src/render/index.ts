export type { ConfigFlagsInput } from './config-flags.js';
export { machineTlsPaths, renderConfigFlags } from './config-flags.js';
export {
  notSwarmMasterMessage,
  tlsCheckFailedMessage,
  UNKNOWN_SHELL_ERROR,
  UNKNOWN_SHELL_NOTICE,
  UNSET_WITH_MACHINE_NAME_ERROR,
  WINDOWS_SHELL_NOTICE,
} from './env-messages.js';
export type { Environment, NoProxySetting } from './env-no-proxy.js';
export { currentNoProxy, noProxyWithMachine } from './env-no-proxy.js';
export type { EnvSetInput, EnvUnsetInput } from './env-render.js';
export { renderEnvSet, renderEnvUnset } from './env-render.js';
export type { ShellDetectInput, ShellDetection } from './env-shell-detect.js';
export { detectShell } from './env-shell-detect.js';
export type { ShellSyntax } from './env-shell-syntax.js';
export { shellSyntax } from './env-shell-syntax.js';
export { swarmDockerHost } from './env-swarm.js';
export { commandLine, envUsageHint } from './env-usage-hint.js';
export { renderInspectFormat } from './inspect-format.js';
export { renderInspect, renderInspectJsonLine } from './inspect-json.js';
export { jsonLine } from './json-line.js';
export type {
  ActiveJson,
  BerthVersionJson,
  JsonMachineState,
  LastKnownJson,
  LsMachineJson,
  MachineVersionJson,
  ProgressErrorEvent,
  ProgressEvent,
  ProgressInfoEvent,
  ProgressStepEvent,
  StatusJson,
} from './json-shapes.js';
export type { ActiveInput, ActiveMarkers } from './ls-active.js';
export { activeMarkers, swarmUrl } from './ls-active.js';
export type { LsFilterSubject, LsFilters } from './ls-filter.js';
export { filterLs, hasFilters, LsFilterError, matchesLsFilters, needsState, parseLsFilters } from './ls-filter.js';
export type { LsFormat } from './ls-format.js';
export { LS_DEFAULT_FORMAT, parseLsFormat } from './ls-format.js';
export type { LsJsonOptions } from './ls-json.js';
export { lsMachineJson, renderLsJson } from './ls-json.js';
export { displayedState, formatAge, lastKnownAgeSeconds } from './ls-last-known.js';
export type { LsEngineOptions, LsLastKnown, LsRow, LsSwarmOptions } from './ls-row.js';
export { LS_HEADERS, lsTemplateData } from './ls-row.js';
export type { SwarmHost } from './ls-swarm.js';
export { swarmColumn, swarmMasters } from './ls-swarm.js';
export type { LsRenderOptions } from './ls-table.js';
export { renderLs, renderLsQuiet, sortLsRows } from './ls-table.js';
export { compareNatural } from './natural-sort.js';
export type { RenderResult } from './render-result.js';
