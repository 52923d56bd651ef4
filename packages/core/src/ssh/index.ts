// The SSH client lives in @berth/driver-sdk/ssh (drivers reboot hosts with it); core adds file copy.
export * from '@berth/driver-sdk/ssh';
export { type CopyEndpoint, sftpCopy } from './sftp-copy.js';
