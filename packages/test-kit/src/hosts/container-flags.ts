/**
 * What a systemd container needs on this machine kind, where `--privileged` fails because
 * CAP_SYS_RESOURCE is not in the bounding set (see DEVELOPERS.md).
 */
export const SYSTEMD_CONTAINER_FLAGS = [
  '--cap-add',
  'ALL',
  '--cap-drop',
  'SYS_RESOURCE',
  '--security-opt',
  'seccomp=unconfined',
  '--security-opt',
  'apparmor=unconfined',
  '--device-cgroup-rule',
  'a *:* rwm',
  '-v',
  '/sys/fs/cgroup:/sys/fs/cgroup:rw',
  '--tmpfs',
  '/run',
  '--tmpfs',
  '/run/lock',
  // No restart policy: the session's watcher restarts a host that rebooted (exit 129), and a
  // power-off (exit 0) stays off, as on a VM.
  // systemd halts cleanly on SIGRTMIN+3; it ignores SIGTERM as PID 1.
  '--stop-signal',
  'SIGRTMIN+3',
];
