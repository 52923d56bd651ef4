import { join } from 'node:path';
import { certPathsIn, SERVER_CERT_FILE, SERVER_KEY_FILE } from '../certs/cert-paths.js';
import {
  type AuthOptions,
  CURRENT_CONFIG_VERSION,
  type DriverConfig,
  type EngineOptions,
  type HostConfig,
  type SwarmOptions,
} from './host-config.js';
import { machineDir, type Store } from './store-layout.js';

export interface NewHostConfigParams {
  store: Store;
  name: string;
  driverName: string;
  /** The driver's own record (its GetConfigRaw), stored as given. */
  driver: DriverConfig;
  engineOptions?: Partial<EngineOptions>;
  swarmOptions?: Partial<SwarmOptions>;
  /** e.g. `--tls-ca-cert` and friends; defaults point into the store. */
  authOptions?: Partial<AuthOptions>;
}

/** A fresh record with docker-machine's defaults, in docker-machine's key order. */
export function newHostConfig(params: NewHostConfigParams): HostConfig {
  const { store, name } = params;
  return {
    ConfigVersion: CURRENT_CONFIG_VERSION,
    Driver: params.driver,
    DriverName: params.driverName,
    HostOptions: {
      Driver: '',
      Memory: 0,
      Disk: 0,
      // Spreading over the defaults keeps their key order for known fields.
      EngineOptions: { ...defaultEngineOptions(), ...params.engineOptions },
      SwarmOptions: { ...defaultSwarmOptions(), ...params.swarmOptions },
      AuthOptions: { ...defaultAuthOptions(store, name), ...params.authOptions },
    },
    Name: name,
  };
}

export function defaultEngineOptions(): EngineOptions {
  return {
    ArbitraryFlags: [],
    Dns: null,
    GraphDir: '',
    Env: [],
    Ipv6: false,
    InsecureRegistry: [],
    Labels: [],
    LogLevel: '',
    StorageDriver: '',
    SelinuxEnabled: false,
    TlsVerify: true,
    RegistryMirror: [],
    InstallURL: 'https://get.docker.com',
  };
}

export function defaultSwarmOptions(): SwarmOptions {
  return {
    IsSwarm: false,
    Address: '',
    Discovery: '',
    Agent: false,
    Master: false,
    Host: 'tcp://0.0.0.0:3376',
    Image: 'swarm:latest',
    Strategy: 'spread',
    Heartbeat: 0,
    Overcommit: 0,
    ArbitraryFlags: [],
    ArbitraryJoinFlags: [],
    Env: null,
    IsExperimental: false,
  };
}

export function defaultAuthOptions(store: Store, name: string): AuthOptions {
  const dir = machineDir(store, name);
  const certs = certPathsIn(store.certsDir);
  return {
    CertDir: store.certsDir,
    CaCertPath: certs.caCert,
    CaPrivateKeyPath: certs.caKey,
    CaCertRemotePath: '',
    ServerCertPath: join(dir, SERVER_CERT_FILE),
    ServerKeyPath: join(dir, SERVER_KEY_FILE),
    ClientKeyPath: certs.clientKey,
    ServerCertRemotePath: '',
    ServerKeyRemotePath: '',
    ClientCertPath: certs.clientCert,
    ServerCertSANs: [],
    StorePath: dir,
  };
}
