// The SSH client lives in @berth/driver-sdk/ssh (drivers reboot hosts with it); core adds file copy.
export * from '@berth/driver-sdk/ssh';
export {
  EXTERNAL_TOOL_ERROR_CODES,
  type ExternalToolErrorCode,
  MountpointMissingError,
  RemoteToolMissingError,
  ToolFailedError,
  ToolNotInstalledError,
} from '../errors/external-tool-errors.js';
export {
  type BuiltinSshReason,
  SSH_CLIENT_ERROR_CODES,
  type SshClientErrorCode,
  SshForwardFailedError,
  SshOptionInvalidError,
  SshOptionUnsupportedError,
} from '../errors/ssh-client-errors.js';
export { runBuiltinSsh } from './builtin-ssh-client.js';
export { type BuiltinPlanInput, type BuiltinSshPlan, builtinSshPlan } from './builtin-ssh-plan.js';
export { type ExternalSshInput, externalSshArgv, findOpenSsh, runExternalSsh } from './external-ssh-client.js';
export { findTool, runTool, type ToolExit } from './external-tool.js';
export { opensshOptionArgs, opensshOptions, remoteSpec } from './openssh-options.js';
export { ensureHostKeyPinned } from './pin-host-key.js';
export { type RsyncOptions, rsyncArgs, rsyncLocalPath, rsyncRemoteShell } from './rsync-argv.js';
export { type RsyncCopy, type RsyncTools, rsyncCopy, rsyncTools } from './rsync-copy.js';
export { type CopyEndpoint, sftpCopy } from './sftp-copy.js';
export {
  parseSshCommandLine,
  parseSshDestination,
  type SshCommandLine,
  type SshOption,
} from './ssh-command-line.js';
export { sshConfigBlock } from './ssh-config-block.js';
export { fusermountArgs, sshfsArgs } from './sshfs-argv.js';
export { fusermountTool, mountOverSshfs, type SshfsMount, sshfsTool, unmountSshfs } from './sshfs-mount.js';
