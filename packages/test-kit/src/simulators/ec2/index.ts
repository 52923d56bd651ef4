// The EC2 API simulator (test kit only). Filled by the cloud-driver work.
export {};
