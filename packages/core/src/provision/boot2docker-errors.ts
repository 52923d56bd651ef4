import { NotSupportedError } from '@berth/driver-protocol';

/**
 * `upgrade` of a boot2docker machine. boot2docker has no package manager: its engine is part of
 * the ISO it boots, and docker-machine upgraded it by swapping that ISO, which Berth does not do yet.
 */
export class Boot2DockerUpgradeNotSupportedError extends NotSupportedError {
  constructor(osName: string) {
    super(`Upgrading Docker on ${osName} is not supported yet: boot2docker's engine comes with its ISO`, {
      actions: [
        'Boot the machine from a newer boot2docker ISO yourself, then run `berth provision NAME` to configure its engine again.',
        'Or remove the machine (`berth rm NAME`) and create it again on a newer boot2docker.',
      ],
      data: { osName },
    });
  }
}
