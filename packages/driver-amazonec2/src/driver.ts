import { randomBytes } from 'node:crypto';
import { access } from 'node:fs/promises';
import {
  type BerthError,
  type CallContext,
  type CreateFlag,
  type DriverCapabilities,
  type DriverConfigResult,
  type GetIpResult,
  type GetSshHostnameResult,
  type GetSshKeyPathResult,
  type GetSshPortResult,
  type GetSshUsernameResult,
  type GetStateResult,
  type GetUrlResult,
  InternalError,
  InvalidFlagError,
  isBerthError,
  MachineNotRunningError,
  type MachineParams,
  type MachineState,
  type SetConfigFromFlagsParams,
} from '@berth/driver-protocol';
import { BaseDriver, InFlightCreates, MachineJournal, sleep } from '@berth/driver-sdk';
import { lookupUbuntuAmi } from './ami-lookup.js';
import { awsSettings, Ec2Api } from './ec2-api.js';
import { type Ec2Config, readEc2Config, usesPrivateAddress, writeEc2Config } from './ec2-config.js';
import { parseCreateFlags } from './flag-rules.js';
import { AMAZONEC2_FLAGS } from './flags.js';
import { InstanceBatcher, type InstanceView } from './instance-batcher.js';
import { launchMachine } from './launch-machine.js';
import { chooseNetwork } from './network-choice.js';
import { cleanupReport, removeResources } from './resource-cleanup.js';
import { waitLimitMs } from './wait.js';

const STATES: Record<string, MachineState> = {
  pending: 'Starting',
  running: 'Running',
  stopping: 'Stopping',
  'shutting-down': 'Stopping',
  stopped: 'Stopped',
  terminated: 'Error',
};

/** Amazon EC2: instances launched with the AWS SDK, every resource journaled and removed again. */
export class AmazonEc2Driver extends BaseDriver {
  readonly name = 'amazonec2';
  readonly version = '0.1.0';
  /** Creates under way in this process, by machine dir: a `remove` waits for its create to settle. */
  private readonly creating = new InFlightCreates();
  private readonly batchers = new Map<string, InstanceBatcher>();

  capabilities(): DriverCapabilities {
    return { powerControl: true, ssh: true, secretConfigKeys: ['SecretKey', 'SessionToken'] };
  }

  createFlags(): CreateFlag[] {
    return AMAZONEC2_FLAGS;
  }

  private api(config: Ec2Config): Ec2Api {
    return Ec2Api.for(awsSettings(config));
  }

  /** One batcher per region, endpoint and account: concurrent lookups become one DescribeInstances. */
  private batcher(api: Ec2Api): InstanceBatcher {
    let batcher = this.batchers.get(api.batchKey);
    if (!batcher) {
      batcher = new InstanceBatcher(
        async (ids) => {
          const views = new Map<string, InstanceView>();
          let nextToken: string | undefined;
          do {
            const page = await api.describeInstances({
              Filters: [{ Name: 'instance-id', Values: ids }],
              ...(nextToken ? { NextToken: nextToken } : {}),
            });
            for (const instance of (page.Reservations ?? []).flatMap((r) => r.Instances ?? [])) {
              if (!instance.InstanceId) continue;
              views.set(instance.InstanceId, {
                instanceId: instance.InstanceId,
                state: instance.State?.Name ?? '',
                publicIp: instance.PublicIpAddress ?? '',
                privateIp: instance.PrivateIpAddress ?? '',
                stateReason: instance.StateReason?.Message ?? '',
                spotInstanceRequestId: instance.SpotInstanceRequestId ?? '',
              });
            }
            nextToken = page.NextToken;
          } while (nextToken);
          return views;
        },
        { prepare: () => api.ready() },
      );
      this.batchers.set(api.batchKey, batcher);
    }
    return batcher;
  }

  override async setConfigFromFlags(
    params: SetConfigFromFlagsParams,
    context: CallContext,
  ): Promise<DriverConfigResult> {
    const { machine } = params;
    const parsed = parseCreateFlags(params.flags);
    const config: Ec2Config = {
      ...readEc2Config(machine),
      ...parsed,
      Id: randomBytes(16).toString('hex'),
      MachineName: machine.name,
      StorePath: machine.storePath,
    };
    for (const path of [config.SSHPrivateKeyPath, config.UserDataFile].filter(Boolean)) {
      try {
        await access(path);
      } catch {
        const flag = path === config.UserDataFile ? 'amazonec2-userdata' : 'amazonec2-ssh-keypath';
        throw new InvalidFlagError(`--${flag}: cannot read "${path}"`, { data: { flag, path } });
      }
    }
    const api = this.api(config);
    const network = await chooseNetwork(
      api,
      { region: config.Region, vpcId: config.VpcId, subnetId: config.SubnetId, zone: config.Zone },
      context.signal,
      (line) => context.log('info', line),
    );
    config.VpcId = network.vpcId;
    config.SubnetId = network.subnetId;
    config.Zone = network.zone;
    if (!config.AMI) config.AMI = await lookupUbuntuAmi(api, config.InstanceType, context.signal);
    return { driverConfig: writeEc2Config(machine, config) };
  }

  override async preCreateCheck(params: MachineParams, context: CallContext): Promise<void> {
    const config = readEc2Config(params.machine);
    if (!config.ExistingKey) return;
    try {
      await this.api(config).describeKeyPairs({ KeyNames: [config.KeyName] }, context.signal);
    } catch (error) {
      if (isBerthError(error) && error.data.awsCode === 'InvalidKeyPair.NotFound') {
        throw new InvalidFlagError(
          `There is no keypair with the name ${config.KeyName}. Please verify the key name provided.`,
          {
            actions: ['Check --amazonec2-keypair-name (AWS_KEYPAIR_NAME) and --amazonec2-region.'],
            data: { flag: 'amazonec2-keypair-name' },
          },
        );
      }
      throw error;
    }
  }

  override async create(params: MachineParams, context: CallContext): Promise<DriverConfigResult> {
    return this.creating.run(params.machine.machineDir, () => this.createOrRollBack(params, context));
  }

  private async createOrRollBack(params: MachineParams, context: CallContext): Promise<DriverConfigResult> {
    const { machine } = params;
    const config = readEc2Config(machine);
    const api = this.api(config);
    const journal = new MachineJournal(machine.machineDir);
    try {
      const launched = await launchMachine({
        api,
        config,
        machineName: machine.name,
        machineDir: machine.machineDir,
        journal,
        context,
      });
      return { driverConfig: writeEc2Config(machine, launched) };
    } catch (error) {
      context.progress('Creating the machine failed; removing what was created in EC2...');
      // The call's own signal may be what failed it: the rollback gets its own time.
      const result = await removeResources({
        api,
        config,
        journal,
        fromConfig: false,
        progress: (line) => context.progress(line),
        onInstanceChanged: (id) => this.batcher(api).invalidate(id),
      });
      const failure: BerthError = isBerthError(error)
        ? error
        : new InternalError(`amazonec2 driver: ${error instanceof Error ? error.message : String(error)}`, {
            cause: error,
          });
      failure.actions.unshift(...cleanupReport(result));
      throw failure;
    }
  }

  override async remove(params: MachineParams, context: CallContext): Promise<void> {
    const { machine } = params;
    // A create of this machine still rolling back (the user pressed Ctrl-C): let it finish first.
    await this.creating.settled(machine.machineDir);
    const config = readEc2Config(machine);
    const api = this.api(config);
    const result = await removeResources({
      api,
      config,
      journal: new MachineJournal(machine.machineDir),
      fromConfig: true,
      signal: context.signal,
      progress: (line) => context.progress(line),
      onInstanceChanged: (id) => this.batcher(api).invalidate(id),
    });
    if (result.left.length > 0) {
      // The commands are in the message too: a host that shows only the message still says how.
      const names = result.left.map((left) => `${left.description} (remove it with: ${left.command})`).join('; ');
      throw new InternalError(`could not remove from EC2 what machine "${machine.name}" has: ${names}`, {
        actions: result.left.map((left) => `${left.description}: ${left.reason}. Remove it with: ${left.command}`),
        data: { left: result.left },
      });
    }
  }

  private async view(params: MachineParams, context: CallContext): Promise<{ config: Ec2Config; view?: InstanceView }> {
    const config = readEc2Config(params.machine);
    if (!config.InstanceId) return { config };
    const view = await this.batcher(this.api(config)).get(config.InstanceId, context.signal);
    if (!view) {
      throw new MachineNotRunningError(`instance ${config.InstanceId} does not exist in ${config.Region}`, {
        actions: [`It was removed outside Berth; forget the machine with \`berth rm -f ${params.machine.name}\`.`],
        data: { instanceId: config.InstanceId },
      });
    }
    return { config, view };
  }

  private address(config: Ec2Config, view: InstanceView | undefined): string {
    if (!view) return config.IPAddress;
    return (usesPrivateAddress(config) ? view.privateIp : view.publicIp) || '';
  }

  override async getState(params: MachineParams, context: CallContext): Promise<GetStateResult> {
    const { view } = await this.view(params, context);
    if (!view) return { state: 'None' };
    const state = STATES[view.state];
    if (!state) context.log('warn', `unknown EC2 instance state "${view.state}"`);
    return { state: state ?? 'Error' };
  }

  override async getUrl(params: MachineParams, context: CallContext): Promise<GetUrlResult> {
    const { config, view } = await this.view(params, context);
    const address = this.address(config, view);
    if (view?.state !== 'running' || !address) throw new MachineNotRunningError('Host is not running');
    const host = address.includes(':') ? `[${address}]` : address;
    return { url: `tcp://${host}:2376` };
  }

  override async getIp(params: MachineParams, context: CallContext): Promise<GetIpResult> {
    const { config, view } = await this.view(params, context);
    const address = this.address(config, view) || config.IPAddress;
    if (!address) {
      throw new MachineNotRunningError(`No IP for instance ${config.InstanceId || '(none yet)'}`, {
        actions: [`Start the machine: berth start ${params.machine.name}`],
      });
    }
    return { ip: address };
  }

  override async getSshHostname(params: MachineParams, context: CallContext): Promise<GetSshHostnameResult> {
    return { hostname: (await this.getIp(params, context)).ip };
  }

  override async getSshPort(params: MachineParams): Promise<GetSshPortResult> {
    return { port: readEc2Config(params.machine).SSHPort };
  }

  override async getSshUsername(params: MachineParams): Promise<GetSshUsernameResult> {
    return { username: readEc2Config(params.machine).SSHUser };
  }

  override async getSshKeyPath(params: MachineParams): Promise<GetSshKeyPathResult> {
    return { keyPath: readEc2Config(params.machine).SSHKeyPath };
  }

  private requireInstance(params: MachineParams): { config: Ec2Config; api: Ec2Api } {
    const config = readEc2Config(params.machine);
    if (!config.InstanceId) {
      throw new MachineNotRunningError(`machine "${params.machine.name}" has no instance (its create did not finish)`, {
        actions: [`Remove it with \`berth rm ${params.machine.name}\` and create it again.`],
      });
    }
    return { config, api: this.api(config) };
  }

  override async start(params: MachineParams, context: CallContext): Promise<DriverConfigResult> {
    const { config, api } = this.requireInstance(params);
    await api.startInstances({ InstanceIds: [config.InstanceId] }, context.signal);
    const batcher = this.batcher(api);
    batcher.invalidate(config.InstanceId);
    // A started instance usually has a new public address: wait for it and store it.
    const deadline = Date.now() + waitLimitMs();
    let delay = 250;
    for (;;) {
      const found = await api.describeInstances({ InstanceIds: [config.InstanceId] }, context.signal);
      const instance = found.Reservations?.[0]?.Instances?.[0];
      const address = usesPrivateAddress(config) ? instance?.PrivateIpAddress : instance?.PublicIpAddress;
      if (address && instance?.State?.Name === 'running') {
        config.IPAddress = address;
        config.PrivateIPAddress = instance.PrivateIpAddress ?? '';
        break;
      }
      if (Date.now() >= deadline) break;
      await sleep(delay, context.signal);
      delay = Math.min(delay * 2, 3_000);
    }
    batcher.invalidate(config.InstanceId);
    return { driverConfig: writeEc2Config(params.machine, config) };
  }

  override async stop(params: MachineParams, context: CallContext): Promise<DriverConfigResult> {
    const { config, api } = this.requireInstance(params);
    await api.stopInstances({ InstanceIds: [config.InstanceId], Force: false }, context.signal);
    this.batcher(api).invalidate(config.InstanceId);
    return { driverConfig: params.machine.driverConfig };
  }

  override async kill(params: MachineParams, context: CallContext): Promise<DriverConfigResult> {
    const { config, api } = this.requireInstance(params);
    await api.stopInstances({ InstanceIds: [config.InstanceId], Force: true }, context.signal);
    this.batcher(api).invalidate(config.InstanceId);
    return { driverConfig: params.machine.driverConfig };
  }

  override async restart(params: MachineParams, context: CallContext): Promise<DriverConfigResult> {
    const { config, api } = this.requireInstance(params);
    await api.rebootInstances({ InstanceIds: [config.InstanceId] }, context.signal);
    this.batcher(api).invalidate(config.InstanceId);
    return { driverConfig: params.machine.driverConfig };
  }
}
