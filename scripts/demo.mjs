// Berth's main job, end to end, on a sandbox host from the test kit (a real Debian 12 with
// systemd and sshd, without Docker): create a machine, use it with docker, remove it.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TestSession } from '@berth/test-kit';

const store = mkdtempSync(join(tmpdir(), 'berth-demo-store-'));
const env = { ...process.env, MACHINE_STORAGE_PATH: store };
// Asynchronous on purpose: the engine install script is served from this very process.
const run = promisify(execFile);
const step = (text) => process.stdout.write(`\n==> ${text}\n`);
const berth = async (...args) => {
  process.stdout.write(`$ berth ${args.join(' ')}\n`);
  const { stdout, stderr } = await run(process.execPath, ['packages/cli/bin/run.cjs', ...args], { env });
  process.stderr.write(stderr);
  return stdout;
};
const show = async (...args) => process.stdout.write(await berth(...args));

step('starting a sandbox host (Debian 12, systemd, sshd, no Docker) in the local test engine');
const session = await TestSession.create((line) => process.stdout.write(`${line}\n`));
try {
  const host = await session.startHost();
  process.stdout.write(`sandbox host ${host.name} at ${host.address}\n`);

  step('berth create: install Docker on the host and secure it with TLS');
  await show(
    'create',
    '-d',
    'generic',
    '--generic-ip-address',
    host.address,
    '--generic-ssh-key',
    host.privateKeyPath,
    '--engine-install-url',
    session.installScriptUrl,
    'demo',
  );
  await show('ls');

  step('use it with the local docker client');
  const config = (await berth('config', 'demo'))
    .trim()
    .split('\n')
    .map((flag) => flag.replace(/"/g, ''));
  const docker = async (...args) => {
    process.stdout.write(`$ docker $(berth config demo) ${args.join(' ')}\n`);
    process.stdout.write((await run('docker', [...config, ...args])).stdout);
  };
  await docker('version', '--format', 'engine {{.Server.Version}} over TLS on {{.Server.Os}}/{{.Server.Arch}}');
  await run('docker', [...config, 'load', '-i', session.images.tinyTar]);
  await docker('run', '--rm', session.images.tiny, 'echo', 'hello from a container on the berth machine');

  step('berth rm: forget the machine');
  await show('rm', '-y', 'demo');
  await show('ls');
} finally {
  step('removing the sandbox host');
  await session.clean();
  rmSync(store, { recursive: true, force: true });
}
