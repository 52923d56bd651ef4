import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { INSTALL_SCRIPT } from './install-script.js';

export interface InstallScriptServer {
  url: string;
  /** How many times the script was fetched (tests check it was really used). */
  fetches(): number;
  close(): Promise<void>;
}

/** Serves the install script on the test network's gateway, where test hosts reach this machine. */
export async function startInstallScriptServer(address: string): Promise<InstallScriptServer> {
  let fetches = 0;
  const server: Server = createServer((_request, response) => {
    fetches += 1;
    response.writeHead(200, { 'content-type': 'text/x-shellscript' });
    response.end(INSTALL_SCRIPT);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, address, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}/install.sh`,
    fetches: () => fetches,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
