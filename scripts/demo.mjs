// The main job, end to end, on a sandbox host from the test kit (a real Debian 12 with sshd).
import { execFileSync } from 'node:child_process';
import { TestSession } from '@berth/test-kit';

const step = (text) => process.stdout.write(`\n==> ${text}\n`);
const berth = (...args) => {
  process.stdout.write(`$ berth ${args.join(' ')}\n`);
  execFileSync(process.execPath, ['packages/cli/bin/run.js', ...args], { stdio: 'inherit' });
};

step('starting a sandbox host (Debian 12, systemd, sshd) in the local test engine');
const session = await TestSession.create((line) => process.stdout.write(`${line}\n`));
try {
  const host = await session.startHost();
  process.stdout.write(`sandbox host ${host.name} at ${host.address}, key ${host.privateKeyPath}\n`);
  step('the sandbox answers over SSH');
  process.stdout.write(await host.mustExec('uname -sr && . /etc/os-release && echo $PRETTY_NAME'));
  berth('version');
  step('next: berth create -d generic / docker / berth rm (arrives with the core path)');
} finally {
  step('removing the sandbox host');
  await session.clean();
}
