import { BerthError } from '@berth/driver-protocol';

/**
 * Codes of the docker context errors (`use`, and the contexts kept for every machine). Core's own,
 * like the image codes: contexts are written by core into the docker CLI's config directory and
 * these errors never cross the driver wire. A code never changes meaning once released.
 */
export const DOCKER_CONTEXT_ERROR_CODES = {
  DockerContextTaken:
    "A docker context with the machine's context name exists and Berth did not make it for this machine.",
  DockerConfigInvalid: "The docker CLI's config.json is not a JSON object, so Berth cannot set its current context.",
  DockerContextWriteFailed: "Reading or writing the docker CLI's context store or config.json failed.",
  DockerConfigDirUnknown: 'Neither DOCKER_CONFIG nor HOME is set, so there is no docker config directory to write to.',
} as const satisfies Record<string, string>;

export type DockerContextErrorCode = keyof typeof DOCKER_CONTEXT_ERROR_CODES;

/** The context name is in use by a context the user (or another store's machine) made. */
export class DockerContextTakenError extends BerthError<DockerContextErrorCode> {
  override readonly code = 'DockerContextTaken' as const;

  constructor(contextName: string, machineName: string, metaPath: string) {
    super(`A docker context "${contextName}" exists that Berth did not make for machine "${machineName}"`, {
      actions: [
        `Berth leaves it as it is. To let Berth keep a context for "${machineName}", remove that one (docker context rm ${contextName}) and run \`berth use ${machineName}\`.`,
      ],
      data: { context: contextName, machine: machineName, path: metaPath },
    });
  }
}

/** config.json exists but is not a JSON object: Berth will not rewrite a file it cannot read. */
export class DockerConfigInvalidError extends BerthError<DockerContextErrorCode> {
  override readonly code = 'DockerConfigInvalid' as const;

  constructor(path: string, detail: string) {
    super(`Cannot set the current docker context: ${path} is not a JSON object (${detail})`, {
      actions: [`Repair ${path} by hand (docker reads it too), then run the command again.`],
      data: { path, detail },
    });
  }
}

/** A file of the context store or config.json could not be read or written (permissions, full disk). */
export class DockerContextWriteError extends BerthError<DockerContextErrorCode> {
  override readonly code = 'DockerContextWriteFailed' as const;

  constructor(path: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`Cannot update the docker context store at ${path}: ${reason}`, {
      actions: [`Check that ${path} is yours and writable (or point DOCKER_CONFIG at a directory that is).`],
      data: { path },
      cause,
    });
  }
}

/** No DOCKER_CONFIG and no home directory in the environment. */
export class DockerConfigDirUnknownError extends BerthError<DockerContextErrorCode> {
  override readonly code = 'DockerConfigDirUnknown' as const;

  constructor() {
    super('Cannot find the docker config directory: neither DOCKER_CONFIG nor HOME is set', {
      actions: ['Set DOCKER_CONFIG to the directory the docker CLI reads (usually ~/.docker).'],
    });
  }
}
