// Child process for the CA tests: one `ensureCaAndClientCert` call, result as JSON on stdout.
import { ensureCaAndClientCert } from '../../../../src/certs/index.js';

const [certsDir] = process.argv.slice(2);
const result = await ensureCaAndClientCert(certsDir, { org: 'racer' });
process.stdout.write(`${JSON.stringify(result)}\n`);
