import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestSession } from '../../session/session.js';
import { Ec2Actions } from './ec2-actions.js';
import { Ec2ApiError } from './ec2-api-error.js';
import { Ec2World, newId, type SimInstance, type SimSubnet, type SimVpc } from './ec2-world.js';
import { errorDocument, responseDocument } from './ec2-xml.js';
import { HostMachine, type InstanceMachine, VirtualMachine } from './instance-machines.js';
import { parseQuery, type QueryTree } from './query-params.js';
import { type Credentials, verifySigV4 } from './sigv4.js';
import { ssmGetParameter, UBUNTU_AMI_PARAMETERS } from './ssm-parameters.js';

export interface Ec2SimulatorOptions {
  /** With a session, every launched instance is a real test host; without one, instances are virtual. */
  session?: TestSession;
  /** The one region the simulated endpoint serves (requests signed for another are refused). Default `us-east-1`. */
  region?: string;
  /** The only credentials accepted (SigV4 is verified). Default: a fixed test key pair. */
  credentials?: Credentials;
  /** Whether the account has a default VPC (with a default subnet per zone a, b, c). Default true. */
  defaultVpc?: boolean;
  /** Login user of launched test hosts, as the AMI's default user. Default `ubuntu`. */
  sshUser?: string;
  /** Boot time of a virtual instance (pending → running). Default 0. */
  virtualBootMs?: number;
}

/** One API call the simulator answered (retries are separate calls). */
export interface Ec2Call {
  /** 1-based, over the simulator's life. */
  index: number;
  service: 'ec2' | 'ssm';
  action: string;
  params: QueryTree | Record<string, unknown>;
  at: number;
  status: number;
  errorCode?: string;
}

/**
 * A fault to inject. `action` restricts it to one action (any action when absent); it fires from the
 * `nth` matching call on (default the first) for `times` calls (default 1).
 */
export type Ec2Fault =
  | { kind: 'error'; action?: string; nth?: number; times?: number; code: string; message?: string; status?: number }
  | { kind: 'throttle'; action?: string; nth?: number; times?: number; status?: 429 | 503 }
  | {
      kind: 'slow';
      action?: string;
      nth?: number;
      times?: number;
      ms: number /** answer late but do the work first */;
      after?: boolean;
    }
  /** The next launched instance never gets an address (stays pending forever). */
  | { kind: 'no-address' };

interface ArmedFault {
  fault: Ec2Fault;
  seen: number;
  fired: number;
}

/** What is left in the account that a machine could have made. */
export interface Ec2Leftovers {
  keyPairs: string[];
  /** Instances not terminated. */
  instances: string[];
  /** Security groups other than the VPCs' `default` groups. */
  securityGroups: string[];
  /** Spot requests still open or active. */
  spotRequests: string[];
}

export const SIMULATOR_CREDENTIALS: Credentials = {
  accessKeyId: 'AKIASIMULATOR0000001',
  secretAccessKey: 'simulator/secret+KEY/do-not-print-0123456789',
};

/**
 * EC2 (Query protocol, XML) and SSM GetParameter (JSON protocol) on a loopback port, for the
 * official AWS SDK clients: SigV4 is checked, answers and error codes are EC2's own, and faults
 * can be injected on demand. Instances are real test hosts when a session is given.
 */
export class Ec2Simulator {
  readonly world: Ec2World;
  readonly calls: Ec2Call[] = [];
  readonly credentials: Credentials;
  /** `host` launches real test hosts (needs a session); `virtual` launches address-only instances. */
  launchMode: 'host' | 'virtual';
  private faults: ArmedFault[] = [];
  private listeners: Array<(call: Ec2Call) => void | Promise<void>> = [];
  private readonly actions: Ec2Actions;

  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
    private readonly options: Ec2SimulatorOptions,
    world: Ec2World,
  ) {
    this.world = world;
    this.credentials = options.credentials ?? SIMULATOR_CREDENTIALS;
    this.launchMode = options.session ? 'host' : 'virtual';
    this.actions = new Ec2Actions(world, {
      launch: ({ publicKey }) => this.machineFor(publicKey),
      takeNoAddressFault: () => this.takeFault((f) => f.kind === 'no-address'),
    });
  }

  static async start(options: Ec2SimulatorOptions = {}): Promise<Ec2Simulator> {
    const region = options.region ?? 'us-east-1';
    const world = new Ec2World(region);
    if (options.defaultVpc !== false) world.addVpc({ isDefault: true });
    for (const [arch, name] of Object.entries(UBUNTU_AMI_PARAMETERS)) {
      const ami = arch === 'amd64' ? 'ami-0a1b2c3d4e5f60718' : 'ami-0f1e2d3c4b5a69788';
      world.images.add(ami);
      world.parameters.set(name, ami);
    }
    let simulator: Ec2Simulator | undefined;
    const server = createServer((request, response) => {
      void simulator?.handle(request, response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    simulator = new Ec2Simulator(server, `http://127.0.0.1:${port}`, options, world);
    return simulator;
  }

  get region(): string {
    return this.world.region;
  }

  /** The AMI the SSM parameter for the current Ubuntu LTS (amd64) points at. */
  get defaultAmi(): string {
    return this.world.parameters.get(UBUNTU_AMI_PARAMETERS.amd64) as string;
  }

  /** A VPC (not the default one unless asked) with a subnet per zone. */
  addVpc(options: { isDefault?: boolean; zones?: string[] } = {}): { vpc: SimVpc; subnets: SimSubnet[] } {
    return this.world.addVpc(options);
  }

  registerImage(imageId = newId('ami')): string {
    this.world.images.add(imageId);
    return imageId;
  }

  inject(fault: Ec2Fault): void {
    this.faults.push({ fault, seen: 0, fired: 0 });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Called (and awaited) for every request before it is answered: e.g. to read a journal at that moment. */
  onRequest(listener: (call: Ec2Call) => void | Promise<void>): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** Calls since `from` (an index, exclusive), optionally of one action. */
  count(action?: string, from = 0): number {
    return this.calls.filter((call) => call.index > from && (!action || call.action === action)).length;
  }

  get lastCallIndex(): number {
    return this.calls.length;
  }

  /**
   * An instance that exists without any API call (for stores of many machines): virtual, with a
   * loopback address when running. Counted nowhere.
   */
  async seedInstance(
    options: { state?: 'running' | 'stopped'; tags?: Record<string, string>; keyName?: string } = {},
  ): Promise<SimInstance> {
    const subnet = [...this.world.subnets.values()][0];
    if (!subnet) throw new Error('the simulated account has no subnet');
    const machine = new VirtualMachine();
    const instance: SimInstance = {
      instanceId: newId('i'),
      reservationId: newId('r'),
      imageId: this.defaultAmi,
      instanceType: 't2.micro',
      keyName: options.keyName,
      availabilityZone: subnet.availabilityZone,
      subnetId: subnet.subnetId,
      vpcId: subnet.vpcId,
      groupIds: [],
      state: options.state ?? 'running',
      stateReason: undefined,
      address: options.state === 'stopped' ? undefined : await machine.boot(),
      associatePublicIp: true,
      clientToken: undefined,
      launchTime: new Date(),
      spotInstanceRequestId: undefined,
      httpTokens: 'required',
      httpEndpoint: 'enabled',
      rootDeviceName: '/dev/sda1',
      volumeSize: 16,
      volumeType: 'gp2',
      monitoring: false,
      ebsOptimized: false,
      iamInstanceProfile: undefined,
      userData: undefined,
      tags: new Map(Object.entries(options.tags ?? {})),
      machine,
      work: Promise.resolve(),
    };
    this.world.instances.set(instance.instanceId, instance);
    return instance;
  }

  /** Waits for power operations under way, then lists what is left. */
  async leftovers(): Promise<Ec2Leftovers> {
    await this.world.idle();
    const world = this.world;
    return {
      keyPairs: [...world.keyPairs.values()].map((pair) => pair.keyName),
      instances: [...world.instances.values()].filter((i) => i.state !== 'terminated').map((i) => i.instanceId),
      securityGroups: [...world.securityGroups.values()].filter((g) => !g.isVpcDefault).map((g) => g.groupId),
      spotRequests: [...world.spotRequests.values()]
        .filter((r) => r.state === 'open' || r.state === 'active')
        .map((r) => r.spotInstanceRequestId),
    };
  }

  /** Removes every instance's machine and stops the server. */
  async close(): Promise<void> {
    await this.world.idle().catch(() => undefined);
    await Promise.all(
      [...this.world.instances.values()].map((instance) => instance.machine?.destroy().catch(() => undefined)),
    );
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private machineFor(publicKey: string | undefined): InstanceMachine {
    const session = this.options.session;
    if (this.launchMode === 'host' && session) {
      return new HostMachine({ session, publicKey, user: this.options.sshUser ?? 'ubuntu' });
    }
    return new VirtualMachine(this.options.virtualBootMs ?? 0);
  }

  private takeFault(test: (fault: Ec2Fault) => boolean): boolean {
    const index = this.faults.findIndex((armed) => test(armed.fault));
    if (index < 0) return false;
    this.faults.splice(index, 1);
    return true;
  }

  /** The faults that fire for this call (each matching fault counts the call). */
  private firing(action: string): Ec2Fault[] {
    const fired: Ec2Fault[] = [];
    for (const armed of this.faults) {
      const { fault } = armed;
      if (fault.kind === 'no-address') continue;
      if (fault.action && fault.action !== action) continue;
      armed.seen += 1;
      if (armed.seen >= (fault.nth ?? 1) && armed.fired < (fault.times ?? 1)) {
        armed.fired += 1;
        fired.push(fault);
      }
    }
    this.faults = this.faults.filter(
      (armed) => armed.fault.kind === 'no-address' || armed.fired < (armed.fault.times ?? 1),
    );
    return fired;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const requestId = randomUUID();
    const target = request.headers['x-amz-target'];
    const service = typeof target === 'string' && target.startsWith('AmazonSSM.') ? 'ssm' : 'ec2';
    let params: QueryTree | Record<string, unknown> = {};
    let action = 'Unknown';
    if (service === 'ssm') {
      action = String(target).slice('AmazonSSM.'.length);
      try {
        params = JSON.parse(body || '{}') as Record<string, unknown>;
      } catch {
        params = {};
      }
    } else {
      params = parseQuery(body);
      action = typeof params.Action === 'string' ? params.Action : 'Unknown';
    }
    const call: Ec2Call = { index: this.calls.length + 1, service, action, params, at: Date.now(), status: 200 };
    this.calls.push(call);
    const fail = (error: Ec2ApiError) => {
      call.status = error.status;
      call.errorCode = error.code;
      if (service === 'ssm') {
        response.writeHead(error.status, {
          'content-type': 'application/x-amz-json-1.1',
          'x-amzn-requestid': requestId,
          'x-amzn-errortype': error.code,
        });
        response.end(JSON.stringify({ __type: error.code, message: error.message }));
      } else {
        response.writeHead(error.status, { 'content-type': 'text/xml;charset=UTF-8' });
        response.end(errorDocument(error.code, error.message, requestId));
      }
    };
    try {
      const signed = { method: request.method ?? 'POST', path: request.url ?? '/', headers: request.headers, body };
      const verified = verifySigV4(signed, this.credentials, this.world.region);
      if (verified.service !== service) {
        throw new Ec2ApiError(
          'InvalidSignatureException',
          `Credential should be scoped to correct service: '${service}'.`,
          403,
        );
      }
      for (const listener of this.listeners) await listener(call);
      let slowAfter = 0;
      for (const fault of this.firing(action)) {
        if (fault.kind === 'slow') {
          if (fault.after) slowAfter += fault.ms;
          else await new Promise((resolve) => setTimeout(resolve, fault.ms));
        } else if (fault.kind === 'throttle') {
          throw new Ec2ApiError('RequestLimitExceeded', 'Request limit exceeded.', fault.status ?? 503);
        } else if (fault.kind === 'error') {
          throw new Ec2ApiError(
            fault.code,
            fault.message ?? `Injected ${fault.code} on ${action}.`,
            fault.status ?? 400,
          );
        }
      }
      if (service === 'ssm') {
        if (action !== 'GetParameter') {
          throw new Ec2ApiError('InvalidAction', `The action ${action} is not valid for this web service.`);
        }
        const answer = ssmGetParameter(this.world.parameters, this.world.region, params);
        if (slowAfter > 0) await new Promise((resolve) => setTimeout(resolve, slowAfter));
        call.status = answer.status;
        const type = (answer.body as { __type?: string }).__type;
        if (type) call.errorCode = type;
        response.writeHead(answer.status, {
          'content-type': 'application/x-amz-json-1.1',
          'x-amzn-requestid': requestId,
          ...(type ? { 'x-amzn-errortype': type } : {}),
        });
        response.end(JSON.stringify(answer.body));
        return;
      }
      const handler = this.actions.handlers[action];
      if (!handler) throw new Ec2ApiError('InvalidAction', `The action ${action} is not valid for this web service.`);
      const result = await handler(params as QueryTree);
      if (slowAfter > 0) await new Promise((resolve) => setTimeout(resolve, slowAfter));
      response.writeHead(200, { 'content-type': 'text/xml;charset=UTF-8' });
      response.end(responseDocument(action, requestId, result));
    } catch (error) {
      if (error instanceof Ec2ApiError) fail(error);
      else fail(new Ec2ApiError('InternalError', `An internal error has occurred: ${(error as Error).message}`, 500));
    }
  }
}
