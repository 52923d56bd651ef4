import { quoteGo } from '../strconv/quote.js';
import { unquoteGoChar, unquoteGoString } from '../strconv/unquote.js';
import { locate, TemplateParseError } from './errors.js';
import { lex, type Token } from './lexer.js';
import type {
  BranchNode,
  CommandNode,
  ListNode,
  Node,
  NumberNode,
  OperandNode,
  PipeNode,
  VariableNode,
} from './nodes.js';

/** A parsed template, ready to execute. */
export interface ParsedTemplate {
  readonly name: string;
  readonly source: string;
  readonly root: ListNode;
}

export interface ParseOptions {
  /** Template name used in error messages (docker-machine used ""). */
  name: string;
  /** Names callable as functions; others fail at parse time, as in Go. */
  functions: ReadonlySet<string>;
}

/** Marker returned for `{{end}}` and `{{else}}`, which close the list being parsed. */
interface Closer {
  readonly kind: 'end' | 'else';
  readonly pos: number;
  /** `{{else if …}}` leaves the `if` to be parsed as a nested branch. */
  readonly elseIf: boolean;
}

export function parseTemplate(source: string, options: ParseOptions): ParsedTemplate {
  return { name: options.name, source, root: new Parser(source, options).parse() };
}

class Parser {
  private readonly tokens: Token[];
  private index = 0;
  private readonly vars: string[] = ['$'];
  private rangeDepth = 0;

  constructor(
    private readonly source: string,
    private readonly options: ParseOptions,
  ) {
    this.tokens = lex(source, options.name);
  }

  parse(): ListNode {
    const nodes: Node[] = [];
    const pos = this.peek().pos;
    while (this.peek().kind !== 'eof') {
      const node = this.textOrAction();
      if ('elseIf' in node) this.fail(node.pos, `unexpected {{${node.kind}}}`);
      nodes.push(node);
    }
    return { kind: 'list', pos, nodes };
  }

  // Token access. Spaces are tokens because they separate command arguments.

  private peek(): Token {
    return this.tokens[this.index] ?? this.eof();
  }
  private next(): Token {
    const token = this.peek();
    if (this.index < this.tokens.length) this.index++;
    return token;
  }
  private backup(count = 1): void {
    this.index -= count;
  }
  private nextNonSpace(): Token {
    let token = this.next();
    while (token.kind === 'space') token = this.next();
    return token;
  }
  private peekNonSpace(): Token {
    const token = this.nextNonSpace();
    this.backup();
    return token;
  }
  private eof(): Token {
    return { kind: 'eof', value: '', pos: this.source.length };
  }

  private fail(pos: number, reason: string): never {
    throw new TemplateParseError({
      templateName: this.options.name,
      source: this.source,
      position: locate(this.source, pos),
      reason,
    });
  }

  /** Go's `unexpected "x" in context`, with keywords shown as `<if>` and long tokens cut. */
  private unexpected(token: Token, context: string): never {
    let shown: string;
    if (token.kind === 'eof') shown = 'EOF';
    else if (token.kind === 'keyword') shown = `<${token.value}>`;
    else if (Array.from(token.value).length > 10)
      shown = `${quoteGo(Array.from(token.value).slice(0, 10).join(''))}...`;
    else shown = quoteGo(token.value);
    return this.fail(token.pos, `unexpected ${shown} in ${context}`);
  }

  private expect(kind: Token['kind'], context: string): Token {
    const token = this.nextNonSpace();
    if (token.kind !== kind) this.unexpected(token, context);
    return token;
  }

  // Lists and actions.

  private itemList(): { list: ListNode; closer: Closer } {
    const pos = this.peekNonSpace().pos;
    const nodes: Node[] = [];
    while (this.peekNonSpace().kind !== 'eof') {
      const node = this.textOrAction();
      if ('elseIf' in node) return { list: { kind: 'list', pos, nodes }, closer: node };
      nodes.push(node);
    }
    return this.fail(this.source.length, 'unexpected EOF');
  }

  private textOrAction(): Node | Closer {
    const token = this.nextNonSpace();
    if (token.kind === 'text') return { kind: 'text', pos: token.pos, text: token.value };
    if (token.kind === 'leftDelim') return this.action();
    return this.unexpected(token, 'input');
  }

  private action(): Node | Closer {
    const token = this.nextNonSpace();
    if (token.kind === 'keyword') {
      switch (token.value) {
        case 'if':
        case 'range':
        case 'with':
          return this.branch(token.value, token.pos);
        case 'else':
          return this.elseControl(token.pos);
        case 'end':
          this.expect('rightDelim', 'end');
          return { kind: 'end', pos: token.pos, elseIf: false };
        case 'break':
        case 'continue': {
          const close = this.nextNonSpace();
          if (close.kind !== 'rightDelim') this.unexpected(close, `{{${token.value}}}`);
          if (this.rangeDepth === 0) this.fail(token.pos, `{{${token.value}}} outside {{range}}`);
          return { kind: token.value, pos: token.pos };
        }
        default:
          return this.fail(token.pos, `{{${token.value}}} is not supported: Berth templates have no named templates`);
      }
    }
    this.backup();
    const pipe = this.pipeline('command', 'rightDelim');
    return { kind: 'action', pos: pipe.pos, pipe };
  }

  private elseControl(pos: number): Closer {
    const next = this.peekNonSpace();
    if (next.kind === 'keyword' && next.value === 'if') return { kind: 'else', pos, elseIf: true };
    this.expect('rightDelim', 'else');
    return { kind: 'else', pos, elseIf: false };
  }

  private branch(kind: BranchNode['kind'], pos: number): BranchNode {
    const mark = this.vars.length;
    const pipe = this.pipeline(kind, 'rightDelim');
    if (kind === 'range') this.rangeDepth++;
    const { list, closer } = this.itemList();
    if (kind === 'range') this.rangeDepth--;
    let elseList: ListNode | undefined;
    if (closer.kind === 'else') {
      if (closer.elseIf && kind === 'if') {
        const ifToken = this.nextNonSpace();
        elseList = { kind: 'list', pos: closer.pos, nodes: [this.branch('if', ifToken.pos)] };
      } else {
        if (closer.elseIf) this.unexpected(this.nextNonSpace(), 'else');
        const rest = this.itemList();
        if (rest.closer.kind !== 'end') this.fail(rest.closer.pos, 'expected end; found {{else}}');
        elseList = rest.list;
      }
    }
    this.vars.length = mark;
    return { kind, pos, pipe, list, elseList };
  }

  // Pipelines and commands.

  private pipeline(context: string, end: 'rightDelim' | 'rightParen'): PipeNode {
    const pos = this.peekNonSpace().pos;
    const decl: VariableNode[] = [];
    let isAssign = false;

    for (;;) {
      const variable = this.peekNonSpace();
      if (variable.kind !== 'variable') break;
      this.nextNonSpace();
      const afterVariable = this.peek();
      const next = this.peekNonSpace();
      if (next.kind === 'assign' || next.kind === 'declare') {
        isAssign = next.kind === 'assign';
        this.nextNonSpace();
        decl.push({ kind: 'variable', pos: variable.pos, idents: [variable.value] });
        if (!isAssign) this.vars.push(variable.value);
        else this.useVariable(variable.pos, variable.value);
        break;
      }
      if (next.kind === 'comma') {
        this.nextNonSpace();
        decl.push({ kind: 'variable', pos: variable.pos, idents: [variable.value] });
        this.vars.push(variable.value);
        if (context === 'range' && decl.length < 2) {
          const following = this.peekNonSpace().kind;
          if (following === 'variable' || following === 'rightDelim' || following === 'rightParen') continue;
          this.fail(next.pos, 'range can only initialize variables');
        }
        this.fail(next.pos, `too many declarations in ${context}`);
      }
      // Not a declaration: `$x` is the first operand. Put it back, with its trailing space.
      this.backup(afterVariable.kind === 'space' ? 2 : 1);
      break;
    }

    const cmds: CommandNode[] = [];
    for (;;) {
      const token = this.nextNonSpace();
      if (token.kind === end) {
        if (cmds.length === 0) this.fail(token.pos, `missing value for ${context}`);
        cmds.slice(1).forEach((cmd, i) => {
          const first = cmd.args[0];
          if (first !== undefined && ['bool', 'dot', 'nil', 'number', 'string'].includes(first.kind)) {
            this.fail(cmd.pos, `non executable command in pipeline stage ${i + 2}`);
          }
        });
        return { kind: 'pipe', pos, decl, isAssign, cmds };
      }
      switch (token.kind) {
        case 'bool':
        case 'char':
        case 'dot':
        case 'field':
        case 'identifier':
        case 'number':
        case 'nil':
        case 'rawString':
        case 'string':
        case 'variable':
        case 'leftParen':
          this.backup();
          cmds.push(this.command());
          break;
        default:
          this.unexpected(token, context);
      }
    }
  }

  private command(): CommandNode {
    const pos = this.peekNonSpace().pos;
    const args: OperandNode[] = [];
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand !== undefined) args.push(operand);
      const token = this.next();
      if (token.kind === 'space') continue;
      if (token.kind === 'rightDelim' || token.kind === 'rightParen') this.backup();
      else if (token.kind !== 'pipe') this.unexpected(token, 'operand');
      break;
    }
    if (args.length === 0) this.fail(pos, 'empty command');
    return { kind: 'command', pos, args };
  }

  private operand(): OperandNode | undefined {
    const term = this.term();
    if (term === undefined || this.peek().kind !== 'field') return term;
    const fields: string[] = [];
    const pos = this.peek().pos;
    while (this.peek().kind === 'field') fields.push(this.next().value.slice(1));
    // As in Go, a chained node sits at its first chained field: `.Driver.Foo` is at `.Foo`.
    switch (term.kind) {
      case 'field':
        return { kind: 'field', pos, idents: [...term.idents, ...fields] };
      case 'variable':
        return { kind: 'variable', pos, idents: [...term.idents, ...fields] };
      case 'bool':
      case 'string':
      case 'number':
      case 'nil':
      case 'dot':
        return this.fail(pos, `unexpected . after term ${quoteGo(termText(term))}`);
      default:
        return { kind: 'chain', pos, node: term, fields };
    }
  }

  private term(): OperandNode | undefined {
    const token = this.nextNonSpace();
    switch (token.kind) {
      case 'identifier':
        if (!this.options.functions.has(token.value))
          this.fail(token.pos, `function ${quoteGo(token.value)} not defined`);
        return { kind: 'identifier', pos: token.pos, name: token.value };
      case 'dot':
        return { kind: 'dot', pos: token.pos };
      case 'nil':
        return { kind: 'nil', pos: token.pos };
      case 'variable':
        this.useVariable(token.pos, token.value);
        return { kind: 'variable', pos: token.pos, idents: token.value.split('.') };
      case 'field':
        return { kind: 'field', pos: token.pos, idents: [token.value.slice(1)] };
      case 'bool':
        return { kind: 'bool', pos: token.pos, value: token.value === 'true' };
      case 'char':
      case 'number':
        return this.number(token);
      case 'leftParen':
        return this.pipeline('parenthesized pipeline', 'rightParen');
      case 'string':
      case 'rawString': {
        const text = unquoteGoString(token.value);
        if (text === undefined) this.fail(token.pos, 'invalid syntax');
        return { kind: 'string', pos: token.pos, quoted: token.value, text: text ?? '' };
      }
      default:
        this.backup();
        return undefined;
    }
  }

  private useVariable(pos: number, name: string): void {
    if (!this.vars.includes(name)) this.fail(pos, `undefined variable ${quoteGo(name)}`);
  }

  private number(token: Token): NumberNode {
    const value = token.kind === 'char' ? charValue(token.value) : numberValue(token.value);
    if (value === undefined) this.fail(token.pos, `illegal number syntax: ${quoteGo(token.value)}`);
    return { kind: 'number', pos: token.pos, text: token.value, value: value ?? 0 };
  }
}

function termText(term: OperandNode): string {
  switch (term.kind) {
    case 'bool':
      return String(term.value);
    case 'string':
      return term.quoted;
    case 'number':
      return term.text;
    case 'nil':
      return 'nil';
    default:
      return '.';
  }
}

function charValue(literal: string): bigint | undefined {
  const code = unquoteGoChar(literal);
  return code === undefined ? undefined : BigInt(code);
}

/**
 * Go's untyped constants: text with a fraction or exponent is a float64 (number), anything
 * else that parses as an integer is an int (bigint). Imaginary and hex-float constants are
 * not supported.
 */
function numberValue(text: string): number | bigint | undefined {
  const clean = text.replaceAll('_', '');
  const negative = clean.startsWith('-');
  const unsigned = clean.replace(/^[+-]/, '');
  const isHex = /^0[xX]/.test(unsigned);
  if (!isHex && /[.eE]/.test(unsigned)) {
    const value = Number(clean);
    return Number.isNaN(value) ? undefined : value;
  }
  let digits: string | undefined;
  if (/^0[xX][0-9a-fA-F]+$/.test(unsigned) || /^0[oO][0-7]+$/.test(unsigned) || /^0[bB][01]+$/.test(unsigned)) {
    digits = unsigned;
  } else if (/^0[0-7]+$/.test(unsigned)) digits = `0o${unsigned.slice(1)}`;
  else if (/^\d+$/.test(unsigned)) digits = unsigned;
  if (digits === undefined) return undefined;
  const value = BigInt(digits);
  return negative ? -value : value;
}
