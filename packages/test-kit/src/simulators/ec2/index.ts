// The EC2 API simulator (test kit only): EC2's Query protocol and SSM GetParameter on loopback.
export { Ec2ApiError } from './ec2-api-error.js';
export {
  type Ec2Call,
  type Ec2Fault,
  type Ec2Leftovers,
  Ec2Simulator,
  type Ec2SimulatorOptions,
  SIMULATOR_CREDENTIALS,
} from './ec2-simulator.js';
export type { InstanceStateName, SimInstance, SimKeyPair, SimSecurityGroup, SimSubnet, SimVpc } from './ec2-world.js';
export type { QueryTree, QueryValue } from './query-params.js';
export { UBUNTU_AMI_PARAMETERS } from './ssm-parameters.js';
