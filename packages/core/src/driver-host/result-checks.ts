import {
  type CreateFlag,
  type DriverConfigResult,
  type ImageRequest,
  InitializeRequest,
  type InitializeResult,
  isMachineState,
  type MachineState,
} from '@berth/driver-protocol';
import { type CallLabel, driverResultInvalid } from './driver-errors.js';

// Host-side checks of what a driver answered: a driver in another language can send anything, and a
// wrong type must surface as DriverProtocol here, not as a confusing failure later.

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const FLAG_TYPES = new Set(['string', 'int', 'bool', 'string-array']);

function isCreateFlag(value: unknown): value is CreateFlag {
  return (
    isRecord(value) && typeof value.name === 'string' && typeof value.type === 'string' && FLAG_TYPES.has(value.type)
  );
}

/** The field `key` of a result object, which must be of type `kind`. */
export function resultField<T>(
  driver: string,
  call: CallLabel,
  result: unknown,
  key: string,
  accept: (value: unknown) => value is T,
  kind: string,
): T {
  const value = isRecord(result) ? result[key] : undefined;
  if (!accept(value)) throw driverResultInvalid(driver, call, `a result whose "${key}" is not ${kind}`);
  return value;
}

export const isString = (value: unknown): value is string => typeof value === 'string';
export const isPort = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 65535;
export const isState = (value: unknown): value is MachineState => isMachineState(value);

export function checkConfigResult(driver: string, call: CallLabel, result: unknown): DriverConfigResult {
  return { driverConfig: resultField(driver, call, result, 'driverConfig', isRecord, 'an object') };
}

const CHECKSUM = /^(?:sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$/;
const optionalString = (value: unknown) => value === undefined || typeof value === 'string';

/** A catalogue name, or a URL with a checksum; an architecture with either. */
const isImageRequest = (value: unknown): value is ImageRequest => {
  if (!isRecord(value) || !optionalString(value.name) || !optionalString(value.arch)) return false;
  if (typeof value.name === 'string') return value.url === undefined && value.checksum === undefined;
  return typeof value.url === 'string' && typeof value.checksum === 'string' && CHECKSUM.test(value.checksum);
};

/** The optional `image` of a setConfigFromFlags result: `{}` without one. */
export function checkImageRequest(driver: string, call: CallLabel, result: unknown): { image?: ImageRequest } {
  if (!isRecord(result) || result.image === undefined) return {};
  const kind = 'a {name} or {url, checksum: "sha256:<hex>"|"sha512:<hex>"}';
  const { name, arch, url, checksum } = resultField(driver, call, result, 'image', isImageRequest, kind);
  return { image: { ...(name ? { name } : { url, checksum }), ...(arch ? { arch } : {}) } };
}

/** The parts of an initialize result other than the protocol version, checked. */
export function checkInitializeResult(driver: string, result: unknown): InitializeResult {
  const call = { method: InitializeRequest.method };
  const field = <T>(key: string, accept: (value: unknown) => value is T, kind: string) =>
    resultField(driver, call, result, key, accept, kind);
  const createFlags = field('createFlags', Array.isArray, 'a list');
  if (!createFlags.every(isCreateFlag)) {
    throw driverResultInvalid(driver, call, 'a create flag without a name or with an unknown type');
  }
  return {
    name: field('name', isString, 'a string'),
    version: field('version', isString, 'a string'),
    protocolVersion: field('protocolVersion', isString, 'a string'),
    capabilities: isRecord(result) && isRecord(result.capabilities) ? result.capabilities : {},
    createFlags,
  };
}
