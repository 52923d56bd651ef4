import { formatArg } from '../fmt/format-arg.js';
import { GoStringer, GoStruct, goTypeName, isGoMap, isTruthy, sortedKeys } from '../values/values.js';
import type { FunctionTable, TemplateFunction } from './builtins.js';
import { locate, TemplateExecError } from './errors.js';
import {
  type AnyNode,
  type BranchNode,
  type ChainNode,
  type CommandNode,
  type FieldNode,
  type IdentifierNode,
  type Node,
  nodeText,
  type OperandNode,
  type PipeNode,
  type VariableNode,
} from './nodes.js';
import type { ParsedTemplate } from './parser.js';

/**
 * A value during evaluation. `iface` marks a value read out of a map or list: Go sees it
 * through the static type `interface {}`, which shows in error messages, and a nil one
 * becomes "no value" once a pipeline finishes.
 */
interface Ref {
  readonly value: unknown;
  readonly iface?: boolean;
}

/** No value piped in from a previous command. */
const MISSING: unique symbol = Symbol('missing');
type Final = Ref | typeof MISSING;

class BreakSignal {}
class ContinueSignal {}

/** Runs a parsed template over `data` and returns the text, as Go's Template.Execute does. */
export function executeTemplate(template: ParsedTemplate, data: unknown, functions: FunctionTable): string {
  return new Execution(template, functions, data).run();
}

class Execution {
  private readonly out: string[] = [];
  private readonly vars: { name: string; ref: Ref }[];
  private node: AnyNode | undefined;

  constructor(
    private readonly template: ParsedTemplate,
    private readonly functions: FunctionTable,
    data: unknown,
  ) {
    // Go's Execute(w, nil) runs on an invalid value: it prints as "no value".
    this.vars = [{ name: '$', ref: { value: data === null ? undefined : data } }];
  }

  run(): string {
    this.walk({ value: this.vars[0]?.ref.value }, this.template.root);
    return this.out.join('');
  }

  private at(node: AnyNode): void {
    this.node = node;
  }

  private fail(reason: string, actions: string[] = [], cause?: unknown): never {
    const node = this.node;
    const { name, source } = this.template;
    throw new TemplateExecError({
      templateName: name,
      source,
      position: locate(source, node?.pos ?? 0),
      context: node === undefined ? '' : nodeText(node),
      reason,
      actions,
      partialOutput: this.out.join(''),
      cause,
    });
  }

  // Statements.

  private walk(dot: Ref, node: Node): void {
    switch (node.kind) {
      case 'text':
        this.out.push(node.text);
        return;
      case 'list':
        for (const child of node.nodes) this.walk(dot, child);
        return;
      case 'action': {
        const value = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) {
          this.at(node);
          this.out.push(printable(value.value));
        }
        return;
      }
      case 'if':
      case 'with':
        this.walkIfOrWith(dot, node);
        return;
      case 'range':
        this.walkRange(dot, node);
        return;
      case 'break':
        throw new BreakSignal();
      case 'continue':
        throw new ContinueSignal();
    }
  }

  private walkIfOrWith(dot: Ref, node: BranchNode): void {
    const mark = this.vars.length;
    const value = this.evalPipeline(dot, node.pipe);
    if (isTruthy(value.value)) this.walk(node.kind === 'with' ? value : dot, node.list);
    else if (node.elseList !== undefined) this.walk(dot, node.elseList);
    this.vars.length = mark;
  }

  private walkRange(dot: Ref, node: BranchNode): void {
    this.at(node);
    const outer = this.vars.length;
    const collection = this.evalPipeline(dot, node.pipe).value;
    const mark = this.vars.length;
    const { decl, isAssign } = node.pipe;

    const iteration = (key: Ref, element: Ref): void => {
      if (decl.length > 0) {
        if (isAssign) this.setVar(decl[0]?.idents[0] ?? '', decl.length > 1 ? key : element);
        else this.setTopVar(1, element);
      }
      if (decl.length > 1) {
        if (isAssign) this.setVar(decl[1]?.idents[0] ?? '', element);
        else this.setTopVar(2, key);
      }
      try {
        this.walk(element, node.list);
      } catch (signal) {
        if (!(signal instanceof ContinueSignal)) throw signal;
      } finally {
        this.vars.length = mark;
      }
    };

    let entries: [Ref, Ref][] = [];
    if (Array.isArray(collection)) {
      entries = collection.map((item, i) => [{ value: BigInt(i) }, { value: item, iface: true }]);
    } else if (isGoMap(collection)) {
      entries = sortedKeys(collection).map((k) => [{ value: k }, { value: collection[k], iface: true }]);
    } else if (collection !== undefined && collection !== null) {
      this.fail(`range can't iterate over ${formatArg(collection, 'v')}`);
    }

    try {
      for (const [key, element] of entries) iteration(key, element);
    } catch (signal) {
      if (!(signal instanceof BreakSignal)) throw signal;
    }
    if (entries.length === 0 && node.elseList !== undefined) this.walk(dot, node.elseList);
    this.vars.length = outer;
  }

  // Variables.

  private push(name: string, ref: Ref): void {
    this.vars.push({ name, ref });
  }

  private setVar(name: string, ref: Ref): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const slot = this.vars[i];
      if (slot?.name === name) {
        slot.ref = ref;
        return;
      }
    }
    this.fail(`undefined variable: ${name}`);
  }

  /** Sets the n-th variable from the top (1 is the most recently declared). */
  private setTopVar(n: number, ref: Ref): void {
    const slot = this.vars[this.vars.length - n];
    if (slot !== undefined) slot.ref = ref;
  }

  private varValue(name: string): Ref {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const slot = this.vars[i];
      if (slot?.name === name) return slot.ref;
    }
    return this.fail(`undefined variable: ${name}`);
  }

  // Pipelines and commands.

  private evalPipeline(dot: Ref, pipe: PipeNode): Ref {
    this.at(pipe);
    let value: Final = MISSING;
    for (const cmd of pipe.cmds) {
      const result: Ref = this.evalCommand(dot, cmd, value);
      // Go digs a value out of its interface here, so a nil read from a map becomes "no value".
      value = { value: result.value === null && result.iface ? undefined : result.value };
    }
    const result: Ref = value === MISSING ? { value: undefined } : value;
    for (const variable of pipe.decl) {
      const name = variable.idents[0] ?? '';
      if (pipe.isAssign) this.setVar(name, result);
      else this.push(name, result);
    }
    return result;
  }

  private evalCommand(dot: Ref, cmd: CommandNode, final: Final): Ref {
    const first = cmd.args[0];
    if (first === undefined) return this.fail('empty command');
    switch (first.kind) {
      case 'field':
        return this.evalFieldNode(dot, first, cmd.args, final);
      case 'chain':
        return this.evalChainNode(dot, first, cmd.args, final);
      case 'identifier':
        return this.evalFunction(dot, first, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable':
        return this.evalVariableNode(first, cmd.args, final);
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    switch (first.kind) {
      case 'bool':
        return { value: first.value };
      case 'dot':
        return dot;
      case 'nil':
        return this.fail('nil is not a command');
      case 'number':
        return { value: first.value };
      case 'string':
        return { value: first.text };
    }
  }

  private notAFunction(args: readonly OperandNode[], final: Final): void {
    const first = args[0];
    if (args.length > 1 || final !== MISSING) {
      this.fail(`can't give argument to non-function ${first === undefined ? '' : nodeText(first)}`);
    }
  }

  private evalFieldNode(dot: Ref, field: FieldNode, args: readonly OperandNode[], final: Final): Ref {
    this.at(field);
    return this.evalFieldChain(dot, field.idents, args, final);
  }

  private evalChainNode(dot: Ref, chain: ChainNode, args: readonly OperandNode[], final: Final): Ref {
    this.at(chain);
    if (chain.node.kind === 'nil') this.fail(`indirection through explicit nil in ${nodeText(chain)}`);
    const receiver = this.evalArg(dot, chain.node);
    this.at(chain);
    return this.evalFieldChain(receiver, chain.fields, args, final);
  }

  private evalVariableNode(variable: VariableNode, args: readonly OperandNode[], final: Final): Ref {
    this.at(variable);
    const value = this.varValue(variable.idents[0] ?? '$');
    if (variable.idents.length === 1) {
      this.notAFunction(args, final);
      return value;
    }
    return this.evalFieldChain(value, variable.idents.slice(1), args, final);
  }

  private evalFieldChain(receiver: Ref, idents: readonly string[], args: readonly OperandNode[], final: Final): Ref {
    let current = receiver;
    idents.forEach((ident, i) => {
      const last = i === idents.length - 1;
      current = this.evalField(ident, current, last && (args.length > 1 || final !== MISSING));
    });
    return current;
  }

  private evalField(name: string, receiver: Ref, hasArgs: boolean): Ref {
    const { value } = receiver;
    if (value === undefined) return { value: undefined };
    const typeName = receiver.iface ? 'interface {}' : goTypeName(value);
    if (value === null) return this.fail(`nil pointer evaluating ${typeName}.${name}`);
    if (value instanceof GoStruct) {
      const field = value.field(name);
      if (field !== undefined) {
        if (value.isNil) return this.fail(`nil pointer evaluating ${value.typeName}.${name}`);
        if (hasArgs) return this.fail(`${name} has arguments but cannot be invoked as function`);
        return { value: field.value };
      }
      return this.fail(`can't evaluate field ${name} in type ${typeName}`, [
        `Fields of ${value.typeName}: ${value.fields.map((f) => `.${f.name}`).join(', ')}`,
      ]);
    }
    if (isGoMap(value)) {
      if (hasArgs) return this.fail(`${name} is not a method but has arguments`);
      return Object.hasOwn(value, name) ? { value: value[name], iface: true } : { value: undefined };
    }
    return this.fail(`can't evaluate field ${name} in type ${typeName}`);
  }

  private evalFunction(dot: Ref, node: IdentifierNode, cmd: AnyNode, args: readonly OperandNode[], final: Final): Ref {
    this.at(node);
    const fn = this.functions.get(node.name);
    if (fn === undefined) return this.fail(`"${node.name}" is not a defined function`);
    return this.evalCall(dot, fn, cmd, node.name, args.slice(1), final);
  }

  private evalCall(
    dot: Ref,
    fn: TemplateFunction,
    node: AnyNode,
    name: string,
    argNodes: readonly OperandNode[],
    final: Final,
  ): Ref {
    const count = argNodes.length + (final === MISSING ? 0 : 1);
    if (fn.variadic && count < fn.arity) {
      this.fail(`wrong number of args for ${name}: want at least ${fn.arity} got ${argNodes.length}`);
    } else if (!fn.variadic && count !== fn.arity) {
      this.fail(`wrong number of args for ${name}: want ${fn.arity} got ${count}`);
    }

    if (name === 'and' || name === 'or') {
      let value: Ref = { value: undefined };
      for (const arg of argNodes) {
        value = this.evalArg(dot, arg);
        if (isTruthy(value.value) === (name === 'or')) return value;
      }
      return final === MISSING ? value : final;
    }

    const values = argNodes.map((arg) => this.evalArg(dot, arg).value);
    if (final !== MISSING) values.push(final.value);
    try {
      const result = fn.call(values);
      // A nil result (index of a missing key) is a nil interface, so it prints as "no value".
      return { value: result, iface: result === null };
    } catch (error) {
      this.at(node);
      // Go's safeCall: a returned error and a panic alike become `error calling NAME: …`, so
      // a failing function (a bug, a RangeError on a huge width) is still a template error.
      const reason = error instanceof Error ? error.message : String(error);
      return this.fail(`error calling ${name}: ${reason}`, [], error);
    }
  }

  private evalArg(dot: Ref, node: OperandNode): Ref {
    this.at(node);
    switch (node.kind) {
      case 'dot':
        return dot;
      case 'nil':
        return { value: null };
      case 'field':
        return this.evalFieldNode(dot, node, [node], MISSING);
      case 'variable':
        return this.evalVariableNode(node, [], MISSING);
      case 'pipe':
        return this.evalPipeline(dot, node);
      case 'identifier':
        return this.evalFunction(dot, node, node, [node], MISSING);
      case 'chain':
        return this.evalChainNode(dot, node, [], MISSING);
      case 'bool':
        return { value: node.value };
      case 'number':
        return { value: node.value };
      case 'string':
        return { value: node.text };
    }
  }
}

/** What an action prints: Go's fmt.Print after looking through a pointer. */
function printable(value: unknown): string {
  if (value === undefined) return '<no value>';
  if (value instanceof GoStruct && value.isPointer && !value.isNil) {
    return formatArg(new GoStruct(value.typeName.slice(1), value.fields), 'v');
  }
  if (value instanceof GoStringer) return value.text;
  return formatArg(value, 'v');
}
