import type { Command } from '@oclif/core';
import Active from './commands/active.js';
import Autocomplete from './commands/autocomplete.js';
import Config from './commands/config.js';
import Create from './commands/create.js';
import Env from './commands/env.js';
import Inspect from './commands/inspect.js';
import Ip from './commands/ip.js';
import Kill from './commands/kill.js';
import Ls from './commands/ls.js';
import Mount from './commands/mount.js';
import Provision from './commands/provision.js';
import RegenerateCerts from './commands/regenerate-certs.js';
import Restart from './commands/restart.js';
import Rm from './commands/rm.js';
import Scp from './commands/scp.js';
import Ssh from './commands/ssh.js';
import SshConfig from './commands/ssh-config.js';
import Start from './commands/start.js';
import Status from './commands/status.js';
import Stop from './commands/stop.js';
import Upgrade from './commands/upgrade.js';
import Url from './commands/url.js';
import Use from './commands/use.js';
import Version from './commands/version.js';

/**
 * Every command, by id: oclif's "explicit" discovery reads this (package.json `oclif.commands`)
 * instead of globbing and importing `commands/*.js` one by one, so the CLI can be one bundle.
 */
export const COMMANDS: Readonly<Record<string, Command.Class>> = {
  active: Active,
  autocomplete: Autocomplete,
  config: Config,
  create: Create,
  env: Env,
  inspect: Inspect,
  ip: Ip,
  kill: Kill,
  ls: Ls,
  mount: Mount,
  provision: Provision,
  'regenerate-certs': RegenerateCerts,
  restart: Restart,
  rm: Rm,
  scp: Scp,
  ssh: Ssh,
  'ssh-config': SshConfig,
  start: Start,
  status: Status,
  stop: Stop,
  upgrade: Upgrade,
  url: Url,
  use: Use,
  version: Version,
};
