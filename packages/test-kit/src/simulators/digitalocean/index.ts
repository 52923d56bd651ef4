// The DigitalOcean API simulator (test kit only). Filled by the cloud-driver work.
export {};
