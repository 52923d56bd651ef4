import { isBerthError } from '@berth/driver-protocol';
import { describe, expect, it } from 'vitest';
import {
  compileTemplate,
  FunctionCallError,
  GoStringer,
  GoStruct,
  renderTemplate,
  TemplateExecError,
} from '../../../src/index.js';

const data = {
  Name: 'dev',
  Count: 3,
  Big: 1e6,
  Ratio: 1.5,
  On: true,
  Off: false,
  Nil: null,
  Empty: '',
  List: ['a', 'b', 'c'],
  EmptyList: [],
  Map: { b: 2, a: 1 },
  Nested: { Inner: { Leaf: 'x' } },
};

const render = (source: string, value: unknown = data): string => renderTemplate(source, value, { name: 't' });

const execError = (source: string, value: unknown = data): TemplateExecError => {
  try {
    render(source, value);
  } catch (error) {
    if (error instanceof TemplateExecError) return error;
    throw error;
  }
  throw new Error(`no execution error for ${source}`);
};

describe('fields and printing', () => {
  it.each([
    ['{{.Name}}', 'dev'],
    ['{{.Nested.Inner.Leaf}}', 'x'],
    ['{{.Count}} {{.Big}} {{.Ratio}} {{.On}}', '3 1e+06 1.5 true'],
    ['{{.List}} {{.EmptyList}}', '[a b c] []'],
    ['{{.Map}}', 'map[a:1 b:2]'],
    ['{{.Nested}}', 'map[Inner:map[Leaf:x]]'],
    ['{{.Missing}}|{{.Missing.Deeper}}|{{.Nil}}', '<no value>|<no value>|<no value>'],
    ['{{printf "%v" .Nil}}', '<nil>'],
    [
      '{{.}}',
      'map[Big:1e+06 Count:3 Empty: EmptyList:[] List:[a b c] Map:map[a:1 b:2] Name:dev Nested:map[Inner:map[Leaf:x]] Nil:<nil> Off:false On:true Ratio:1.5]',
    ],
  ])('%s', (source, text) => {
    expect(render(source)).toBe(text);
  });

  it('prints no value for nil data', () => {
    expect(render('{{.A}}', undefined)).toBe('<no value>');
    expect(render('{{.}}', null)).toBe('<no value>');
  });

  it('prints literals as Go constants', () => {
    expect(render('{{3}} {{1.0}} {{1e6}} {{0x10}} {{\'a\'}} {{"a\\tb"}} {{`r\\n`}} {{true}}')).toBe(
      '3 1 1e+06 16 97 a\tb r\\n true',
    );
  });

  it('trims around {{- -}} and drops comments', () => {
    expect(render('a  {{- .Name -}}  b{{/* gone */}}!')).toBe('adevb!');
  });
});

describe('Go structs and stringers', () => {
  const options = new GoStruct('*swarm.Options', [{ name: 'Host', value: 'tcp://0.0.0.0:3376' }]);
  const item = new GoStruct('commands.HostListItem', [
    { name: 'Name', value: 'dev' },
    { name: 'Count', value: 2n },
    { name: 'Options', value: options },
    { name: 'Missing', value: new GoStruct('*swarm.Options', [{ name: 'Host', value: '' }], { nil: true }) },
    { name: 'Took', value: new GoStringer('time.Duration', '1.5s', 1_500_000_000n) },
  ]);

  it('reads fields, looks through a top-level pointer, keeps it in printf', () => {
    expect(render('{{.Name}} {{.Count}} {{.Options.Host}} {{.Options}} {{printf "%v" .Options}}', item)).toBe(
      'dev 2 tcp://0.0.0.0:3376 {tcp://0.0.0.0:3376} &{tcp://0.0.0.0:3376}',
    );
  });

  it('prints a stringer as text and encodes its value', () => {
    expect(render('{{.Took}} {{json .Took}} {{if .Took}}set{{end}}', item)).toBe('1.5s 1500000000 set');
  });

  it('prints a nil pointer as <nil> and treats it as false', () => {
    expect(render('{{.Missing}} {{if .Missing}}y{{else}}n{{end}}', item)).toBe('<nil> n');
  });

  it('rejects an unknown field, naming the type and listing the fields', () => {
    const error = execError('{{.Nmae}}', item);
    expect(error.message).toBe(
      'template: t:1:2: executing "t" at <.Nmae>: can\'t evaluate field Nmae in type commands.HostListItem',
    );
    expect(error.actions).toEqual(['Fields of commands.HostListItem: .Name, .Count, .Options, .Missing, .Took']);
    expect(error.context).toBe('.Nmae');
    expect(error.reason).toBe("can't evaluate field Nmae in type commands.HostListItem");
  });

  it('tells a nil pointer from an unknown field', () => {
    expect(execError('{{.Missing.Host}}', item).reason).toBe('nil pointer evaluating *swarm.Options.Host');
    expect(execError('{{.Missing.Port}}', item).reason).toBe("can't evaluate field Port in type *swarm.Options");
    expect(execError('{{.Took.Seconds}}', item).reason).toBe("can't evaluate field Seconds in type time.Duration");
    expect(execError('{{.Name.Length}}', item).reason).toBe("can't evaluate field Length in type string");
  });
});

describe('pipelines and functions', () => {
  it.each([
    ['{{.Name | printf "%s!"}}', 'dev!'],
    ['{{.Name | printf "%s-%s" "x"}}', 'x-dev'],
    ['{{.List | len}} {{"abc" | len}} {{len "é"}} {{len .Map}}', '3 3 2 2'],
    ['{{printf "%d" (len .List)}}', '3'],
    ['{{(index .Nested "Inner").Leaf}}', 'x'],
    ['{{index .List 1}} {{index .Map "a"}} {{index .Map "z"}} {{index .Name 0}}', 'b 1 <no value> 100'],
    ['{{index .List 1.0}}', 'b'],
    ['{{print "a" 1 2 "b"}}', 'a1 2b'],
    ['{{println "a" 1}}', 'a 1\n'],
    ['{{json .Map}} {{json .Missing}} {{json .List}}', '{"a":1,"b":2} null ["a","b","c"]'],
    ['{{prettyjson .Map}}', '{\n    "a": 1,\n    "b": 2\n}'],
    [
      '{{join .List ", "}} {{split "a,b" ","}} {{upper .Name}} {{lower "ABC"}} {{title "hello big-world"}}',
      'a, b, c [a b] DEV abc Hello Big-World',
    ],
    ['{{and 1 0 "x"}} {{and 1 "x"}} {{or 0 "" "x"}} {{or 0 ""}} {{not .Empty}}', '0 x x  true'],
    ['{{or .On (index .List 10)}} {{and .Off (index .List 10)}}', 'true false'],
    ['{{.Name | not | not}}', 'true'],
  ])('%s', (source, text) => {
    expect(render(source)).toBe(text);
  });

  it('compares like Go, and numbers of any kind with each other', () => {
    expect(
      render('{{eq .Name "dev"}} {{eq .Name "x" "dev"}} {{ne .Name "x"}} {{eq .Count 3}} {{eq .Nil .Missing}}'),
    ).toBe('true true true true true');
    expect(render('{{lt 1 2}} {{le 2 2}} {{gt "b" "a"}} {{ge 1.5 2}} {{lt .Ratio 2}}')).toBe(
      'true true true false true',
    );
  });

  it('accepts extra functions', () => {
    const template = compileTemplate('{{shout .Name}}', {
      functions: { shout: { arity: 1, call: ([v]) => `${String(v)}!` } },
    });
    expect(template.execute(data)).toBe('dev!');
  });

  it.each([
    ['{{eq .Name 1}}', 'error calling eq: incompatible types for comparison', 'eq .Name 1'],
    ['{{lt true false}}', 'error calling lt: invalid type for comparison', 'lt true false'],
    ['{{eq .List .List}}', 'error calling eq: non-comparable type [a b c]: []interface {}', 'eq .List .List'],
    ['{{index .List 5}}', 'error calling index: index out of range: 5', 'index .List 5'],
    ['{{index .Count 0}}', "error calling index: can't index item of type float64", 'index .Count 0'],
    ['{{index .Map 1}}', 'error calling index: value has type int; should be string', 'index .Map 1'],
    ['{{len .Count}}', 'error calling len: len of type float64', 'len .Count'],
    ['{{join .Name ","}}', 'error calling join: wrong type for value; expected []string; got string', 'join .Name ","'],
    ['{{len}}', 'wrong number of args for len: want 1 got 0', 'len'],
    ['{{printf}}', 'wrong number of args for printf: want at least 1 got 0', 'printf'],
    ['{{.Name 1}}', 'Name is not a method but has arguments', '.Name'],
    ['{{"x" | .Name}}', 'Name is not a method but has arguments', '.Name'],
    ['{{$x := 1}}{{$x 2}}', "can't give argument to non-function $x", '$x'],
    ['{{nil}}', 'nil is not a command', 'nil'],
    ['{{.Name.X}}', "can't evaluate field X in type interface {}", '.Name.X'],
    ['{{.Nil.X}}', 'nil pointer evaluating interface {}.X', '.Nil.X'],
    ['{{range .Name}}{{end}}', "range can't iterate over dev", '.Name'],
  ])('%s fails with %s', (source, reason, context) => {
    const error = execError(source);
    expect(error.reason).toBe(reason);
    expect(error.context).toBe(context);
  });

  it('wraps the error of a custom function', () => {
    const template = compileTemplate('{{boom}}', {
      name: 't',
      functions: {
        boom: {
          arity: 0,
          call: () => {
            throw new FunctionCallError('it broke');
          },
        },
      },
    });
    expect(() => template.execute(data)).toThrow(
      'template: t:1:2: executing "t" at <boom>: error calling boom: it broke',
    );
  });

  it('reports any error a function throws as a template error, as Go does for a panic', () => {
    const template = compileTemplate('a{{printf "%*d" 10000000000 1}}', { name: 't' });
    const error = (() => {
      try {
        template.execute(data);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(TemplateExecError);
    expect((error as TemplateExecError).message).toBe(
      'template: t:1:3: executing "t" at <printf "%*d" 10000000000 1>: error calling printf: Invalid string length',
    );
    expect((error as TemplateExecError).partialOutput).toBe('a');
  });

  it('locates errors on later lines and keeps the output written before them', () => {
    const error = execError('line one\nab{{.Name.X}}');
    expect(error.message).toBe(
      'template: t:2:9: executing "t" at <.Name.X>: can\'t evaluate field X in type interface {}',
    );
    expect(error.partialOutput).toBe('line one\nab');
    expect(error.exitCode).toBe(1);
    expect(isBerthError(error)).toBe(true);
    expect(error.toJSON().code).toBe('TemplateExec');
  });
});

describe('control structures', () => {
  it.each([
    ['{{if .On}}y{{else}}n{{end}}', 'y'],
    ['{{if .Empty}}y{{else if .List}}l{{else}}n{{end}}', 'l'],
    ['{{if .EmptyList}}y{{else}}n{{end}}{{if .Missing}}y{{else}}n{{end}}{{if .Map}}y{{end}}', 'nny'],
    ['{{if 0}}y{{else if 0.0}}f{{else}}z{{end}}', 'z'],
    ['{{with .Nested.Inner}}{{.Leaf}}{{end}}', 'x'],
    ['{{with .Missing}}y{{else}}n{{end}}', 'n'],
    ['{{range .List}}[{{.}}]{{end}}', '[a][b][c]'],
    ['{{range $i, $v := .List}}{{$i}}{{$v}}{{end}}', '0a1b2c'],
    ['{{range $v := .List}}{{$v}}{{end}}', 'abc'],
    ['{{range $k, $v := .Map}}{{$k}}={{$v}};{{end}}', 'a=1;b=2;'],
    ['{{range .EmptyList}}x{{else}}empty{{end}} {{range .Missing}}x{{else}}none{{end}}', 'empty none'],
    ['{{range .List}}{{if eq . "b"}}{{continue}}{{end}}{{if eq . "c"}}{{break}}{{end}}{{.}}{{end}}', 'a'],
    ['{{range .List}}{{$.Name}}{{end}}', 'devdevdev'],
    ['{{$x := .Name}}{{$x}}{{$x = "new"}}{{$x}}', 'devnew'],
    ['{{if true}}{{$y := 1}}{{$y}}{{end}}', '1'],
    ['{{$x := 1}}{{range .List}}{{$x = .}}{{end}}{{$x}}', 'c'],
    ['{{range .List}}{{$i := .}}{{end}}done', 'done'],
  ])('%s', (source, text) => {
    expect(render(source)).toBe(text);
  });
});
