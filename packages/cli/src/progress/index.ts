export { errorCode, JsonProgress, type JsonProgressOptions, USAGE_ERROR_CODE } from './json-progress.js';
export { PROGRESS_FLAGS, type ProgressFormat, progressFormatFromArgv } from './progress-flag.js';
export { type ProgressOutput, textProgress } from './progress-output.js';
