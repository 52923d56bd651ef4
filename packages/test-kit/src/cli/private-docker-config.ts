import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let dir: string | undefined;

/**
 * A DOCKER_CONFIG of this test process's own, removed when it exits. Berth writes a docker context
 * per machine into the docker CLI's store; a berth run by a test must never write the real
 * ~/.docker, so every run gets this one unless the test names its own.
 */
export function privateDockerConfig(): string {
  if (dir === undefined) {
    const made = mkdtempSync(join(tmpdir(), 'berth-test-docker-config-'));
    dir = made;
    process.once('exit', () => rmSync(made, { recursive: true, force: true }));
  }
  return dir;
}

/** A copy of `env` with DOCKER_CONFIG set to {@link privateDockerConfig} when neither it nor `overrides` sets one. */
export function withPrivateDockerConfig(
  env: NodeJS.ProcessEnv,
  overrides: Record<string, string> | undefined,
): NodeJS.ProcessEnv {
  if (overrides?.DOCKER_CONFIG !== undefined || (env.DOCKER_CONFIG ?? '') !== '') return { ...env };
  return { ...env, DOCKER_CONFIG: privateDockerConfig() };
}
