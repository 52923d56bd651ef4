/**
 * Whether argv asks for help: oclif's `--help` before any `--`, and docker-machine's `-h` and
 * `-help`. Read on its own, before the flags, because oclif answers help before it parses them.
 */
export function asksForHelp(argv: readonly string[]): boolean {
  for (const arg of argv) {
    if (arg === '--') return false;
    if (arg === '--help' || arg === '-h' || arg === '-help') return true;
  }
  return false;
}
