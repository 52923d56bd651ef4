/**
 * A path as one value of an OpenSSH option (`-o Key=VALUE` or a config file line): in double
 * quotes with `\` and `"` escaped, as OpenSSH splits values, and `%` doubled, since ssh expands
 * `%` tokens in IdentityFile and UserKnownHostsFile.
 */
export function openSshConfigPath(path: string): string {
  return `"${path.replace(/[\\"]/g, '\\$&').replaceAll('%', '%%')}"`;
}
