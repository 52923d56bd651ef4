/** Lifetime of every certificate docker-machine issues. */
export const CERT_LIFETIME_DAYS = 1080;
// Tolerates clocks of the Docker host that run a little behind ours.
const BACKDATE_MINUTES = 5;

export interface Validity {
  notBefore: Date;
  notAfter: Date;
}

/** notBefore = now truncated to the minute, minus 5 minutes; notAfter = notBefore + 1080 days. */
export function certValidity(now: Date = new Date()): Validity {
  const notBefore = new Date(now.getTime());
  notBefore.setSeconds(0, 0);
  notBefore.setMinutes(notBefore.getMinutes() - BACKDATE_MINUTES);
  const notAfter = new Date(notBefore.getTime() + CERT_LIFETIME_DAYS * 24 * 60 * 60 * 1000);
  return { notBefore, notAfter };
}
