import { ArgReader, type Command } from '../command-context.js';
import { dhcpServersListing, hostOnlyIfsListing, mediaListing } from '../render-lists.js';
import { humanReadable } from '../render-vm.js';
import { newDhcpListing } from '../sim-config.js';

const LIST_USAGE = [
  'VBoxManage list [--long] [--platform-arch=x86 | arm] [--sorted] bridgedifs | cloudnets | cloudprofiles |',
  '    cloudproviders | cpu-profiles | dhcpservers | dvds | extpacks | floppies | groups | hddbackends | hdds |',
  '    hostcpuids | hostdrives | hostdvds | hostfloppies | hostinfo | hostonlyifs | hostonlynets | intnets |',
  '    natnets | ostypes | ossubtypes | runningvms | screenshotformats | systemproperties | usbfilters | usbhost |',
  '    vms | webcams',
];

export const list: Command = async (ctx) => {
  const reader = new ArgReader(ctx.args, LIST_USAGE);
  let long = false;
  let sorted = false;
  let what: string | undefined;
  for (let arg = reader.next(); arg; arg = reader.next()) {
    if (arg.token === '--long' || arg.token === '-l') long = true;
    else if (arg.token === '--sorted' || arg.token === '-s') sorted = true;
    else if (!arg.token.startsWith('-') && what === undefined) what = arg.token;
    else throw reader.unknown(arg.token);
  }
  if (!what) throw reader.syntax('Missing subcommand for "list" command');
  const registry = ctx.registry;
  switch (what) {
    case 'vms':
    case 'runningvms': {
      let vms =
        what === 'vms' ? registry.vms : registry.vms.filter((vm) => vm.state === 'running' || vm.state === 'paused');
      if (sorted) vms = [...vms].sort((a, b) => a.name.localeCompare(b.name));
      vms.forEach((vm, i) => {
        if (!long) {
          ctx.out.out(`"${vm.name}" {${vm.uuid}}`);
          return;
        }
        if (i > 0) ctx.out.out('');
        ctx.out.out(...humanReadable(vm));
      });
      return;
    }
    case 'hostonlyifs': {
      const inUse = (name: string) =>
        registry.vms.some(
          (vm) =>
            vm.state === 'running' &&
            vm.nics.some((nic) => nic.attachment === 'hostonly' && nic.hostOnlyAdapter === name),
        );
      ctx.out.out(...hostOnlyIfsListing(registry.hostOnlyIfs, inUse));
      return;
    }
    case 'dhcpservers':
      ctx.out.out(...dhcpServersListing(registry.dhcpServers, newDhcpListing(ctx.config)));
      return;
    case 'hdds':
      ctx.out.out(
        ...mediaListing(
          registry.media.filter((m) => m.type === 'hdd'),
          registry,
        ),
      );
      return;
    case 'dvds':
      ctx.out.out(
        ...mediaListing(
          registry.media.filter((m) => m.type === 'dvd'),
          registry,
        ),
      );
      return;
    case 'floppies':
      ctx.out.out(
        ...mediaListing(
          registry.media.filter((m) => m.type === 'floppy'),
          registry,
        ),
      );
      return;
    case 'hostonlynets':
    case 'natnets':
    case 'bridgedifs':
    case 'intnets':
    case 'extpacks':
    case 'usbhost':
    case 'groups':
      // Nothing of these exists in the simulated host.
      if (what === 'extpacks') ctx.out.out('Extension Packs: 0');
      if (what === 'groups') ctx.out.out('"/"');
      return;
    default:
      throw reader.syntax(`Unknown subcommand "${what}" for "list" command`);
  }
};
