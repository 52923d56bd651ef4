#!/usr/bin/env node
// The least a Node program does to answer `version NAME`: one mutual-TLS request for /version to
// the machine's engine, with the machine's certificates (and the TLS handshake alone is what
// `env` and `config` need to check them). It takes the fastest route Node has, the one
// core/engine/engine-connection.ts takes: a secure context with no CA store, so OpenSSL does not
// parse Node's bundled root certificates, and the engine's certificate checked against the
// machine's CA afterwards. The bench times it beside `node -e ''` as a floor.
// Usage: engine-version.cjs MACHINE_DIR HOST PORT
'use strict';
const { X509Certificate } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { connect, createSecureContext } = require('node:tls');

const [dir, host, port] = process.argv.slice(2);
const read = (file) => readFileSync(join(dir, file));
const ca = new X509Certificate(read('ca.pem'));
const secureContext = createSecureContext({ ca: [], cert: read('cert.pem'), key: read('key.pem') });
const socket = connect({ host, port: Number(port), secureContext, rejectUnauthorized: false }, () => {
  const leaf = new X509Certificate(socket.getPeerCertificate().raw);
  if (!leaf.checkIssued(ca) || !leaf.verify(ca.publicKey)) {
    socket.destroy();
    process.stderr.write('the engine certificate is not signed by the machine CA\n');
    process.exitCode = 1;
    return;
  }
  socket.write(`GET /version HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
});
let response = '';
socket.setEncoding('utf8');
socket.on('data', (chunk) => {
  response += chunk;
});
socket.on('end', () => {
  const version = /"Version":"([^"]+)"/.exec(response)?.[1];
  if (version === undefined) {
    process.stderr.write('the engine gave no version\n');
    process.exitCode = 1;
  } else process.stdout.write(`${version}\n`);
});
