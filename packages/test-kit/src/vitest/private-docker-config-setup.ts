// Every test file's processes (berth spawned directly, the docker CLI) see a DOCKER_CONFIG of
// their own: berth writes docker contexts, and a test must never write the real ~/.docker.
// Tests of contexts set DOCKER_CONFIG themselves.
import { privateDockerConfig } from '../cli/private-docker-config.js';

process.env.DOCKER_CONFIG = privateDockerConfig();
