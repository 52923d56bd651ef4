// The DigitalOcean API simulator (test kit only): a loopback API backed by real test hosts,
// behind a proxy that validates every request and answer against the official OpenAPI spec.
export { IMAGES, REGIONS, SIZES, type SimImage, type SimRegion, type SimSize } from './catalogue.js';
export type { FailOptions, InjectedError, SlowOptions } from './faults.js';
export { DIGITALOCEAN_SPEC_ENV, digitalOceanApi, digitalOceanSpecPath } from './openapi-spec.js';
export {
  DigitalOceanSimulator,
  type DigitalOceanSimulatorOptions,
  type SimAction,
  type SimDroplet,
  type SimDropletStatus,
  type SimResources,
  type SimSshKey,
} from './simulator.js';
export { type ProxiedRequest, type SpecViolation, ValidatingProxy } from './validating-proxy.js';
