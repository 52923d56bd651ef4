/** An error as EC2 (or SSM) answers it: its own code and message, and the HTTP status it comes with. */
export class Ec2ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'Ec2ApiError';
  }
}
