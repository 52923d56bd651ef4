import type { TemplateExecError } from '@berth/go-format';

/**
 * Output of a `--format` rendering. docker-machine printed as it went, so a failing
 * template still left earlier output on stdout: print `stdout`, then report `error`.
 */
export interface RenderResult {
  readonly stdout: string;
  readonly error?: TemplateExecError;
}
