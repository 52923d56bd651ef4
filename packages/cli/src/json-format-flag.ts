import { Flags } from '@oclif/core';

/**
 * `--format json` of the commands docker-machine gave no `--format` (status, version, active):
 * `json` is the one value, so anything else is refused rather than taken as a template.
 */
export function jsonFormatFlag() {
  return Flags.string({ char: 'f', summary: 'Print JSON (one object on one line) instead of text', options: ['json'] });
}
