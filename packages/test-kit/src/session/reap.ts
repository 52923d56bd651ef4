import { tryDocker } from '../engine/docker.js';
import { LABEL_KIT, LABEL_OWNER, LABEL_RUN } from './labels.js';
import { isProcessAlive } from './process-identity.js';

async function lines(args: string[]): Promise<string[]> {
  const result = await tryDocker(args);
  if (result.code !== 0) throw new Error(`docker ${args.join(' ')}: ${result.stderr.trim()}`);
  return result.stdout.split('\n').filter((line) => line.trim().length > 0);
}

/** Removes every container (with its anonymous volumes), named volume and network of one run. */
export async function reapRun(runId: string): Promise<void> {
  const filter = `label=${LABEL_RUN}=${runId}`;
  const containers = await lines(['ps', '-aq', '--filter', filter]);
  if (containers.length > 0) await tryDocker(['rm', '-f', '-v', ...containers]);
  const volumes = await lines(['volume', 'ls', '-q', '--filter', filter]);
  if (volumes.length > 0) await tryDocker(['volume', 'rm', '-f', ...volumes]);
  // Networks last: one still has endpoints until its containers are gone (the simulators' guests).
  const networks = await lines(['network', 'ls', '-q', '--filter', filter]);
  if (networks.length > 0) await tryDocker(['network', 'rm', ...networks]);
}

/** Reaps the runs whose owning process is gone (a killed earlier run). Returns their ids. */
export async function reapOrphans(): Promise<string[]> {
  const format = `{{.Label "${LABEL_RUN}"}} {{.Label "${LABEL_OWNER}"}}`;
  const rows = [
    ...(await lines(['ps', '-a', '--filter', `label=${LABEL_KIT}`, '--format', format])),
    ...(await lines(['volume', 'ls', '--filter', `label=${LABEL_KIT}`, '--format', format])),
    ...(await lines(['network', 'ls', '--filter', `label=${LABEL_KIT}`, '--format', format])),
  ];
  const orphans = new Set<string>();
  for (const row of rows) {
    const [run, owner] = row.split(' ');
    if (run && owner && !isProcessAlive(owner)) orphans.add(run);
  }
  for (const run of orphans) await reapRun(run);
  return [...orphans];
}
