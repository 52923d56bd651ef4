import { quoteGo } from '@berth/go-format/quote';

/** Texts `env` prints around its output, worded as docker-machine worded them. */

/** Printed on stdout before failing when SHELL is empty (not Windows). */
export const UNKNOWN_SHELL_NOTICE =
  "The default lines below are for a sh/bash shell, you can specify the shell you're using, with the --shell flag.\n\n";

export const UNKNOWN_SHELL_ERROR = 'Error: Unknown shell';

/** Printed on stdout on Windows when neither the parent nor the grandparent process is a known shell. */
export const WINDOWS_SHELL_NOTICE =
  "You can further specify your shell with either 'cmd' or 'powershell' with the --shell flag.\n\n";

export const UNSET_WITH_MACHINE_NAME_ERROR = 'Error: Expected no machine name when the -u flag is present';

export function tlsCheckFailedMessage(reason: string): string {
  return `Error checking TLS connection: ${reason}`;
}

export function notSwarmMasterMessage(machineName: string): string {
  return `${quoteGo(machineName)} is not a swarm master. The --swarm flag is intended for use with swarm masters`;
}
