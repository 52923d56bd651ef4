import { REDACTED } from '../driver-host/secret-redactor.js';
import type { HostConfig } from '../store/host-config.js';
import { loadMachine } from '../store/load-machine.js';
import type { BerthContext } from './berth-context.js';

/**
 * Machine `name`'s stored config for `inspect`, with the driver-config keys its driver declares
 * secret (`secretConfigKeys`: API tokens) replaced by the one redaction marker. docker-machine
 * printed them; Berth never does in default output.
 */
export async function inspectMachine(ctx: BerthContext, name: string): Promise<HostConfig> {
  const { config } = await loadMachine(ctx.store, name);
  let keys: readonly string[] = [];
  try {
    keys = (await ctx.drivers.get(config.DriverName)).description.capabilities.secretConfigKeys ?? [];
  } catch {
    // A driver that cannot be found or started declared nothing secret; the machine still inspects.
  }
  if (keys.length === 0) return config;
  const driverConfig: Record<string, unknown> = { ...config.Driver };
  for (const key of keys) if (typeof driverConfig[key] === 'string' && driverConfig[key]) driverConfig[key] = REDACTED;
  return { ...config, Driver: driverConfig } as HostConfig;
}
