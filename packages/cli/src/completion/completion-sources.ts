import { discoverableDriverNames } from '@berth/core/driver-host';
import { BerthContext, driverCreateFlags } from '@berth/core/machine';
import { listMachineNames, resolveStore } from '@berth/core/store';
import { builtinDriverNames, builtinDrivers } from '../builtin-drivers.js';
import { manifestCommands } from '../command-line/index.js';
import type { Candidate, CompletionSources, DriverFlag } from './complete-words.js';

/**
 * Completion's answers from the real world: the manifest's commands, the store's machines (names
 * only: no config is read), the drivers built in and found as `berth-driver-*`, and a driver's
 * create flags from its handshake. A source that fails gives nothing: completion never errors.
 */
export function completionSources(baseEnv: NodeJS.ProcessEnv = process.env): CompletionSources {
  const envWith = (env: Readonly<Record<string, string>>): NodeJS.ProcessEnv => ({ ...baseEnv, ...env });
  return {
    commands: manifestCommands(),
    machineNames: async (env) => {
      try {
        return await listMachineNames(resolveStore({ env: envWith(env) }));
      } catch {
        return [];
      }
    },
    driverNames: async (env) => {
      const builtin = builtinDriverNames();
      const storePath = resolveStore({ env: envWith(env) }).root;
      const found = await discoverableDriverNames({ env: envWith(env), storePath }).catch(() => []);
      const candidates: Candidate[] = builtin.map((name) => ({ value: name, description: 'built-in driver' }));
      for (const name of found) if (!builtin.includes(name)) candidates.push({ value: name, description: 'driver' });
      return candidates.sort((a, b) => (a.value < b.value ? -1 : 1));
    },
    driverFlags: async (name, env) => {
      // Quiet: a shell shows whatever completion prints.
      const quiet = () => undefined;
      const driverHost = { builtins: builtinDrivers(), onLog: quiet, onProgress: quiet, onStderr: quiet };
      const ctx = BerthContext.open({ env: envWith(env), driverHost });
      try {
        const flags = await driverCreateFlags(ctx, name);
        return flags.map(
          (flag): DriverFlag => ({ name: flag.name, summary: flag.description, boolean: flag.type === 'bool' }),
        );
      } catch {
        return [];
      } finally {
        await ctx.dispose().catch(() => undefined);
      }
    },
  };
}
