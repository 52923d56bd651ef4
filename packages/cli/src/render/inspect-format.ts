import { compileTemplate, encodeGoJson, TemplateExecError, TemplateParseError } from '@berth/go-format';
import type { RenderResult } from './render-result.js';

/**
 * `inspect --format`. As in docker-machine, the template sees the config after a JSON round
 * trip: objects are maps (missing keys print `<no value>`, `json` sorts keys) and numbers
 * are float64. A newline follows the output. A parse error is thrown, prefixed
 * `template parsing error: `; an execution error comes back with the partial output.
 */
export function renderInspectFormat(format: string, config: unknown): RenderResult {
  let template: ReturnType<typeof compileTemplate>;
  try {
    template = compileTemplate(format, { name: 'inspect' });
  } catch (error) {
    if (error instanceof TemplateParseError) throw error.withPrefix('template parsing error: ');
    throw error;
  }
  const data: unknown = JSON.parse(encodeGoJson(config, { sortMapKeys: false }));
  try {
    return { stdout: `${template.execute(data)}\n` };
  } catch (error) {
    if (error instanceof TemplateExecError) return { stdout: error.partialOutput, error };
    throw error;
  }
}
