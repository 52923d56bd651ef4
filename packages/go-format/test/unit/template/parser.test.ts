import { describe, expect, it } from 'vitest';
import { compileTemplate, TemplateParseError } from '../../../src/index.js';
import { nodeText } from '../../../src/template/nodes.js';
import { parseTemplate } from '../../../src/template/parser.js';

const functions = new Set(['printf', 'len', 'eq', 'index', 'not']);

const parseError = (source: string): TemplateParseError => {
  try {
    compileTemplate(source, { name: 't' });
  } catch (error) {
    if (error instanceof TemplateParseError) return error;
    throw error;
  }
  throw new Error(`no parse error for ${source}`);
};

describe('parseTemplate', () => {
  it('prints the tree back as source', () => {
    const source =
      'x{{.A.B}}{{$v := index .L 1}}{{if eq $v "a"}}{{printf "%d" (len .L)}}{{else if not .B}}n{{else}}e{{end}}' +
      '{{range $i, $e := .L}}{{$i}}{{.}}{{end}}{{with .C}}{{.D | printf "%s"}}{{end}}{{(.F).G}}';
    const tree = parseTemplate(source, { name: 't', functions });
    expect(nodeText(tree.root)).toBe(
      'x{{.A.B}}{{$v := index .L 1}}{{if eq $v "a"}}{{printf "%d" (len .L)}}{{else}}{{if not .B}}n{{else}}e{{end}}{{end}}' +
        '{{range $i, $e := .L}}{{$i}}{{.}}{{end}}{{with .C}}{{.D | printf "%s"}}{{end}}{{(.F).G}}',
    );
  });

  it('reads int and float constants as Go does', () => {
    const tree = parseTemplate("{{1}}{{0x1F}}{{017}}{{1_000}}{{1.5}}{{1e3}}{{'a'}}", { name: 't', functions });
    const values = tree.root.nodes.map((n) => (n.kind === 'action' ? n.pipe.cmds[0]?.args[0] : undefined));
    expect(values.map((v) => (v?.kind === 'number' ? v.value : undefined))).toEqual([
      1n,
      31n,
      15n,
      1000n,
      1.5,
      1000,
      97n,
    ]);
  });

  it.each([
    ['{{foo}}', 'template: t:1:2: function "foo" not defined'],
    ['{{end}}', 'template: t:1:2: unexpected {{end}}'],
    ['{{else}}', 'template: t:1:2: unexpected {{else}}'],
    ['{{if .X}}', 'template: t:1:9: unexpected EOF'],
    ['{{}}', 'template: t:1:2: missing value for command'],
    ['{{if}}{{end}}', 'template: t:1:4: missing value for if'],
    ['{{$x}}', 'template: t:1:2: undefined variable "$x"'],
    ['{{with $x := .A}}{{end}}{{$x}}', 'template: t:1:26: undefined variable "$x"'],
    ['{{break}}', 'template: t:1:2: {{break}} outside {{range}}'],
    ['{{template "x"}}', 'template: t:1:2: {{template}} is not supported: Berth templates have no named templates'],
    ['{{.A | "x"}}', 'template: t:1:7: non executable command in pipeline stage 2'],
    ['{{"x".A}}', 'template: t:1:5: unexpected . after term "\\"x\\""'],
    ['{{.A }}}', 'no error'],
    ['{{"\\q"}}', 'template: t:1:2: invalid syntax'],
    ['{{1.2.3}}', 'template: t:1:5: unexpected ".3" in operand'],
    ['{{if .A}}{{else}}{{else}}{{end}}', 'template: t:1:19: expected end; found {{else}}'],
    ['{{range $a, $b, $c := .}}{{end}}', 'template: t:1:14: too many declarations in range'],
    ['{{range $a, 1}}{{end}}', 'template: t:1:10: range can only initialize variables'],
    ['{{with $a, $b := .}}{{end}}', 'template: t:1:9: too many declarations in with'],
    ['{{.A :}}', 'template: t:1:5: expected :='],
    ['{{.A =}}', 'template: t:1:5: unexpected "=" in operand'],
  ])('reports %j as %s', (source, message) => {
    if (message === 'no error') {
      expect(() => compileTemplate(source)).not.toThrow();
      return;
    }
    expect(parseError(source).message).toBe(message);
  });

  it('keeps the position and the source on the error', () => {
    const error = parseError('ok\n  {{foo}}');
    expect(error.position).toEqual({ offset: 7, line: 2, column: 4 });
    expect(error.data).toEqual({ template: 'ok\n  {{foo}}', line: 2, column: 4 });
    expect(error.exitCode).toBe(1);
  });
});
