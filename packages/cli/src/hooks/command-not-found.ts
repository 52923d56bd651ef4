import type { Hook } from '@oclif/core';

/** docker-machine's wording for an unknown command, exit 1. */
const hook: Hook.CommandNotFound = async (options) => {
  const bin = options.config.bin;
  process.stderr.write(`${bin}: '${options.id}' is not a ${bin} command. See '${bin} --help'.\n`);
  process.exit(1);
};

export default hook;
