import { BerthError } from '@berth/driver-protocol';

/** /etc/os-release names an OS no provisioner handles yet. */
export class UnsupportedOsError extends BerthError {
  override readonly code = 'UnsupportedOs' as const;

  constructor(osName: string, id: string, idLike: string) {
    super(`OS type not recognized: Berth cannot provision ${osName} yet (ID=${id || '?'}, ID_LIKE=${idLike || '-'})`, {
      actions: [
        'Use a Debian or Ubuntu host (systemd), or install Docker yourself and use the "none" driver with --url.',
      ],
      data: { osName, id, idLike },
    });
  }
}

/** A provisioning step failed on the host; `step` names it, `output` is what the host said. */
export class ProvisionFailedError extends BerthError {
  override readonly code = 'ProvisionFailed' as const;

  constructor(step: string, detail: string, actions: string[] = [], cause?: unknown) {
    super(`Error running provisioning: ${step}: ${detail}`, {
      actions: actions.length > 0 ? actions : ['Fix the cause on the host, then run `berth provision NAME` again.'],
      data: { step, detail },
      cause,
    });
  }
}
