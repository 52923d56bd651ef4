export {
  BERTH_BIN,
  BERTH_RUN_TIMEOUT_MS,
  type BerthExit,
  BerthExitError,
  type BerthOptions,
  type BerthRun,
  type RunningBerth,
  runBerth,
  runBerthOk,
  startBerth,
} from './cli/berth-runner.js';
export { type BashOptions, bashWithBerth, berthOnPath } from './cli/berth-shell.js';
export { docker, tryDocker } from './engine/docker.js';
export { ensureEngine } from './engine/ensure-engine.js';
export { type CommandResult, mustRun, runCommand } from './engine/run-command.js';
export { pathExists, sha512File } from './files/file-checks.js';
export { copyFixtureStore, FIXTURE_STORE_PATH } from './fixtures/copy-fixture-store.js';
export {
  DM_FIXTURES_ENV,
  dockerMachineFixture,
  dockerMachineFixturesDir,
  REPO_ROOT,
  sharedDir,
} from './fixtures/shared-fixtures.js';
export { NETWORK_NAME, type TestNetwork } from './hosts/network.js';
export { type HostVariant, TestHost, type TestHostInfo } from './hosts/test-host.js';
export {
  type ImageFault,
  type ImageRequestRecord,
  type ImageServer,
  type ImageServerFile,
  type ImageServerOptions,
  startImageServer,
} from './image-server/image-server.js';
export { ensureImages, type TestImages } from './images/ensure-images.js';
export {
  ensureQemuImage,
  QEMU_TEST_IMAGE_URL,
  type QemuTestCreateOptions,
  type QemuTestImage,
  qemuTestCreateArgs,
} from './images/qemu-image.js';
export { INSTALL_SCRIPT } from './install-script/install-script.js';
export { LABEL_KIT, LABEL_OWNER, LABEL_RUN } from './session/labels.js';
export { reapOrphans, reapRun } from './session/reap.js';
export { type StartHostOptions, TestSession } from './session/session.js';
export * from './simulators/digitalocean/index.js';
export * from './simulators/ec2/index.js';
export * from './simulators/hyperv/index.js';
export * from './simulators/virtualbox/index.js';
export { generateKeyPair, type KeyPair } from './ssh/key-pair.js';
export {
  BOOT2DOCKER_DOCKER_VERSION,
  BOOT2DOCKER_OS_RELEASE,
  ScriptedBoot2DockerHost,
  type ScriptedBoot2DockerHostOptions,
} from './ssh/scripted-boot2docker-host.js';
export {
  DEBIAN_12_DOCKER_VERSION,
  DEBIAN_12_OS_RELEASE,
  type HostFile,
  ScriptedDebianHost,
  type ScriptedDebianHostOptions,
} from './ssh/scripted-debian-host.js';
export { type EngineTlsFiles, type EngineVersionAnswer, ScriptedEngine } from './ssh/scripted-engine.js';
export {
  type ExecRecord,
  ScriptedSshHost,
  type ScriptedSshHostOptions,
  type ScriptReply,
  type ScriptRule,
  unquoteShellWord,
} from './ssh/scripted-ssh-host.js';
export { sshExec, waitForSsh } from './ssh/ssh-exec.js';
export { type SnapshotOptions, snapshotTree, type TreeSnapshot } from './store/store-snapshot.js';
export { ensureQemuPackages } from './vm/qemu-packages.js';
