/**
 * The user name docker-machine puts in certificate subjects: `$USER` on Linux and macOS,
 * `%USERNAME%` on Windows, `unknown` when empty or on any other OS.
 */
export function defaultCertOrg(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  const user = platform === 'win32' ? env.USERNAME : platform === 'linux' || platform === 'darwin' ? env.USER : '';
  return user === undefined || user === '' ? 'unknown' : user;
}

/** Subject O of the client certificate: the literal text `<bootstrap>` after the user. */
export function clientCertOrg(org: string): string {
  return `${org}.<bootstrap>`;
}

/** Subject O of a machine's server certificate. */
export function serverCertOrg(org: string, machineName: string): string {
  return `${org}.${machineName}`;
}
