import { BerthError } from '@berth/driver-protocol';

/**
 * Codes of swarm mode's errors (`create --swarm-mode`). Core's own, like the image codes: swarm
 * mode is set up by core through the engine API and its errors never cross the driver wire. A
 * code never changes meaning once released.
 */
export const SWARM_ERROR_CODES = {
  SwarmManagerUnknown: 'The machine named by --swarm-join is not in the store.',
  SwarmManagerUnreachable: "The --swarm-join machine's engine did not answer over TLS.",
  SwarmNotManager: 'The machine named by --swarm-join is not a swarm-mode manager.',
  SwarmInitFailed: 'The engine could not initialise swarm mode (docker swarm init); the message is its own.',
  SwarmJoinFailed: 'The engine could not join the swarm (docker swarm join); the message is its own.',
  SwarmLeaveFailed: 'rm removed the machine but could not take its node out of its swarm; a warning.',
} as const satisfies Record<string, string>;

export type SwarmErrorCode = keyof typeof SWARM_ERROR_CODES;

/** `--swarm-join NAME` names no machine of this store. */
export class SwarmManagerUnknownError extends BerthError<SwarmErrorCode> {
  override readonly code = 'SwarmManagerUnknown' as const;

  constructor(manager: string) {
    super(`Cannot join the swarm of "${manager}": there is no machine called "${manager}" in this store`, {
      actions: [
        `Create the manager first: berth create -d DRIVER --swarm-mode manager ${manager}`,
        'Or name a machine that `berth ls` shows.',
      ],
      data: { manager },
    });
  }
}

/** The manager's engine could not be asked for the swarm's state. */
export class SwarmManagerUnreachableError extends BerthError<SwarmErrorCode> {
  override readonly code = 'SwarmManagerUnreachable' as const;

  constructor(manager: string, url: string, detail: string, cause?: unknown) {
    super(`Cannot join the swarm of "${manager}": its engine at ${url} did not answer: ${detail}`, {
      actions: [`Check that "${manager}" runs (berth status ${manager}) and that \`berth env ${manager}\` works.`],
      data: { manager, url, detail },
      cause,
    });
  }
}

/** The machine exists but is not a manager of a swarm (inactive, or only a worker). */
export class SwarmNotManagerError extends BerthError<SwarmErrorCode> {
  override readonly code = 'SwarmNotManager' as const;

  constructor(manager: string, detail: string) {
    super(`Cannot join the swarm of "${manager}": it is not a swarm manager (${detail})`, {
      actions: [
        `Initialise swarm mode on it (docker $(berth config ${manager}) swarm init), or name a manager with --swarm-join.`,
      ],
      data: { manager, detail },
    });
  }
}

/** `POST /swarm/init` failed on the new machine. */
export class SwarmInitError extends BerthError<SwarmErrorCode> {
  override readonly code = 'SwarmInitFailed' as const;

  constructor(machine: string, advertiseAddr: string, engineMessage: string, status?: number) {
    super(`Initialising swarm mode on "${machine}" (advertised at ${advertiseAddr}) failed: ${engineMessage}`, {
      actions: ["The message above is the engine's own; fix its cause and run create again."],
      data: { machine, advertiseAddr, engineMessage, ...(status === undefined ? {} : { status }) },
    });
  }
}

/** `POST /swarm/join` failed on the new machine. */
export class SwarmJoinError extends BerthError<SwarmErrorCode> {
  override readonly code = 'SwarmJoinFailed' as const;

  constructor(
    machine: string,
    manager: string,
    remoteAddrs: readonly string[],
    engineMessage: string,
    status?: number,
  ) {
    super(`Joining "${machine}" to the swarm of "${manager}" (${remoteAddrs.join(', ')}) failed: ${engineMessage}`, {
      actions: [
        `Check that "${machine}" reaches ${remoteAddrs.join(', ')} (TCP 2377, and 7946 and UDP 4789 between the nodes).`,
      ],
      data: {
        machine,
        manager,
        remoteAddrs: [...remoteAddrs],
        engineMessage,
        ...(status === undefined ? {} : { status }),
      },
    });
  }
}

/**
 * `rm` of a swarm-mode machine could not take its node out of the swarm. A warning: the machine
 * is removed all the same, and the actions say what to run on a manager.
 */
export class SwarmLeaveError extends BerthError<SwarmErrorCode> {
  override readonly code = 'SwarmLeaveFailed' as const;

  constructor(machine: string, swarm: string, detail: string, cleanup: { manager?: string; nodeId?: string }) {
    const node = cleanup.nodeId || machine;
    super(`Could not take "${machine}" out of the swarm of "${swarm}": ${detail}`, {
      actions: [
        cleanup.manager
          ? `Remove its node on a manager: docker $(berth config ${cleanup.manager}) node rm --force ${node}`
          : `Remove its node on a manager of that swarm: docker node rm --force ${node}`,
      ],
      data: { machine, swarm, detail, ...cleanup },
    });
  }
}
