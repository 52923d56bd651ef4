import { readdirSync, readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  generateProtocolDescription,
  type JsonSchema,
  type ProtocolDescription,
  protocolJsonText,
} from '../../scripts/generate-protocol-json.mjs';
import { ERROR_CODES } from '../../src/error-codes.js';
import { BERTH_ERROR_CODE } from '../../src/error-wire.js';
import { NOTIFICATIONS, READ_ONLY_METHODS, REQUESTS } from '../../src/methods.js';
import { PROTOCOL_VERSION, protocolMajor } from '../../src/version.js';

// protocol.json is committed so consumers and the doc test need no build step; these checks keep it
// equal to what the declarations say, equal to the frozen copy of its version, and every frozen
// copy a subset of the current protocol (a minor version only adds).
const packageUrl = new URL('../../', import.meta.url);
const readJson = (path: string) => JSON.parse(readFileSync(new URL(path, packageUrl), 'utf8')) as ProtocolDescription;
const committedText = readFileSync(new URL('protocol.json', packageUrl), 'utf8');
const committed = JSON.parse(committedText) as ProtocolDescription;
const frozenFiles = readdirSync(new URL('docs/protocol/', packageUrl))
  .filter((name) => name.endsWith('.json'))
  .sort();

let fresh: ProtocolDescription;
beforeAll(() => {
  fresh = generateProtocolDescription();
});

describe('protocol.json', () => {
  it('is what the generator makes of the sources now (run `npm run build` after changing them)', () => {
    expect(committed).toEqual(fresh);
    expect(committedText).toBe(protocolJsonText(fresh));
  });

  it('agrees with the declarations the code runs on', () => {
    expect(fresh.protocolVersion).toBe(PROTOCOL_VERSION);
    expect(fresh.methods.map(({ method, kind, direction }) => ({ method, kind, direction }))).toEqual([
      ...REQUESTS.map(({ method, direction }) => ({ method, kind: 'request', direction })),
      ...NOTIFICATIONS.map(({ method, direction }) => ({ method, kind: 'notification', direction })),
    ]);
    expect(fresh.methods.filter((method) => method.readOnly).map((method) => method.method)).toEqual(READ_ONLY_METHODS);
    expect(fresh.errorCodes.map(({ name, description }) => [name, description])).toEqual(Object.entries(ERROR_CODES));
    expect(new Set(fresh.errorCodes.map((code) => code.jsonRpcCode))).toEqual(new Set([BERTH_ERROR_CODE]));
    expect(fresh.errors.jsonRpcCode).toBe(BERTH_ERROR_CODE);
  });

  it('describes every message with resolvable schemas and a version', () => {
    for (const method of fresh.methods) {
      expect(method.since, method.method).toMatch(/^\d+\.\d+$/);
      expect(method.description, method.method).not.toBe('');
      const schemas = [method.params, ...(method.kind === 'request' ? [method.result, method.error] : [])];
      for (const schema of schemas) {
        const ref = (schema as JsonSchema | undefined)?.$ref;
        if (ref === undefined) expect(schema, method.method).toEqual({ type: 'null' });
        else
          expect(fresh.definitions[String(ref).replace('#/definitions/', '')], `${method.method} ${ref}`).toBeDefined();
      }
    }
  });

  it('is the frozen copy of its version: a change to the wire needs a version bump', () => {
    expect(frozenFiles).toContain(`${PROTOCOL_VERSION}.json`);
    expect(readJson(`docs/protocol/${PROTOCOL_VERSION}.json`)).toEqual(committed);
  });

  describe.each(frozenFiles)('frozen copy docs/protocol/%s', (file) => {
    const frozen = readJson(`docs/protocol/${file}`);

    it('is named after its version, of the current major', () => {
      expect(`${frozen.protocolVersion}.json`).toBe(file);
      expect(protocolMajor(frozen.protocolVersion)).toBe(protocolMajor(PROTOCOL_VERSION));
    });

    it('has every method, capability and error code still in the current protocol, unchanged in kind', () => {
      for (const method of frozen.methods) {
        const now = committed.methods.find((candidate) => candidate.method === method.method);
        expect(now, method.method).toBeDefined();
        expect({ kind: now?.kind, direction: now?.direction, readOnly: now?.readOnly, since: now?.since }).toEqual({
          kind: method.kind,
          direction: method.direction,
          readOnly: method.readOnly,
          since: method.since,
        });
      }
      const names = (list: { name: string }[]) => list.map((entry) => entry.name);
      expect(names(committed.capabilities)).toEqual(expect.arrayContaining(names(frozen.capabilities)));
      expect(names(committed.errorCodes)).toEqual(expect.arrayContaining(names(frozen.errorCodes)));
    });

    it('has every field still present, and no field required now that was optional then', () => {
      for (const [name, definition] of Object.entries(frozen.definitions)) {
        const now = committed.definitions[name];
        expect(now, name).toBeDefined();
        const fields = (schema: JsonSchema | undefined) =>
          Object.keys((schema?.properties as object | undefined) ?? {});
        expect(fields(now), name).toEqual(expect.arrayContaining(fields(definition)));
        const required = (schema: JsonSchema | undefined) => (schema?.required as string[] | undefined) ?? [];
        expect(required(definition), name).toEqual(expect.arrayContaining(required(now)));
      }
    });
  });

  describe('schemas', () => {
    // Strict Ajv: a keyword it does not know in a definition fails; `since` is our annotation.
    const ajv = new Ajv({ allErrors: true });
    ajv.addKeyword('since');
    ajv.addSchema({ definitions: committed.definitions }, 'protocol.json');
    /** '' when `value` fits, else Ajv's account of why not. */
    const validate = (schema: JsonSchema | undefined, value: unknown): string => {
      if (schema === undefined) return 'no schema';
      const resolved = typeof schema.$ref === 'string' ? { $ref: `protocol.json${schema.$ref}` } : schema;
      return ajv.validate(resolved, value) ? '' : ajv.errorsText();
    };
    const method = (name: string) => {
      const found = committed.methods.find((candidate) => candidate.method === name);
      if (found === undefined) throw new Error(`protocol.json has no ${name}`);
      return found;
    };

    // PROTOCOL.md §11.1: a whole session with the none driver, byte for byte.
    const transcript = readFileSync(new URL('PROTOCOL.md', packageUrl), 'utf8')
      .split('\n')
      .map((line) => /^(>>>|<<<) Content-Length: (\d+)\\r\\n\\r\\n(.*)$/.exec(line))
      .filter((match) => match !== null)
      .map(([, side, length, body]) => ({ side, length: Number(length), body: body as string }));

    it('accept every message of the transcript in PROTOCOL.md', () => {
      expect(transcript.length).toBe(8);
      const methodOfId = new Map<number, string>();
      for (const { side, length, body } of transcript) {
        expect(Buffer.byteLength(body), body).toBe(length);
        const message = JSON.parse(body) as { id: number; method?: string; params?: unknown; result?: unknown };
        if (side === '>>>') {
          methodOfId.set(message.id, String(message.method));
          expect(method(String(message.method)).direction).toBe('hostToDriver');
          expect(validate(method(String(message.method)).params, message.params), body).toBe('');
        } else {
          const answered = method(methodOfId.get(message.id) ?? '');
          const error = (message as { error?: { code: number; data: unknown } }).error;
          if (error === undefined) expect(validate(answered.result, message.result), body).toBe('');
          else {
            expect(error.code).toBe(committed.errors.jsonRpcCode);
            expect(validate(committed.errors.data, error.data), body).toBe('');
          }
        }
      }
    });

    it('reject what the protocol forbids, and let through fields a newer minor may add', () => {
      const initialize = method('driver/initialize');
      const params = { protocolVersion: '1.2', hostName: 'berth', hostVersion: '0.1.0' };
      expect(validate(initialize.params, params)).toBe('');
      expect(validate(initialize.params, { ...params, addedIn13: true })).toBe('');
      expect(validate(initialize.params, { hostName: 'berth', hostVersion: '0.1.0' })).toContain('protocolVersion');
      expect(validate(method('machine/getState').result, { state: 'Runing' })).toContain('allowed values');
      expect(validate(method('driver/progress').params, { machine: 'dev', message: 'Waiting for an IP...' })).toBe('');
      expect(validate(method('$/progress').params, { machine: 'dev' })).toContain('message');
      expect(validate(method('driver/shutdown').result, null)).toBe('');
    });
  });
});
