import { TemplateExecError, TemplateParseError } from '@berth/go-format';
import { describe, expect, it } from 'vitest';
import { renderInspect, renderInspectFormat } from '../../../src/render/index.js';
import { fixtureStdout, fixtureStoreFile } from './fixtures.js';

const config = (name: string): unknown => JSON.parse(fixtureStoreFile(`machines/${name}/config.json`));

describe('inspect', () => {
  it.each([
    ['dm-generic', 'inspect-dm-generic'],
    ['legacy-none', 'inspect-legacy-none'],
  ])('prints %s config as docker-machine did (%s)', (name, slug) => {
    expect(renderInspect(config(name))).toBe(fixtureStdout(slug));
  });

  it('reproduces config.json plus a newline', () => {
    const text = fixtureStoreFile('machines/dm-generic/config.json');
    expect(renderInspect(JSON.parse(text))).toBe(`${text}\n`);
  });

  it('escapes <, > and & as Go does', () => {
    expect(renderInspect({ URL: 'https://x/?a=1&b=<2>' })).toBe(
      '{\n    "URL": "https://x/?a=1\\u0026b=\\u003c2\\u003e"\n}\n',
    );
  });
});

describe('inspect --format', () => {
  it('reads a field (inspect-format-ipaddress)', () => {
    expect(renderInspectFormat('{{.Driver.IPAddress}}', config('dm-generic'))).toEqual({
      stdout: fixtureStdout('inspect-format-ipaddress'),
    });
  });

  it('encodes with sorted keys (inspect-format-json-driver)', () => {
    expect(renderInspectFormat('{{json .Driver}}', config('dm-generic')).stdout).toBe(
      fixtureStdout('inspect-format-json-driver'),
    );
  });

  it('sees numbers as float64 and objects as maps', () => {
    const data = config('dm-generic');
    expect(renderInspectFormat('{{.Driver.SSHPort}} {{.ConfigVersion}}', data).stdout).toBe('22 3\n');
    expect(renderInspectFormat('{{.HostOptions.EngineOptions.Labels}}', data).stdout).toBe('[env=test]\n');
    expect(renderInspectFormat('{{.Nope}}', data).stdout).toBe('<no value>\n');
    expect(renderInspectFormat('{{.HostOptions.EngineOptions.Dns}}', data).stdout).toBe('<no value>\n');
    expect(renderInspectFormat('{{range .HostOptions.AuthOptions.ServerCertSANs}}{{.}},{{end}}', data).stdout).toBe(
      'legacy.example.test,\n',
    );
  });

  it('prefixes parse errors like docker-machine', () => {
    const run = () => renderInspectFormat('{{.Driver', config('dm-generic'));
    expect(run).toThrow(TemplateParseError);
    expect(run).toThrow('template parsing error: template: inspect:1:0: unclosed action');
  });

  it('returns execution errors with the output written before them', () => {
    const result = renderInspectFormat('{{.Name}} {{.Name.Foo}}', config('dm-generic'));
    expect(result.stdout).toBe('dm-generic ');
    expect(result.error).toBeInstanceOf(TemplateExecError);
    expect(result.error?.message).toBe(
      'template: inspect:1:17: executing "inspect" at <.Name.Foo>: can\'t evaluate field Foo in type interface {}',
    );
  });
});
