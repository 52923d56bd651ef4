// Child process for the lock tests: appends `count` labels to one machine, each under the machine lock.
import { storeAt, updateMachine } from '../../../../src/store/index.js';

const [root, name, id, count] = process.argv.slice(2);
const store = storeAt(root);
for (let i = 0; i < Number(count); i += 1) {
  await updateMachine(store, name, (config) => {
    const labels = config.HostOptions.EngineOptions.Labels ?? [];
    config.HostOptions.EngineOptions.Labels = [...labels, `${id}-${i}`];
    return undefined;
  });
}
process.stdout.write('done\n');
