import { BerthError } from '@berth/driver-protocol';

/**
 * The TLS check against the engine failed (docker-machine's wording, with the program name of this
 * CLI).
 */
export class EngineCertificateError extends BerthError {
  override readonly code = 'CertificateError' as const;

  constructor(hostPort: string, detail: string, machineName: string, cause?: unknown) {
    super(
      `Error checking and/or regenerating the certs: There was an error validating certificates for host "${hostPort}": ${detail}\n` +
        `You can attempt to regenerate them using 'berth regenerate-certs ${machineName}'.\n` +
        'Be advised that this will trigger a Docker daemon restart which might stop running containers.',
      {
        actions: [`Run \`berth regenerate-certs ${machineName}\` if the machine's address or certificates changed.`],
        data: { hostPort, detail, machine: machineName },
        cause,
      },
    );
  }
}

/** The engine's TLS endpoint did not answer the Docker API in time. */
export class EngineNotAnsweringError extends BerthError {
  override readonly code = 'Timeout' as const;

  constructor(url: string, waitedMs: number, lastError: string) {
    super(`The Docker engine at ${url} did not answer within ${Math.round(waitedMs / 1000)} s: ${lastError}`, {
      actions: [
        'Check that dockerd runs on the host (`berth ssh NAME sudo systemctl status docker`) and that the engine port is reachable.',
      ],
      data: { url, waitedMs, lastError },
    });
  }
}

/**
 * Codes of the engine errors that are core's own (the others reuse the protocol's
 * `CertificateError` and `Timeout`): they never cross the driver wire. A code never changes
 * meaning once released.
 */
export const ENGINE_ERROR_CODES = {
  DockerVersionUnavailable: "`version NAME` could not get the version from the machine's Docker engine.",
} as const satisfies Record<string, string>;

export type EngineErrorCode = keyof typeof ENGINE_ERROR_CODES;

/**
 * `version NAME` could not get the engine's version: docker-machine's one wording, whatever the
 * cause (the machine stopped, the port closed, a certificate refused), and no advice after it.
 */
export class DockerVersionUnavailableError extends BerthError<EngineErrorCode> {
  override readonly code = 'DockerVersionUnavailable' as const;

  constructor(machineName: string, cause?: unknown) {
    super('Unable to query docker version: Cannot connect to the docker engine endpoint', {
      data: { machine: machineName },
      cause,
    });
  }
}
