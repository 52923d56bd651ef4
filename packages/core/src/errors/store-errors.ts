import { BerthError } from '@berth/driver-protocol';

/** A machine name that docker-machine would refuse (or that is unsafe as a directory name). */
export class InvalidMachineNameError extends BerthError {
  override readonly code = 'InvalidMachineName' as const;

  constructor(readonly machineName: string) {
    // docker-machine's wording; `create` prefixes it with "Error creating machine: ".
    super('Invalid hostname specified. Allowed hostname chars are: 0-9a-zA-Z . -', {
      actions: ['Use a name that starts with a letter or digit and contains only letters, digits, "-" and ".".'],
      data: { name: machineName },
    });
  }
}

/** No directory `<store>/machines/<name>`. */
export class MachineNotFoundError extends BerthError {
  override readonly code = 'MachineNotFound' as const;

  constructor(readonly machineName: string) {
    super(
      `Docker machine "${machineName}" does not exist. Use "docker-machine ls" to list machines. Use "docker-machine create" to add a new one.`,
      {
        actions: ['Check the name against the output of `ls`, or create the machine with `create`.'],
        data: { name: machineName },
      },
    );
  }
}

/** `create` with a name whose machine directory already exists. */
export class MachineAlreadyExistsError extends BerthError {
  override readonly code = 'MachineExists' as const;

  constructor(readonly machineName: string) {
    super(`Docker machine "${machineName}" already exists`, {
      actions: ['Pick another name, or remove the existing machine with `rm` first.'],
      data: { name: machineName },
    });
  }
}

/** Why a config.json could not be used. */
export type MachineConfigProblem = 'unreadable' | 'empty' | 'syntax' | 'shape';

/**
 * config.json of one machine is missing, unreadable, empty, not JSON or not shaped like a host record.
 * Only that machine is affected; `ls` shows it as an error row.
 */
export class MachineConfigError extends BerthError {
  override readonly code = 'ConfigCorrupt' as const;

  constructor(
    readonly machineName: string,
    readonly configPath: string,
    readonly problem: MachineConfigProblem,
    detail: string,
    cause?: unknown,
  ) {
    // "Error getting migrated host: " is docker-machine's prefix for every load failure after the read.
    super(problem === 'unreadable' ? detail : `Error getting migrated host: ${detail}`, {
      actions: [
        `Repair ${configPath} by hand (it is JSON; the previous version may be in config.json.bak next to it).`,
        `Or drop the machine's local record with \`rm -f ${machineName}\`.`,
      ],
      data: { name: machineName, path: configPath, problem },
      cause,
    });
  }
}

/** config.json has a ConfigVersion Berth cannot read: newer than 3, or too old to migrate (code ConfigCorrupt). */
export class MachineConfigVersionError extends BerthError {
  override readonly code = 'ConfigCorrupt' as const;

  constructor(
    readonly machineName: string,
    readonly configPath: string,
    readonly configVersion: number,
  ) {
    const future = configVersion > 3;
    super(
      future
        ? 'Error getting migrated host: config version is from the future -- you should upgrade your Docker Machine client'
        : `Error getting migrated host: config version ${configVersion} is too old to be migrated`,
      {
        actions: future
          ? ['Upgrade Berth: this machine was written by a newer client.']
          : [
              `Run \`docker-machine inspect ${machineName}\` once with docker-machine 0.16: it rewrites ${configPath} as ConfigVersion 3, which Berth reads.`,
            ],
        data: {
          name: machineName,
          path: configPath,
          problem: future ? 'version-from-future' : 'version-too-old',
          configVersion,
        },
      },
    );
  }
}

/** A store lock stayed taken for longer than the bounded wait. */
export class StoreLockedError extends BerthError {
  override readonly code = 'StoreLocked' as const;

  constructor(
    readonly lockPath: string,
    readonly what: string,
    waitedMs: number,
    staleMs: number,
  ) {
    super(`Timed out after ${Math.round(waitedMs / 1000)}s waiting for the lock on ${what} (${lockPath})`, {
      actions: [
        'Another Berth command is working on it: wait for it to finish, then retry.',
        `If no Berth command is running, the lock is left over from a crash: it is ignored once it is ${Math.round(staleMs / 1000)} s old, or remove the directory ${lockPath} by hand.`,
      ],
      data: { lockPath, what, problem: 'timeout', waitedMs },
    });
  }
}

/**
 * The lock was taken over by another process while held (e.g. this process was frozen past the
 * stale time). Shares the StoreLocked code; `data.problem` is "lost".
 */
export class StoreLockLostError extends BerthError {
  override readonly code = 'StoreLocked' as const;

  constructor(
    readonly lockPath: string,
    readonly what: string,
    cause: unknown,
  ) {
    super(`Lost the lock on ${what} (${lockPath}) while working on it`, {
      actions: [`Check ${what} (e.g. with \`inspect\`) and run the command again.`],
      data: { lockPath, what, problem: 'lost' },
      cause,
    });
  }
}
