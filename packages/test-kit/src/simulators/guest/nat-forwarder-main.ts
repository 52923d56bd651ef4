// A NAT rule's forwarder, detached from the simulator CLI that started it: listens on
// listenHost:listenPort and pipes each connection to the guest. It ends when its record is
// removed (the rule or the VM went), when the guest container stops (the VM powered off) or
// when the test process that owns the simulator dies, so nothing outlives a test.
import { execFile } from 'node:child_process';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { isProcessAlive } from '../../session/process-identity.js';
import type { ForwarderRecord, ForwarderSpec } from './nat-forwarder.js';

const spec = JSON.parse(process.argv[2] ?? '{}') as ForwarderSpec;
const path = join(spec.recordsDir, `${spec.id}.json`);

const server = createServer((inbound) => {
  const outbound = connect({ host: spec.targetHost, port: spec.targetPort });
  inbound.pipe(outbound).pipe(inbound);
  inbound.on('error', () => outbound.destroy());
  outbound.on('error', () => inbound.destroy());
});

function quit(): void {
  server.close();
  void readFile(path, 'utf8')
    .then(async (text) => {
      if ((JSON.parse(text) as ForwarderRecord).pid === process.pid) await rm(path, { force: true });
    })
    .catch(() => undefined)
    .finally(() => process.exit(0));
}

function containerRuns(): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('docker', ['inspect', '--format', '{{.State.Status}}', spec.container], (error, stdout) => {
      // A paused guest (saved / paused VM) keeps its rule; only a stopped or removed one ends it.
      resolve(!error && ['running', 'paused', 'restarting'].includes(stdout.trim()));
    });
  });
}

async function stillWanted(): Promise<boolean> {
  if (!isProcessAlive(spec.owner)) return false;
  const record = await readFile(path, 'utf8')
    .then((text) => JSON.parse(text) as ForwarderRecord)
    .catch(() => undefined);
  if (record?.pid !== process.pid) return false;
  return containerRuns();
}

server.on('error', (error) => {
  process.stdout.write(`${error.message}\n`);
  process.exit(1);
});
server.listen(spec.listenPort, spec.listenHost, () => {
  const record: ForwarderRecord = { ...spec, pid: process.pid };
  const temporary = `${path}.${process.pid}.tmp`;
  void writeFile(temporary, JSON.stringify(record))
    .then(() => rename(temporary, path))
    .then(() => {
      process.stdout.write('listening\n');
      const timer = setInterval(() => {
        void stillWanted().then((wanted) => {
          if (!wanted) {
            clearInterval(timer);
            quit();
          }
        });
      }, 1_000);
    });
});
process.on('SIGTERM', quit);
