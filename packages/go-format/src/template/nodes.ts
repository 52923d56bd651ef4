/** The parse tree of a template, shaped like Go's text/template/parse nodes. */

interface At {
  /** Offset of the node's first token in the template source. */
  readonly pos: number;
}

export interface TextNode extends At {
  readonly kind: 'text';
  readonly text: string;
}
export interface FieldNode extends At {
  readonly kind: 'field';
  /** `.A.B` is ["A", "B"]. */
  readonly idents: readonly string[];
}
export interface VariableNode extends At {
  readonly kind: 'variable';
  /** `$x.A` is ["$x", "A"]. */
  readonly idents: readonly string[];
}
export interface ChainNode extends At {
  readonly kind: 'chain';
  /** `(pipe).A.B`: the term the fields apply to. */
  readonly node: OperandNode;
  readonly fields: readonly string[];
}
export interface DotNode extends At {
  readonly kind: 'dot';
}
export interface NilNode extends At {
  readonly kind: 'nil';
}
export interface BoolNode extends At {
  readonly kind: 'bool';
  readonly value: boolean;
}
export interface NumberNode extends At {
  readonly kind: 'number';
  readonly text: string;
  /** bigint for Go int constants, number for float64 ones. */
  readonly value: number | bigint;
}
export interface StringNode extends At {
  readonly kind: 'string';
  readonly quoted: string;
  readonly text: string;
}
export interface IdentifierNode extends At {
  readonly kind: 'identifier';
  readonly name: string;
}
export interface PipeNode extends At {
  readonly kind: 'pipe';
  readonly decl: readonly VariableNode[];
  readonly isAssign: boolean;
  readonly cmds: readonly CommandNode[];
}
export interface CommandNode extends At {
  readonly kind: 'command';
  readonly args: readonly OperandNode[];
}
export type OperandNode =
  | FieldNode
  | VariableNode
  | ChainNode
  | DotNode
  | NilNode
  | BoolNode
  | NumberNode
  | StringNode
  | IdentifierNode
  | PipeNode;

export interface ListNode extends At {
  readonly kind: 'list';
  readonly nodes: readonly Node[];
}
export interface ActionNode extends At {
  readonly kind: 'action';
  readonly pipe: PipeNode;
}
export interface BranchNode extends At {
  readonly kind: 'if' | 'range' | 'with';
  readonly pipe: PipeNode;
  readonly list: ListNode;
  readonly elseList?: ListNode;
}
export interface LoopControlNode extends At {
  readonly kind: 'break' | 'continue';
}
export type Node = TextNode | ActionNode | BranchNode | LoopControlNode | ListNode;

export type AnyNode = Node | OperandNode | CommandNode;

/** Go's String() of a node: its source form, shown in execution errors as `at <…>`. */
export function nodeText(node: AnyNode): string {
  switch (node.kind) {
    case 'text':
      return node.text;
    case 'field':
      return node.idents.map((i) => `.${i}`).join('');
    case 'variable':
      return node.idents.join('.');
    case 'chain': {
      const base = node.node.kind === 'pipe' ? `(${nodeText(node.node)})` : nodeText(node.node);
      return base + node.fields.map((f) => `.${f}`).join('');
    }
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'bool':
      return String(node.value);
    case 'number':
      return node.text;
    case 'string':
      return node.quoted;
    case 'identifier':
      return node.name;
    case 'pipe': {
      const decl = node.decl.length > 0 ? `${node.decl.map(nodeText).join(', ')} := ` : '';
      return decl + node.cmds.map(nodeText).join(' | ');
    }
    case 'command':
      return node.args.map((a) => (a.kind === 'pipe' ? `(${nodeText(a)})` : nodeText(a))).join(' ');
    case 'list':
      return node.nodes.map(nodeText).join('');
    case 'action':
      return `{{${nodeText(node.pipe)}}}`;
    case 'if':
    case 'range':
    case 'with': {
      const elsePart = node.elseList === undefined ? '' : `{{else}}${nodeText(node.elseList)}`;
      return `{{${node.kind} ${nodeText(node.pipe)}}}${nodeText(node.list)}${elsePart}{{end}}`;
    }
    case 'break':
    case 'continue':
      return `{{${node.kind}}}`;
  }
}
