import { describe, expect, it } from 'vitest';
import { TemplateParseError } from '../../../src/index.js';
import { lex } from '../../../src/template/lexer.js';

const kinds = (source: string): string[] =>
  lex(source, 't')
    .filter((t) => t.kind !== 'space')
    .map((t) => (t.kind === 'text' ? `text:${t.value}` : `${t.kind}:${t.value}`));

const lexError = (source: string): string => {
  try {
    lex(source, 't');
  } catch (error) {
    if (error instanceof TemplateParseError) return error.message;
    throw error;
  }
  return 'no error';
};

describe('lex', () => {
  it('splits text and actions', () => {
    expect(kinds('a {{.Name}} b')).toEqual([
      'text:a ',
      'leftDelim:{{',
      'field:.Name',
      'rightDelim:}}',
      'text: b',
      'eof:',
    ]);
  });

  it('lexes chains, variables, literals and punctuation', () => {
    expect(kinds('{{$x := .A.B | printf "%s" `raw` \'c\' 1.5 -2 true nil . ($) , = }}')).toEqual([
      'leftDelim:{{',
      'variable:$x',
      'declare::=',
      'field:.A',
      'field:.B',
      'pipe:|',
      'identifier:printf',
      'string:"%s"',
      'rawString:`raw`',
      "char:'c'",
      'number:1.5',
      'number:-2',
      'bool:true',
      'nil:nil',
      'dot:.',
      'leftParen:(',
      'variable:$',
      'rightParen:)',
      'comma:,',
      'assign:=',
      'rightDelim:}}',
      'eof:',
    ]);
  });

  it('recognises keywords', () => {
    expect(kinds('{{if .X}}{{else}}{{end}}').filter((k) => k.startsWith('keyword'))).toEqual([
      'keyword:if',
      'keyword:else',
      'keyword:end',
    ]);
  });

  it('trims spaces next to {{- and -}}', () => {
    expect(kinds('a \n {{- .X -}} \n\t b')).toEqual([
      'text:a',
      'leftDelim:{{',
      'field:.X',
      'rightDelim:}}',
      'text:b',
      'eof:',
    ]);
  });

  it('keeps a minus sign that is not a trim marker', () => {
    expect(kinds('{{-3}}')).toEqual(['leftDelim:{{', 'number:-3', 'rightDelim:}}', 'eof:']);
  });

  it('drops comments, trimming around them when asked', () => {
    expect(kinds('a {{/* note */}} b')).toEqual(['text:a ', 'text: b', 'eof:']);
    expect(kinds('a {{- /* note */ -}} b')).toEqual(['text:a', 'text:b', 'eof:']);
  });

  it('allows newlines inside actions', () => {
    expect(kinds('{{.A\n}}')).toEqual(['leftDelim:{{', 'field:.A', 'rightDelim:}}', 'eof:']);
  });

  it.each([
    ['{{.Name', 'template: t:1:0: unclosed action'],
    ['x\n{{.Name', 'template: t:2:0: unclosed action'],
    ['{{"abc}}', 'template: t:1:2: unterminated quoted string'],
    ['{{`abc}}', 'template: t:1:2: unterminated raw quoted string'],
    ["{{'a}}", 'template: t:1:2: unterminated character constant'],
    ['{{.Na-me}}', "template: t:1:5: bad character U+002D '-'"],
    ['{{#}}', "template: t:1:2: unrecognized character in action: U+0023 '#'"],
    ['{{/* x }}', 'template: t:1:0: unclosed comment'],
    ['{{/* x */ .X}}', 'template: t:1:0: comment ends before closing delimiter'],
    ['{{$x : 1}}', 'template: t:1:5: expected :='],
    ['{{)}}', "template: t:1:2: unexpected right paren U+0029 ')'"],
    ['{{(.X}}', 'template: t:1:5: unclosed left paren'],
    ['{{3x}}', 'template: t:1:2: bad number syntax: "3x"'],
  ])('reports %j as %s', (source, message) => {
    expect(lexError(source)).toBe(message);
  });
});
