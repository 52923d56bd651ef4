// The shared guest backend of the hypervisor simulators (VBoxManage, powershell.exe).
export {
  BOOT2DOCKER_MAGIC,
  type Boot2DockerDisk,
  isBoot2DockerDisk,
  readBoot2DockerDisk,
} from './boot2docker-disk.js';
export {
  GuestError,
  type GuestErrorCode,
  GuestMediaError,
  GuestNetworkError,
  GuestStartError,
} from './guest-errors.js';
export {
  connectGuestNic,
  containerNetworks,
  ensureGuestNetwork,
  type GuestNetwork,
  type GuestNetworkOwner,
  LABEL_SIMULATOR,
  reapOrphanGuestNetworks,
  removeGuestNetwork,
  simulatorNetworks,
} from './guest-network.js';
export { type GuestLogin, guestSetupScript, shellQuote } from './guest-setup.js';
export { sshdAnswers, waitForSshd } from './guest-sshd.js';
export {
  colonMac,
  type GuestMedia,
  type GuestNic,
  type GuestOwner,
  type GuestRunState,
  type GuestSpec,
  guestContainerName,
  guestStates,
  killGuest,
  pauseGuest,
  removeGuest,
  resumeGuest,
  type StartedGuest,
  shutdownGuest,
  startGuest,
} from './guest-vm.js';
export {
  type ForwarderRecord,
  type ForwarderSpec,
  liveForwarders,
  startForwarder,
  stopForwarder,
  stopForwarders,
} from './nat-forwarder.js';
export { isoVolumeId, type NoCloudSeed, readNoCloudSeed } from './nocloud-seed-reader.js';
