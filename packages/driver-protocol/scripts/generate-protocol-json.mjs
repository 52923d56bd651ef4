#!/usr/bin/env node
// Writes protocol.json: the driver protocol for machines to read (the version, every message with
// its direction and JSON Schema (draft-07) params and result, the capabilities, the error codes),
// taken from the TypeScript declarations in src/, so it cannot say something the code does not.
// The root `npm run build` runs it; test/unit/protocol-json.test.ts fails when the committed file
// is stale. `--src DIR --out FILE` describes other sources (the frozen copies in docs/protocol/).
//
// What it reads, and fails loudly on when the shape changes:
//   version.ts      PROTOCOL_VERSION = '<literal>'
//   methods.ts      `export const X = { method, direction, type: request<P, R>(...) | new NotificationType<P>(...) }`
//                   with JSDoc (@since, @deprecated); REQUESTS, NOTIFICATIONS, READ_ONLY_METHODS
//   types.ts        the params/result types (schemas), DriverCapabilities (the capability list)
//   error-codes.ts  ERROR_CODES = { Code: 'description', ... }
//   error-wire.ts   BERTH_ERROR_CODE, BerthErrorData, and errorFromWire's switch over plain JSON-RPC codes
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import tsj from 'ts-json-schema-generator';
import ts from 'typescript';
import { ErrorCodes } from 'vscode-jsonrpc';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
/** The package's own sources and output. */
export const DEFAULT_SRC_DIR = path.join(packageDir, 'src');
export const DEFAULT_OUT_FILE = path.join(packageDir, 'protocol.json');

const SCHEMA_CONFIG = {
  ...tsj.DEFAULT_CONFIG,
  // Receivers ignore fields they do not know (a newer minor adds optional ones): no
  // `additionalProperties: false`, or a validator of this version would reject the next one.
  additionalProperties: true,
  skipTypeCheck: true,
};

function fail(file, message) {
  throw new Error(`generate-protocol-json: ${path.basename(file)}: ${message}`);
}

/** The JSDoc text of a declaration (tags left out) and its tags by name. */
function jsDocOf(node) {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const text = docs
    .map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? '')
    .join('\n')
    .replace(/\s+/g, ' ')
    .trim();
  const tags = new Map();
  for (const tag of ts.getJSDocTags(node)) {
    tags.set(tag.tagName.text, (ts.getTextOfJSDocComment(tag.comment) ?? '').replace(/\s+/g, ' ').trim());
  }
  return { text, tags };
}

function exportedConsts(sourceFile) {
  const consts = new Map();
  for (const statement of sourceFile.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    if (!statement.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (ts.isIdentifier(declaration.name) && declaration.initializer) {
        consts.set(declaration.name.text, declaration);
      }
    }
  }
  return consts;
}

/** `x as const` and `x satisfies T` → x. */
function unwrap(expression) {
  let current = expression;
  while (ts.isAsExpression(current) || ts.isSatisfiesExpression(current) || ts.isParenthesizedExpression(current)) {
    current = current.expression;
  }
  return current;
}

function stringProperty(object, name, file) {
  const property = object.properties.find(
    (candidate) => ts.isPropertyAssignment(candidate) && candidate.name.getText() === name,
  );
  if (!property || !ts.isStringLiteralLike(property.initializer)) fail(file, `expected a string literal ${name}`);
  return property.initializer.text;
}

/** A type argument: a named type of the protocol, or `null`. */
function typeArgument(node, file) {
  if (ts.isLiteralTypeNode(node) && node.literal.kind === ts.SyntaxKind.NullKeyword) return { kind: 'null' };
  if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName) && !node.typeArguments) {
    return { kind: 'named', name: node.typeName.text };
  }
  return fail(file, `a message type argument must be a named type or null, not ${node.getText()}`);
}

/** One message declaration `{ method, direction, type }` of methods.ts. */
function readMessage(declaration, file) {
  const object = unwrap(declaration.initializer);
  if (!ts.isObjectLiteralExpression(object)) fail(file, `${declaration.name.text} is not an object literal`);
  const typeProperty = object.properties.find(
    (candidate) => ts.isPropertyAssignment(candidate) && candidate.name.getText() === 'type',
  );
  const typeExpression = typeProperty && unwrap(typeProperty.initializer);
  const isCall = typeExpression && (ts.isCallExpression(typeExpression) || ts.isNewExpression(typeExpression));
  if (!isCall) fail(file, `${declaration.name.text}.type must be request<P, R>(...) or new NotificationType<P>(...)`);
  const callee = typeExpression.expression.getText();
  const typeArguments = (typeExpression.typeArguments ?? []).map((node) => typeArgument(node, file));
  const { text, tags } = jsDocOf(declaration);
  if (!tags.has('since')) fail(file, `${declaration.name.text} has no @since`);
  let kind;
  if (callee === 'NotificationType' && typeArguments.length === 1) kind = 'notification';
  else if ((callee === 'request' || callee === 'RequestType') && typeArguments.length >= 2) kind = 'request';
  else fail(file, `${declaration.name.text}.type: unexpected ${callee} with ${typeArguments.length} type arguments`);
  return {
    name: declaration.name.text,
    method: stringProperty(object, 'method', file),
    kind,
    direction: stringProperty(object, 'direction', file),
    since: tags.get('since'),
    deprecated: tags.get('deprecated'),
    description: text,
    params: typeArguments[0],
    result: kind === 'request' ? typeArguments[1] : undefined,
  };
}

/** The identifiers listed in `export const NAME = [A, B, ...]`, or `A.method` entries' A. */
function listedNames(consts, name, file) {
  const declaration = consts.get(name);
  const array = declaration && unwrap(declaration.initializer);
  if (!array || !ts.isArrayLiteralExpression(array)) fail(file, `${name} is not an array literal`);
  return array.elements.map((element) => {
    if (ts.isIdentifier(element)) return element.text;
    if (
      ts.isPropertyAccessExpression(element) &&
      element.name.text === 'method' &&
      ts.isIdentifier(element.expression)
    ) {
      return element.expression.text;
    }
    return fail(file, `${name}: unexpected entry ${element.getText()}`);
  });
}

/** The numeric value of a case label: a number literal, `-1`, `ErrorCodes.X`, or a const of the file. */
function numericValue(expression, consts, file) {
  const node = unwrap(expression);
  if (ts.isNumericLiteral(node)) return Number(node.text);
  if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.MinusToken) {
    return -numericValue(node.operand, consts, file);
  }
  if (ts.isPropertyAccessExpression(node) && node.expression.getText() === 'ErrorCodes') {
    const value = ErrorCodes[node.name.text];
    if (typeof value === 'number') return value;
  }
  if (ts.isIdentifier(node) && consts.has(node.text))
    return numericValue(consts.get(node.text).initializer, consts, file);
  return fail(file, `cannot evaluate ${node.getText()} to a number`);
}

/** The Berth code a `return new XxxError(...)` clause maps to (the class naming convention). */
function codeReturnedBy(clause, file) {
  let found;
  const visit = (node) => {
    if (found) return;
    if (ts.isReturnStatement(node) && node.expression && ts.isNewExpression(node.expression)) {
      found = /^(\w+)Error$/.exec(node.expression.expression.getText())?.[1];
    }
    ts.forEachChild(node, visit);
  };
  for (const statement of clause.statements) visit(statement);
  return found ?? fail(file, `a case of errorFromWire's switch returns no new <Code>Error(...)`);
}

/** errorFromWire's switch: which plain JSON-RPC error codes map to which Berth code. */
function readJsonRpcMapping(sourceFile, consts) {
  const file = sourceFile.fileName;
  let switchStatement;
  const visit = (node) => {
    if (ts.isFunctionDeclaration(node) && node.name?.text === 'errorFromWire') {
      const find = (child) => {
        if (!switchStatement && ts.isSwitchStatement(child)) switchStatement = child;
        else ts.forEachChild(child, find);
      };
      ts.forEachChild(node, find);
    }
  };
  ts.forEachChild(sourceFile, visit);
  if (!switchStatement) fail(file, 'errorFromWire has no switch over the JSON-RPC code');
  const byCode = new Map();
  let otherwise;
  let waiting = [];
  for (const clause of switchStatement.caseBlock.clauses) {
    if (ts.isCaseClause(clause)) waiting.push(numericValue(clause.expression, consts, file));
    if (clause.statements.length === 0) continue;
    const code = codeReturnedBy(clause, file);
    for (const jsonRpcCode of waiting) byCode.set(code, [...(byCode.get(code) ?? []), jsonRpcCode]);
    if (ts.isDefaultClause(clause)) otherwise = code;
    waiting = [];
  }
  return { byCode, otherwise };
}

function objectLiteralOf(consts, name, file) {
  const declaration = consts.get(name);
  const object = declaration && unwrap(declaration.initializer);
  if (!object || !ts.isObjectLiteralExpression(object)) fail(file, `${name} is not an object literal`);
  return object;
}

function interfaceNamed(sourceFile, name) {
  const found = sourceFile.statements.find(
    (statement) => ts.isInterfaceDeclaration(statement) && statement.name.text === name,
  );
  return found ?? fail(sourceFile.fileName, `no interface ${name}`);
}

function createProgram(srcDir) {
  const rootNames = readdirSync(srcDir)
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))
    .sort()
    .map((name) => path.join(srcDir, name));
  // Bundler resolution: `./types.js` finds types.ts wherever the sources are (old commits' too).
  const program = ts.createProgram(rootNames, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  });
  program.getTypeChecker(); // binds the files: sets the parent links node.getText() needs
  return program;
}

function sourceFileOf(program, srcDir, name) {
  const file = program.getSourceFile(path.join(srcDir, name));
  if (!file) throw new Error(`generate-protocol-json: ${srcDir} has no ${name}`);
  return file;
}

/** JSON Schema of one type argument: a reference into `definitions`, or `{type: 'null'}`. */
function schemaOf(argument) {
  return argument.kind === 'null' ? { type: 'null' } : { $ref: `#/definitions/${argument.name}` };
}

/**
 * Adds `since` (an annotation, ignored by validators) to the definitions of types and fields whose
 * JSDoc carries `@since`. Done here rather than with the generator's extraTags, which reads the tag
 * as JSON and would turn `1.0` into the number 1.
 */
function annotateSince(definitions, sourceFiles) {
  for (const file of sourceFiles) {
    for (const statement of file.statements) {
      if (!ts.isInterfaceDeclaration(statement) && !ts.isTypeAliasDeclaration(statement)) continue;
      const definition = definitions[statement.name.text];
      if (definition === undefined) continue;
      const since = jsDocOf(statement).tags.get('since');
      if (since) definition.since = since;
      for (const member of ts.isInterfaceDeclaration(statement) ? statement.members : []) {
        const memberSince = jsDocOf(member).tags.get('since');
        const property = member.name && definition.properties?.[member.name.getText()];
        if (memberSince && property) property.since = memberSince;
      }
    }
  }
}

/** Doc text for readers who do not have the sources: `{@link X}` becomes `X` in backticks, one space per gap. */
function plainText(text) {
  return text
    .replace(/\{@link\s+([^\s|}]+)[^}]*\}/g, '`$1`')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Every `description` in `value`, made plain text in place. */
function plainDescriptions(value) {
  if (Array.isArray(value)) for (const item of value) plainDescriptions(item);
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === 'description' && typeof item === 'string') value[key] = plainText(item);
      else plainDescriptions(item);
    }
  }
  return value;
}

function sortedObject(record) {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * The protocol described by the sources in `srcDir` (default: this package's src/), as the object
 * written to protocol.json. Pure apart from reading the sources.
 */
export function generateProtocolDescription(srcDir = DEFAULT_SRC_DIR) {
  const program = createProgram(srcDir);
  const versionFile = sourceFileOf(program, srcDir, 'version.ts');
  const methodsFile = sourceFileOf(program, srcDir, 'methods.ts');
  const typesFile = sourceFileOf(program, srcDir, 'types.ts');
  const codesFile = sourceFileOf(program, srcDir, 'error-codes.ts');
  const wireFile = sourceFileOf(program, srcDir, 'error-wire.ts');

  const version = exportedConsts(versionFile).get('PROTOCOL_VERSION');
  if (!version || !ts.isStringLiteralLike(version.initializer))
    fail(versionFile.fileName, 'no PROTOCOL_VERSION literal');
  const protocolVersion = version.initializer.text;

  const methodConsts = exportedConsts(methodsFile);
  const messageNames = [
    ...listedNames(methodConsts, 'REQUESTS', methodsFile.fileName),
    ...listedNames(methodConsts, 'NOTIFICATIONS', methodsFile.fileName),
  ];
  const readOnly = new Set(listedNames(methodConsts, 'READ_ONLY_METHODS', methodsFile.fileName));
  const messages = messageNames.map((name) => {
    const declaration = methodConsts.get(name) ?? fail(methodsFile.fileName, `${name} is listed but not declared`);
    return readMessage(declaration, methodsFile.fileName);
  });

  const generator = new tsj.SchemaGenerator(
    program,
    tsj.createParser(program, SCHEMA_CONFIG),
    tsj.createFormatter(SCHEMA_CONFIG),
    SCHEMA_CONFIG,
  );
  const roots = new Set(['BerthErrorData', 'DriverCapabilities']);
  for (const message of messages) {
    for (const argument of [message.params, message.result]) {
      if (argument?.kind === 'named') roots.add(argument.name);
    }
  }
  const definitions = {};
  for (const root of [...roots].sort()) {
    for (const [name, definition] of Object.entries(generator.createSchema(root).definitions ?? {})) {
      if (name in definitions && JSON.stringify(definitions[name]) !== JSON.stringify(definition)) {
        throw new Error(`generate-protocol-json: two different types are named ${name}`);
      }
      definitions[name] = definition;
    }
  }

  annotateSince(definitions, [typesFile, wireFile]);

  const capabilitiesDeclaration = interfaceNamed(typesFile, 'DriverCapabilities');
  const capabilitiesSince = jsDocOf(capabilitiesDeclaration).tags.get('since');
  const capabilities = capabilitiesDeclaration.members.map((member) => {
    if (!ts.isPropertySignature(member) || !member.questionToken) {
      fail(typesFile.fileName, `DriverCapabilities.${member.name?.getText()} must be an optional property`);
    }
    const { text, tags } = jsDocOf(member);
    const {
      description: _description,
      since: _since,
      ...schema
    } = definitions.DriverCapabilities?.properties?.[member.name.getText()] ?? {};
    return { name: member.name.getText(), since: tags.get('since') ?? capabilitiesSince, description: text, schema };
  });

  const wireConsts = exportedConsts(wireFile);
  const berthErrorCode = numericValue(
    (wireConsts.get('BERTH_ERROR_CODE') ?? fail(wireFile.fileName, 'no BERTH_ERROR_CODE')).initializer,
    wireConsts,
    wireFile.fileName,
  );
  const { byCode, otherwise } = readJsonRpcMapping(wireFile, wireConsts);
  const codes = objectLiteralOf(exportedConsts(codesFile), 'ERROR_CODES', codesFile.fileName);
  const errorCodes = codes.properties.map((property) => {
    if (!ts.isPropertyAssignment(property) || !ts.isStringLiteralLike(property.initializer)) {
      fail(codesFile.fileName, `ERROR_CODES.${property.name?.getText()} must be a string description`);
    }
    const name = property.name.getText();
    const fromJsonRpc = byCode.get(name);
    return {
      name,
      description: property.initializer.text,
      jsonRpcCode: berthErrorCode,
      ...(fromJsonRpc ? { alsoFromJsonRpcCodes: fromJsonRpc } : {}),
    };
  });
  for (const code of [...byCode.keys(), otherwise]) {
    if (!errorCodes.some((entry) => entry.name === code))
      fail(wireFile.fileName, `errorFromWire maps to unknown ${code}`);
  }

  return plainDescriptions({
    $schema: 'http://json-schema.org/draft-07/schema#',
    $comment:
      'The Berth driver protocol for machines: generated from the TypeScript declarations of @berth/driver-protocol by scripts/generate-protocol-json.mjs; do not edit. PROTOCOL.md is the specification. Schemas are JSON Schema draft-07; `since` (the protocol version that added a type or field) is an annotation validators ignore.',
    protocolVersion,
    methods: messages.map((message) => ({
      method: message.method,
      kind: message.kind,
      direction: message.direction,
      readOnly: readOnly.has(message.name),
      since: message.since,
      ...(message.deprecated !== undefined ? { deprecated: message.deprecated || true } : {}),
      description: message.description,
      params: schemaOf(message.params),
      ...(message.result ? { result: schemaOf(message.result) } : {}),
      ...(message.kind === 'request' ? { error: { $ref: '#/definitions/BerthErrorData' } } : {}),
    })),
    capabilities,
    errors: {
      $comment:
        'Every Berth error travels as a JSON-RPC error with code jsonRpcCode and data BerthErrorData (data.code is the name). A receiver also maps plain JSON-RPC errors: the listed codes to their Berth code, any other to otherJsonRpcCodes.',
      jsonRpcCode: berthErrorCode,
      data: { $ref: '#/definitions/BerthErrorData' },
      otherJsonRpcCodes: otherwise,
    },
    errorCodes,
    definitions: sortedObject(definitions),
  });
}

const LINE_WIDTH = 120;

/**
 * The text written to protocol.json: JSON laid out as the repository's Biome formatter lays it out
 * (2 spaces; objects expanded; an array of plain values on one line when it fits in 120 columns),
 * so a build never leaves the lint a diff.
 */
export function protocolJsonText(description) {
  const layout = (value, indent, prefix, suffix) => {
    const pad = ' '.repeat(indent);
    if (Array.isArray(value) && value.every((item) => item === null || typeof item !== 'object')) {
      const inline = `[${value.map((item) => JSON.stringify(item)).join(', ')}]`;
      if (value.length === 0 || pad.length + prefix.length + inline.length + suffix.length <= LINE_WIDTH) {
        return `${pad}${prefix}${inline}${suffix}`;
      }
    }
    if (value === null || typeof value !== 'object') return `${pad}${prefix}${JSON.stringify(value)}${suffix}`;
    const entries = Array.isArray(value) ? value.map((item) => ['', item]) : Object.entries(value);
    if (entries.length === 0) return `${pad}${prefix}${Array.isArray(value) ? '[]' : '{}'}${suffix}`;
    const lines = entries.map(([key, item], index) =>
      layout(
        item,
        indent + 2,
        Array.isArray(value) ? '' : `${JSON.stringify(key)}: `,
        index < entries.length - 1 ? ',' : '',
      ),
    );
    const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
    return `${pad}${prefix}${open}\n${lines.join('\n')}\n${pad}${close}${suffix}`;
  };
  return `${layout(description, 0, '', '')}\n`;
}

function main(argv) {
  const option = (name, fallback) => {
    const at = argv.indexOf(name);
    return at >= 0 && argv[at + 1] !== undefined ? path.resolve(argv[at + 1]) : fallback;
  };
  const srcDir = option('--src', DEFAULT_SRC_DIR);
  const outFile = option('--out', DEFAULT_OUT_FILE);
  writeFileSync(outFile, protocolJsonText(generateProtocolDescription(srcDir)));
  process.stdout.write(`protocol description written to ${path.relative(process.cwd(), outFile) || outFile}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv.slice(2));
}
